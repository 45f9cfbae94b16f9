"""The minimal credit file (DESIGN.md §11): commitments (容缺, 告知承诺) kept or broken, and the
dishonest list (失信名单) that blocks 容缺 and 告知承诺. The full module (penalties, repair)
comes later and extends these models."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingshang.workcal.models import ClockMirror


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
    """An entry on the dishonest list (失信名单). Delisted, never deleted. `active` is true
    exactly while the entry is in force (status listed)."""

    class Status(models.TextChoices):
        NOTICED = "noticed", _("已告知（异议期内）")
        OBJECTED = "objected", _("异议处理中")
        LISTED = "listed", _("已列入")
        CANCELLED = "cancelled", _("异议成立，不予列入")
        REMOVED = "removed", _("已移出")
        REPAIRED = "repaired", _("已信用修复")

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
    # 国办发〔2020〕49号: a legal basis, prior notice (告知) and the right to object (异议)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.LISTED
    )
    legal_basis = models.TextField(_("认定依据"), blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("认定单位"),
    )
    noticed_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    objection_due = models.DateTimeField(_("异议期限"), null=True, blank=True)
    objection = models.TextField(_("异议内容"), blank=True)
    objected_at = models.DateTimeField(_("提出异议时间"), null=True, blank=True)
    objection_ruling = models.TextField(_("异议处理意见"), blank=True)
    repair_from = models.DateField(_("可申请信用修复日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("失信名单")
        verbose_name_plural = _("失信名单")
        indexes = [models.Index(fields=["subject", "active"], name="listing_subject_active")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.reason[:20]}"


# --- the full credit file (DESIGN.md §11, cn_rules §9) ----------------------------------------
class PublicityRule(models.Model):
    """How long a penalty of one type stays public (公示期限), as data the credit administrator
    changes with its legal basis. A decision with several types takes the longest periods."""

    code = models.SlugField(_("代码"), max_length=24, unique=True)
    name = models.CharField(_("处罚类型"), max_length=60)
    min_months = models.PositiveSmallIntegerField(_("最短公示期（月）"))
    max_months = models.PositiveSmallIntegerField(_("最长公示期（月）"))
    legal_basis = models.TextField(_("依据"))
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("公示期限规则")
        verbose_name_plural = _("公示期限规则")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                name="publicity_rule_min_le_max", condition=Q(min_months__lte=F("max_months"))
            )
        ]

    def __str__(self) -> str:
        return self.name


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    HEAVY = "heavy", _("较重")
    SERIOUS = "serious", _("严重")


class Penalty(models.Model):
    """An administrative penalty decision (行政处罚决定) about a firm or person, public from the
    decision date until `public_until` (exclusive) unless repaired or voided earlier."""

    class Status(models.TextChoices):
        PUBLIC = "public", _("公示中")
        ENDED = "ended", _("公示期满")
        REPAIRED = "repaired", _("已信用修复")
        VOIDED = "voided", _("已作废")

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="penalties")
    # the subject as the public page shows it (firm name / masked person name), searchable
    subject_name = models.CharField(_("主体名称"), max_length=120, db_index=True)
    subject_code = models.CharField(_("主体代码"), max_length=32, db_index=True)
    decision_number = models.CharField(_("处罚决定书文号"), max_length=64)
    decided_on = models.DateField(_("处罚决定日期"))
    types = models.JSONField(_("处罚类型"), default=list)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("处罚机关")
    )
    legal_basis = models.TextField(_("处罚依据"))
    facts = models.TextField(_("违法事实"), blank=True)
    content = models.TextField(_("处罚内容"), blank=True)
    # facts and content as the public page shows them: phones, ID numbers and the person's
    # name masked once, when recorded
    public_text = models.TextField(_("公示内容"), blank=True)
    severity = models.CharField(
        _("严重程度"), max_length=8, choices=Severity.choices, default=Severity.GENERAL
    )
    repair_from = models.DateField(_("可申请信用修复日期"))
    public_until = models.DateField(_("公示截止（不含）"))
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PUBLIC
    )
    ended_at = models.DateTimeField(_("停止公示时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    void_reason = models.TextField(_("作废原因"), blank=True)

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "decision_number"],
                condition=~Q(status="voided"),
                name="penalty_decision_unique",
            )
        ]
        indexes = [
            # the nightly expiry (status = public AND public_until <= today)
            models.Index(fields=["status", "public_until"], name="penalty_status_until"),
            # the public page: keyset over (decided_on, id) among the public ones
            models.Index(fields=["status", "-decided_on", "-id"], name="penalty_public_keyset"),
        ]

    def __str__(self) -> str:
        return self.decision_number

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLIC and self.public_until > timezone.localdate()


class Praise(models.Model):
    """红名单 / 表彰: good-credit records. Voided with a reason, never deleted."""

    class Kind(models.TextChoices):
        RED_LIST = "red_list", _("红名单")
        AWARD = "award", _("表彰奖励")
        A_RATING = "a_rating", _("信用评价A级")

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="praises")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=120)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("认定单位")
    )
    decided_on = models.DateField(_("认定日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    legal_basis = models.TextField(_("依据"), blank=True)
    voided = models.BooleanField(_("已作废"), default=False)
    void_reason = models.TextField(_("作废原因"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("守信激励记录")
        verbose_name_plural = _("守信激励记录")

    def __str__(self) -> str:
        return self.title


class SanctionRule(models.Model):
    """联合惩戒: a kind of credit record blocks a benefit (sanctions.BENEFITS). Switched off,
    never deleted; `sanctions.refusal` reads the active rows."""

    class RecordKind(models.TextChoices):
        LISTING = "listing", _("列入失信名单")
        FALSE_COMMITMENT = "false_commitment", _("虚假承诺")
        BROKEN_COMMITMENT = "broken_commitment", _("承诺未履行")
        SERIOUS_PENALTY = "serious_penalty", _("公示期内的严重行政处罚")
        PENALTY = "penalty", _("公示期内的行政处罚")

    record_kind = models.CharField(_("信用记录"), max_length=20, choices=RecordKind.choices)
    benefit = models.CharField(_("限制事项"), max_length=20)
    active = models.BooleanField(_("生效"), default=True)
    legal_basis = models.TextField(_("依据"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联合惩戒规则")
        verbose_name_plural = _("联合惩戒规则")
        constraints = [
            models.UniqueConstraint(fields=["record_kind", "benefit"], name="sanction_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_record_kind_display()} → {self.benefit}"


def repair_material_path(instance, filename: str) -> str:
    return f"credit/repair/{instance.application_id}/{uuid.uuid4().hex}"


class RepairApplication(ClockMirror):
    """信用修复 of one penalty or one dishonest listing: the firm applies after the minimum
    period, the credit unit reviews within a working-day limit."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("退回补充材料")
        ACCEPTED = "accepted", _("修复通过")
        REFUSED = "refused", _("不予修复")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("申请编号"), max_length=20, unique=True)
    subject = models.ForeignKey(
        CreditSubject, on_delete=models.PROTECT, related_name="repair_applications"
    )
    penalty = models.ForeignKey(
        Penalty,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repairs",
        verbose_name=_("行政处罚"),
    )
    listing = models.ForeignKey(
        DishonestListing,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repairs",
        verbose_name=_("失信名单"),
    )
    # the unit that made the record (its figures in the assessment); the credit administrator
    # reviews
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("认定单位"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("修复申请说明"))
    pledge = models.BooleanField(_("已签署信用修复承诺书"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    rounds = models.PositiveSmallIntegerField(_("提交次数"), default=1)
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)
    on_time = models.BooleanField(_("按时审核"), null=True, blank=True)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        constraints = [
            models.CheckConstraint(
                name="repair_one_record",
                condition=(Q(penalty__isnull=False) & Q(listing__isnull=True))
                | (Q(penalty__isnull=True) & Q(listing__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="repair_status_due")]

    def __str__(self) -> str:
        return self.number

    @property
    def record(self):
        return self.penalty or self.listing


class RepairMaterial(models.Model):
    """A file of a repair application. Served only through the scope-checked view."""

    class Kind(models.TextChoices):
        FORM = "form", _("信用修复申请表")
        PLEDGE = "pledge", _("信用修复承诺书")
        PROOF = "proof", _("履行完毕证明")
        OTHER = "other", _("其他材料")

    application = models.ForeignKey(
        RepairApplication, on_delete=models.PROTECT, related_name="materials"
    )
    kind = models.CharField(_("材料类型"), max_length=8, choices=Kind.choices)
    round = models.PositiveSmallIntegerField(_("提交轮次"), default=1)
    file = models.FileField(upload_to=repair_material_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信用修复材料")
        verbose_name_plural = _("信用修复材料")

    def __str__(self) -> str:
        return self.original_name
