"""Request context for audit events (IP, acting role/unit), set by middleware so that
services need not be handed the request."""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    ip: str | None = None


_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "audit_context", default=AuditContext()
)


def current() -> AuditContext:
    return _current.get()


@contextmanager
def using(ctx: AuditContext):
    token = _current.set(ctx)
    try:
        yield
    finally:
        _current.reset(token)
