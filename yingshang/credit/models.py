"""The minimal credit file (DESIGN.md §11): commitments (容缺, 告知承诺) kept or broken, and the
dishonest list (失信名单) that blocks 容缺 and 告知承诺. The full module (penalties, repair)
comes later and extends these models."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CreditSubject(models.Model):
    """A firm or a person with a credit file; exactly one of firm/person is set."""

    firm = models.OneToOneField(
        "enterprises.Firm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_subject",
        verbose_name=_("企业"),
    )
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_subject",
        verbose_name=_("个人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信用主体")
        verbose_name_plural = _("信用主体")
        constraints = [
            models.CheckConstraint(
                name="credit_subject_firm_xor_person",
                condition=(Q(firm__isnull=False) & Q(person__isnull=True))
                | (Q(firm__isnull=True) & Q(person__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return str(self.firm or self.person)

    @property
    def display_name(self) -> str:
        if self.firm_id:
            return self.firm.name
        return self.person.display_name


class CommitmentText(models.Model):
    """The versioned text the applicant signs (容缺受理承诺书 / 证明事项告知承诺书)."""

    class Kind(models.TextChoices):
        DEFICIT = "deficit", _("容缺受理承诺")
        CERTIFICATE = "certificate", _("告知承诺")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    version = models.PositiveIntegerField(_("版本"))
    body = models.TextField(_("承诺书正文"))
    active = models.BooleanField(_("当前使用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("承诺书文本")
        verbose_name_plural = _("承诺书文本")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="commitment_text_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Commitment(models.Model):
    class Kind(models.TextChoices):
        DEFICIT = "deficit", _("容缺受理承诺")
        CERTIFICATE = "certificate", _("告知承诺")

    class Status(models.TextChoices):
        PENDING = "pending", _("履行中")
        KEPT = "kept", _("已履行")
        BROKEN = "broken", _("未履行（违诺）")
        FALSE = "false", _("虚假承诺")

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="commitments")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    text = models.ForeignKey(CommitmentText, on_delete=models.PROTECT, related_name="+")
    text_version = models.PositiveIntegerField(_("承诺书版本"))
    text_snapshot = models.TextField(_("承诺书内容"))
    items = models.JSONField(
        _("承诺事项"), default=list, blank=True, help_text=_("容缺的材料或以承诺替代的证明")
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("签署时间"))
    deadline = models.DateTimeField(_("履行/核查期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    resolved_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("信用承诺")
        verbose_name_plural = _("信用承诺")
        indexes = [models.Index(fields=["status", "deadline"], name="commitment_status_deadline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject}"


class DishonestListing(models.Model):
    """An entry on the dishonest list (失信名单). Delisted, never deleted."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="listings")
    reason = models.TextField(_("列入原因"))
    listed_at = models.DateTimeField(_("列入时间"))
    until = models.DateField(_("有效期至"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    delisted_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    delisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("移出人"),
    )
    delist_reason = models.TextField(_("移出原因"), blank=True)

    class Meta:
        verbose_name = _("失信名单")
        verbose_name_plural = _("失信名单")
        indexes = [models.Index(fields=["subject", "active"], name="listing_subject_active")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.reason[:20]}"
