"""Check the whole chain: seq without gaps, each prev_hash equal to the previous hash, each
hash equal to the recomputed one."""

from dataclasses import dataclass

from yingshang.audit.chain import GENESIS, event_hash
from yingshang.audit.models import AuditEvent

_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "role",
    "unit_id",
    "action",
    "object_type",
    "object_id",
    "changes",
    "reason",
    "ip",
    "prev_hash",
    "hash",
    "id",
)


@dataclass
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain(*, batch: int = 20000) -> VerifyResult:
    expected_seq = 1
    prev = GENESIS
    checked = 0
    last_seq = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_seq)
            .order_by("seq")
            .values_list(*_FIELDS)[:batch]
        )
        if not rows:
            return VerifyResult(checked=checked)
        for row in rows:
            (
                seq,
                created_at,
                actor_id,
                role,
                unit_id,
                action,
                object_type,
                object_id,
                changes,
                reason,
                ip,
                prev_hash,
                stored_hash,
                pk,
            ) = row
            if seq != expected_seq:
                return VerifyResult(
                    checked, seq, pk, f"missing event(s) before #{seq} (expected #{expected_seq})"
                )
            if prev_hash != prev:
                return VerifyResult(checked, seq, pk, "prev_hash does not match the previous event")
            computed = event_hash(
                seq=seq,
                created_at=created_at,
                actor_id=actor_id,
                role=role,
                unit_id=unit_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                changes=changes,
                reason=reason,
                ip=ip,
                prev_hash=prev_hash,
            )
            if computed != stored_hash:
                return VerifyResult(checked, seq, pk, "content does not match its hash (altered)")
            prev = stored_hash
            expected_seq += 1
            checked += 1
        last_seq = rows[-1][0]
