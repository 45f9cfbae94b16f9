"""Domain errors: a stable code and a Chinese message. The API maps them to JSON
(`{"code", "message", "details"}`) with HTTP 409 (or the status given); pages show the message.
Error codes are UPPER_SNAKE and never change once published (saleor's error_codes)."""

from typing import Any


class DomainError(Exception):
    status = 409

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        status: int | None = None,
    ):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = str(message)
        self.details = details or {}
        if status is not None:
            self.status = status


class PermissionDeniedError(DomainError):
    """The actor may see the object but may not do this to it."""

    status = 403


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a business rule about its content."""

    status = 400
