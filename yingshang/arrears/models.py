"""清欠 (DESIGN.md §11, cn_rules.md §10): what government units, public institutions and
state-owned/large firms owe to firms, how it was verified, planned and paid. Data and
invariants only; every change goes through services/ (the state table is transitions.py)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingshang.enterprises.models import Firm
from yingshang.workcal.models import ClockMirror


class DebtorKind(models.TextChoices):
    AGENCY = "agency", _("机关")
    INSTITUTION = "institution", _("事业单位")
    SOE = "soe", _("国有企业")
    LARGE = "large", _("大型企业")


# 《保障中小企业款项支付条例》 Art. 9 treats 机关 and 事业单位 alike (30 days, at most 60)
PUBLIC_KINDS = frozenset({DebtorKind.AGENCY, DebtorKind.INSTITUTION})


class Debtor(models.Model):
    """Who owes: a government unit (org.Unit), a firm on file (a state-owned or large
    enterprise) or a named debtor. `unit` is the unit answerable for it (the agency itself; for
    an enterprise its supervising department): its staff see and settle its arrears."""

    kind = models.CharField(_("债务人类型"), max_length=12, choices=DebtorKind.choices)
    name = models.CharField(_("债务人"), max_length=120)
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrears_debtors",
        verbose_name=_("责任单位"),
    )
    firm = models.ForeignKey(
        Firm,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrears_as_debtor",
        verbose_name=_("债务企业"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("债务人")
        verbose_name_plural = _("债务人")
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="arrears_debtor_name_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_KINDS


class Arrears(ClockMirror):
    """One debt owed to a firm under one contract (清欠台账的一行)."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("待核实")
        CONFIRMED = "confirmed", _("已确认待清偿")
        REPAYING = "repaying", _("清偿中")
        CLEARED = "cleared", _("已清偿")
        REJECTED = "rejected", _("不予认定")
        VOIDED = "voided", _("已作废")

    class Source(models.TextChoices):
        PORTAL = "portal", _("企业网上反映")
        HOTLINE = "hotline", _("12345工单转办")
        STAFF = "staff", _("清欠办登记")
        IMPORT = "import", _("台账导入")

    number = models.CharField(_("编号"), max_length=20, unique=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    debtor = models.ForeignKey(
        Debtor, on_delete=models.PROTECT, related_name="arrears", verbose_name=_("债务人")
    )
    creditor = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="arrears_owed", verbose_name=_("债权企业")
    )
    creditor_size = models.CharField(_("签约时企业规模"), max_length=8, choices=Firm.Size.choices)
    contract_number = models.CharField(_("合同编号"), max_length=60, blank=True)
    contract_name = models.CharField(_("合同名称"), max_length=120, blank=True)
    contract_date = models.DateField(_("签订日期"), null=True, blank=True)
    contract_amount = models.DecimalField(
        _("合同金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    payment_terms = models.TextField(_("付款条款"), blank=True)
    contract_days = models.PositiveSmallIntegerField(_("约定付款期限（日）"), null=True, blank=True)
    amount = models.DecimalField(_("反映欠款金额（元）"), max_digits=16, decimal_places=2)
    accepted_on = models.DateField(_("交付（验收）日期"))
    due_on = models.DateField(_("应付款日期"))
    due_rule = models.CharField(_("期限依据"), max_length=200)
    back_to_back = models.BooleanField(_("含“背靠背”条款"), default=False)
    back_to_back_text = models.CharField(_("“背靠背”条款原文"), max_length=200, blank=True)
    description = models.TextField(_("情况说明"), blank=True)
    undisputed_amount = models.DecimalField(
        _("无争议金额（元）"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    disputed_amount = models.DecimalField(
        _("有争议金额（元）"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    dispute_note = models.TextField(_("争议事项"), blank=True)
    paid_amount = models.DecimalField(
        _("已清偿金额（元）"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    interest_daily_rate = models.DecimalField(
        _("逾期利息日利率"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("合同约定的逾期利息日利率；空则按系统设置（默认不计）"),
    )
    workorder = models.ForeignKey(
        "hotline.WorkOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrears",
        verbose_name=_("来源工单"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    reported_at = models.DateTimeField(_("登记时间"), db_index=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("清偿完毕时间"), null=True, blank=True)
    closed_reason = models.TextField(_("不予认定/作废原因"), blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("拖欠账款")
        verbose_name_plural = _("拖欠账款")
        indexes = [models.Index(fields=["debtor", "status"])]
        constraints = [
            models.CheckConstraint(
                name="arrears_paid_within_undisputed",
                condition=models.Q(paid_amount__lte=models.F("undisputed_amount")),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> Decimal:
        """What the debtor still has to pay of the undisputed part."""
        return self.undisputed_amount - self.paid_amount

    @property
    def remaining(self) -> Decimal:
        """What the firm is still owed as far as is known: the amount reported until it is
        verified, then the undisputed and disputed parts less the payments."""
        if self.status == self.Status.REPORTED:
            return self.amount
        return self.undisputed_amount + self.disputed_amount - self.paid_amount

    @property
    def is_open(self) -> bool:
        return self.status in (
            self.Status.REPORTED,
            self.Status.CONFIRMED,
            self.Status.REPAYING,
        )


def file_path(instance, filename: str) -> str:
    from django.utils import timezone

    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"arrears/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Payment(models.Model):
    """A payment the debtor made, with its voucher (凭证)."""

    arrears = models.ForeignKey(Arrears, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("付款日期"))
    amount = models.DecimalField(_("付款金额（元）"), max_digits=16, decimal_places=2)
    voucher_number = models.CharField(_("凭证号"), max_length=60)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    # a payment entered wrongly is voided with the reason, never deleted
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("还款记录")
        verbose_name_plural = _("还款记录")


class Milestone(models.Model):
    """A step of the repayment plan (还款计划): pay `amount` by `due_on`."""

    arrears = models.ForeignKey(Arrears, on_delete=models.PROTECT, related_name="milestones")
    due_on = models.DateField(_("计划还款日期"))
    amount = models.DecimalField(_("计划还款金额（元）"), max_digits=16, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("还款计划节点")
        verbose_name_plural = _("还款计划节点")


class Attachment(models.Model):
    """Evidence of the debt (合同、验收单、发票) or a payment voucher. Served only through
    the scope-checked download view."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("证明材料")
        VOUCHER = "voucher", _("付款凭证")

    arrears = models.ForeignKey(Arrears, on_delete=models.PROTECT, related_name="attachments")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=file_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")


class ImportBatch(models.Model):
    """An uploaded 清欠台账: previewed (every row run through the services, then rolled back),
    then applied as a whole or not at all."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("待确认")
        APPLIED = "applied", _("已导入")
        WITHDRAWN = "withdrawn", _("已放弃")

    file = models.FileField(upload_to=file_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    rows = models.PositiveIntegerField(_("行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
