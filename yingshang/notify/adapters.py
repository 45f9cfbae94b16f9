"""SMS adapters. settings.SMS_ADAPTER names the class; a provider's adapter implements
send(phone, text) -> provider message id and raises on failure (the job retries)."""

import logging

log = logging.getLogger("yingshang.sms")


class OutboxOnlySms:
    """The default: the message stays recorded in the outbox and the log; nothing leaves the
    machine (intranet deployments without an SMS gateway)."""

    def send(self, phone: str, text: str) -> str:
        from yingshang.org.masking import mask_phone

        log.info("SMS (outbox only) to %s: %s", mask_phone(phone), text)
        return "outbox"
