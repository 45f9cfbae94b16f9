"""The policy calendar (政策日历), policy delivery (政策兑现) and 免申即享 (DESIGN.md §11).
Data and invariants only: every write goes through services/, every state through
transitions.py. Nothing is deleted: policies, items and applications are withdrawn with a
reason and stay in history."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang.policies import transitions as t
from yingshang.workcal.models import ClockMirror


class Tag(models.Model):
    """What a policy is for and what a firm subscribes to: a GB/T 4754 industry 门类, a firm
    size (Firm.Size) or a topic (资金补助, 人才, 融资…)."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("行业")
        SIZE = "size", _("规模")
        TOPIC = "topic", _("主题")

    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=40)
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["kind", "sort_order", "code"]
        verbose_name = _("政策标签")
        verbose_name_plural = _("政策标签")
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="policy_tag_code")]

    def __str__(self) -> str:
        return self.name


class Policy(models.Model):
    class Status(models.TextChoices):
        DRAFT = t.DRAFT, _("草稿")
        PUBLISHED = t.PUBLISHED, _("已发布")
        WITHDRAWN = t.WITHDRAWN, _("已撤回")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家")
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    title = models.CharField(_("政策名称"), max_length=200)
    issuer = models.CharField(_("发文机关"), max_length=100)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, default=Level.COUNTY)
    issued_on = models.DateField(_("发布日期"))
    effective_on = models.DateField(_("施行日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    applies_from = models.DateField(_("申报开始"), null=True, blank=True)
    applies_until = models.DateField(_("申报截止"), null=True, blank=True)
    summary = models.TextField(_("政策摘要"))
    interpretation = models.TextField(_("政策解读"), blank=True)
    owner_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="policies", verbose_name=_("责任单位")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="policies", verbose_name=_("标签"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    withdraw_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # jieba search tokens of title, document number, summary and interpretation (" a b c ")
    tokens = models.TextField(default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        indexes = [models.Index(fields=["status", "published_at"], name="policy_published")]
        constraints = [
            models.CheckConstraint(
                name="policy_expires_after_effective",
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("effective_on")),
            )
        ]

    def __str__(self) -> str:
        return self.title


class PolicyReview(ClockMirror):
    """The owner unit's weekly review of one policy (seed 003: 发改局每周对上级新规进行系统梳理),
    due a few working days after the Monday it was opened (workcal)."""

    class Status(models.TextChoices):
        OPEN = t.OPEN, _("待梳理")
        DONE = t.DONE, _("已梳理")

    class Conclusion(models.TextChoices):
        UNCHANGED = "unchanged", _("继续有效，无变化")
        UPDATED = "updated", _("已更新解读或日期")
        TO_WITHDRAW = "to_withdraw", _("建议撤回（已失效或被替代）")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="reviews")
    week = models.DateField(_("周（周一）"))
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    status = models.CharField(_("状态"), max_length=6, choices=Status.choices, default=t.OPEN)
    conclusion = models.CharField(
        _("梳理结论"), max_length=12, choices=Conclusion.choices, blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("梳理时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按时"), null=True, blank=True)

    class Meta:
        ordering = ["-week", "policy_id"]
        verbose_name = _("政策周梳理")
        verbose_name_plural = _("政策周梳理")
        constraints = [
            models.UniqueConstraint(fields=["policy", "week"], name="policy_review_week")
        ]
        indexes = [models.Index(fields=["unit", "status", "due_at"], name="policy_review_queue")]


class PolicyItem(models.Model):
    """One benefit of a policy (e.g. an article of the county's "黄金十条"): who is eligible,
    how much, from which budget, when to apply, what to submit, who reviews."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        WITHDRAWN = "withdrawn", _("已撤回")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("条款编号"), max_length=20)
    title = models.CharField(_("兑现事项"), max_length=200)
    description = models.TextField(_("条款内容"), blank=True)
    rule = models.TextField(
        _("申报条件"),
        blank=True,
        help_text=_("如：规模 in [小型, 微型] 且 行业 = C 且 成立年限 >= 2 且 非 失信；留空为不限"),
    )
    amount = models.DecimalField(
        _("定额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    rate = models.DecimalField(
        _("按基数比例"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("兑现金额 = 申报基数 × 比例，不超过上限"),
    )
    cap = models.DecimalField(
        _("单户上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    basis_label = models.CharField(_("申报基数名称"), max_length=60, blank=True)
    budget = models.DecimalField(_("预算（元）"), max_digits=16, decimal_places=2)
    opens_on = models.DateField(_("申报开始"))
    closes_on = models.DateField(_("申报截止"))
    materials = models.JSONField(_("申报材料"), default=list, blank=True)
    review_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("审核单位")
    )
    review_days = models.PositiveSmallIntegerField(_("审核时限（工作日）"), default=10)
    pay_days = models.PositiveSmallIntegerField(_("拨付时限（工作日）"), default=15)
    proactive = models.BooleanField(
        _("免申即享"), default=False, help_text=_("按条件主动兑现，企业无需申请")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    withdraw_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy_id", "sort_order", "code"]
        verbose_name = _("兑现事项")
        verbose_name_plural = _("兑现事项")
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="policy_item_code"),
            models.CheckConstraint(
                name="policy_item_window", condition=Q(closes_on__gte=models.F("opens_on"))
            ),
            models.CheckConstraint(
                name="policy_item_has_amount",
                condition=Q(amount__isnull=False) | Q(rate__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def amount_for(self, basis):
        """定额, or 基数 × 比例 capped (None when the basis is missing)."""
        if self.amount is not None:
            return self.amount
        if basis is None or self.rate is None:
            return None
        value = (Decimal(basis) * self.rate).quantize(Decimal("0.01"))
        return min(value, self.cap) if self.cap is not None else value


class Application(ClockMirror):
    """A firm's application for a benefit, or (channel proactive) a benefit the review unit
    grants by itself to a firm the item's rule lists (免申即享)."""

    class Status(models.TextChoices):
        SUBMITTED = t.SUBMITTED, _("待审核")
        RETURNED = t.RETURNED, _("退回补正")
        APPROVED = t.APPROVED, _("待拨付")
        REFUSED = t.REFUSED, _("不予兑现")
        PAID = t.PAID, _("已拨付")
        CANCELLED = t.CANCELLED, _("已撤回")

    class Channel(models.TextChoices):
        APPLIED = "applied", _("企业申报")
        PROACTIVE = "proactive", _("免申即享")

    number = models.CharField(_("申请编号"), max_length=24, unique=True)
    item = models.ForeignKey(PolicyItem, on_delete=models.PROTECT, related_name="applications")
    firm = models.ForeignKey(
        "enterprises.Firm", on_delete=models.PROTECT, related_name="policy_applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policy_applications",
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    basis = models.DecimalField(
        _("申报基数（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    requested = models.DecimalField(_("申请金额（元）"), max_digits=14, decimal_places=2)
    approved_amount = models.DecimalField(
        _("核定金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    note = models.TextField(_("申请说明"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    refuse_reason = models.TextField(_("不予兑现原因"), blank=True)
    # the rule and the firm's facts it was checked against ({rule, facts, on}): why it matched
    eligibility = models.JSONField(_("条件核验"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("拨付时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("兑现申请")
        verbose_name_plural = _("兑现申请")
        constraints = [
            # one live application per firm and item: a second one is refused with a message
            models.UniqueConstraint(
                fields=["item", "firm"],
                condition=Q(status__in=sorted(t.LIVE)),
                name="policy_application_live",
            )
        ]
        indexes = [models.Index(fields=["item", "status"], name="policy_application_item")]

    def __str__(self) -> str:
        return self.number


class ApplicationMaterial(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="files")
    material = models.CharField(_("材料"), max_length=100)
    file = models.FileField(upload_to="policies/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")


class Payment(models.Model):
    """The money paid for an approved application (拨付), one per application."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="payment"
    )
    amount = models.DecimalField(_("拨付金额（元）"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("拨付日期"))
    voucher = models.CharField(_("凭证号"), max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("拨付记录")
        verbose_name_plural = _("拨付记录")


class Subscription(models.Model):
    """A firm account's subscription to the weekly digest, by tag. An empty kind of tag means
    every value of it (no industry chosen: all industries)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_subscription"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="subscriptions")
    by_sms = models.BooleanField(_("短信"), default=False)
    by_email = models.BooleanField(_("电子邮件"), default=False)
    active = models.BooleanField(_("订阅中"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("政策订阅")
        verbose_name_plural = _("政策订阅")


class Digest(models.Model):
    """The weekly digest (政策周报) of one week, made once (the Monday job or a staff click)."""

    week = models.DateField(_("周（周一）"), unique=True)
    policies = models.ManyToManyField(Policy, blank=True, related_name="+")
    items = models.ManyToManyField(PolicyItem, blank=True, related_name="+")
    subscribers = models.PositiveIntegerField(_("订阅企业"), default=0)
    messages = models.PositiveIntegerField(_("发送消息"), default=0)
    # the fan-out commits in batches: the last subscription sent to, so a run cut short by a
    # dead worker resumes after it instead of sending twice
    sent_through = models.PositiveBigIntegerField(default=0)
    completed = models.BooleanField(default=False)
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        ordering = ["-week"]
        verbose_name = _("政策周报")
        verbose_name_plural = _("政策周报")

    def __str__(self) -> str:
        return f"{self.week:%Y-%m-%d}"
