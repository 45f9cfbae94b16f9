"""The link to the city 12345 platform. Replies and status changes of orders pushed down by the
city are reported back through a `CityPlatformAdapter`. The default adapter is a logged outbox
(CityReport rows, written in the transaction of the change) delivered by a periodic job with
retries; a county with a real interface sets `HOTLINE_CITY_TRANSPORT` to a callable
`send(report) -> None` that raises on failure."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from yingshang.hotline.models import CityReport

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


class CityPlatformAdapter:
    def report(self, order, event: str, payload: dict) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class OutboxAdapter(CityPlatformAdapter):
    def report(self, order, event: str, payload: dict) -> CityReport:
        body = {
            "external_number": order.external_number,
            "source_system": order.source_system,
            "number": order.number,
            "status": order.status,
            "event": event,
            **payload,
        }
        return CityReport.objects.create(
            order=order, event=event, payload=body, next_attempt_at=timezone.now()
        )


def get_adapter() -> CityPlatformAdapter:
    path = getattr(settings, "HOTLINE_CITY_ADAPTER", "")
    return import_string(path)() if path else OutboxAdapter()


def _log_transport(report: CityReport) -> None:
    log.info("city report %s %s %s", report.order_id, report.event, report.payload)


def deliver_due(limit: int = 200) -> dict:
    transport_path = getattr(settings, "HOTLINE_CITY_TRANSPORT", "")
    transport = import_string(transport_path) if transport_path else _log_transport
    sent = failed = 0
    ids = list(
        CityReport.objects.filter(
            status=CityReport.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            report = (
                CityReport.objects.select_for_update()
                .filter(pk=pk, status=CityReport.Status.PENDING)
                .first()
            )
            if report is None:
                continue
            report.attempts += 1
            try:
                transport(report)
                report.status = CityReport.Status.SENT
                report.sent_at = timezone.now()
                report.next_attempt_at = None
                sent += 1
            except Exception as exc:  # retried with backoff
                report.last_error = str(exc)[:300]
                failed += 1
                if report.attempts >= MAX_ATTEMPTS:
                    report.status = CityReport.Status.FAILED
                    report.next_attempt_at = None
                else:
                    report.next_attempt_at = timezone.now() + dt.timedelta(
                        minutes=2**report.attempts
                    )
            report.save()
    return {"sent": sent, "failed": failed}
