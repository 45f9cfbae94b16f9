"""The append-only, keyed event log (DESIGN.md §4, docs/audit.md).

Each event stores the MAC of the one before it (`prev_hash`) and its own `hash`: an HMAC-SHA256,
with a key kept outside the database, over every field (scheme 2; events written before the keyed
chain keep their unkeyed SHA-256, scheme 1). A changed, removed, inserted or forged row breaks the
chain at that point; `seq` has no gaps. Removing the newest rows or recomputing the whole chain is
caught by the signed checkpoints written outside the database (checkpoints.py). Return records
form a second keyed chain (`rseq`, `prev_mac`, `mac`), each bound to its event's seq and hash.
Triggers refuse UPDATE and DELETE on both tables (migrations 0003, 0008).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)  # period filters of the search page
    # FK indexes off: (unit, created_at) below serves unit filters; actor filters are rare and
    # every index is paid on each append
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    actor_name = models.CharField(max_length=60, blank=True)
    role = models.CharField(max_length=20, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # no index: the search matches actions by substring, which an index cannot serve, and every
    # index is paid on each append (audit.record must stay under 2 ms at 1M events)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # how `hash` is computed (chain.py): 1 unkeyed SHA-256 (before the keyed chain), 2 HMAC
    scheme = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        # history reads in the order it was written (timestamps can tie within a transaction)
        ordering = ["seq"]
        indexes = [
            # the timeline of one object
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_seq"),
            models.Index(fields=["unit", "created_at"], name="audit_unit_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class ReturnRecord(models.Model):
    """One return (退回/退单) or withdrawal of an item, fed by the modules, for the report of
    suspicious returns (seed 002: returns used to dodge the overdue count)."""

    class Kind(models.TextChoices):
        RETURN = "return", _("退回")
        WITHDRAW = "withdraw", _("撤回/撤销")

    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="return_record")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=120, blank=True)
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # working days left until the item's deadline at the moment of the return (negative: overdue)
    working_days_left = models.IntegerField(null=True, blank=True)
    # the chain of return records (chain.return_mac); null/empty for records written before it
    rseq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_mac = models.CharField(max_length=64, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["unit", "at"]),
        ]
