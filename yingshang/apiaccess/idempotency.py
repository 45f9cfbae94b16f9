"""Idempotency keys for create endpoints (DESIGN.md §13), used by every module:

    @router.post("/cases", response={201: CaseOut})
    def submit(request, payload: CaseIn):
        return idempotent(request, "cases.submit", payload, lambda: (201, do_submit(...)))

A retried POST with the same Idempotency-Key header (same caller, same endpoint) returns the
first response and status; the same key with a different body is refused (409)."""

import hashlib
import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from ninja.responses import Status

from yingshang.apiaccess.models import IdempotencyRecord
from yingshang.errors import DomainError
from yingshang.rowload import RowInserter, RowLoader

HEADER = "Idempotency-Key"


def _principal(request) -> str:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def _to_json(value):
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _split(result) -> tuple[int, object]:
    if isinstance(result, Status):
        return result.status_code, result.value
    return result


def idempotent(
    request, endpoint: str, payload, create: Callable[[], tuple[int, object] | Status]
) -> Status:
    """Run `create` once per Idempotency-Key; `create` returns (status, body) or Status(status, body)
    with a schema instance or a dict as body."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return Status(*_split(create()))
    if len(key) > 100:
        raise DomainError(
            "IDEMPOTENCY_KEY_INVALID", _("Idempotency-Key 过长（最多100个字符）"), status=400
        )
    principal = _principal(request)
    body = _to_json(payload)
    request_digest = hashlib.sha256(
        json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()

    def replay(record: IdempotencyRecord):
        if record.request_digest != request_digest:
            raise DomainError(
                "IDEMPOTENCY_KEY_REUSED", _("该 Idempotency-Key 已用于内容不同的请求")
            )
        return Status(record.status_code, record.response)

    existing = _RECORDS_READ.one([principal, endpoint, key])
    if existing:
        return replay(existing)
    try:
        with transaction.atomic():
            status, result = _split(create())
            record = IdempotencyRecord(
                principal=principal,
                key=key,
                endpoint=endpoint,
                request_digest=request_digest,
                status_code=status,
                response=_to_json(result),
            )
            if not _RECORDS_WRITE.insert(record):
                raise _RetryWon
    except (IntegrityError, _RetryWon):
        # a concurrent retry with the same key won the race; its transaction (and the object it
        # created) committed, ours rolled back as a whole: answer with its response.
        existing = _RECORDS_READ.one([principal, endpoint, key])
        if existing is None:
            raise
        return replay(existing)
    return Status(status, result)


class _RetryWon(Exception):
    """Our record lost to a concurrent request with the same key: roll back what we created."""


# read and written on every create call with a key: SQL built once (yingshang.rowload)
_RECORDS_READ = RowLoader(IdempotencyRecord, "principal = %s AND endpoint = %s AND key = %s")
_RECORDS_WRITE = RowInserter(IdempotencyRecord, ignore_conflicts=True)
