"""双随机、一公开 (DESIGN.md §12, cn_rules §8): 一单两库一细则, plans, commit–reveal draws,
inspections with published results, and 企业宁静日. Data and invariants only; every write is in
services/."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingshang.workcal.models import ClockMirror


class Config(models.Model):
    """The county's rules (one row; `services.config()` gives the defaults when none is saved)."""

    min_ratio_bp = models.PositiveIntegerField(
        _("最低抽查比例（万分比）"), default=500, help_text=_("500 即 5%")
    )
    quiet_from = models.PositiveSmallIntegerField(_("宁静日起（每月几日）"), default=1)
    quiet_to = models.PositiveSmallIntegerField(_("宁静日止（每月几日）"), default=20)
    exception_lead_days = models.PositiveSmallIntegerField(_("例外报备提前工作日数"), default=3)
    publish_days = models.PositiveSmallIntegerField(_("结果公示时限（工作日）"), default=20)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("抽查规则设置")


class Matter(models.Model):
    """抽查事项清单: one inspectable matter of a unit, with its legal basis and checklist."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("实施单位")
    )
    code = models.SlugField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("抽查事项"), max_length=120)
    legal_basis = models.TextField(_("法律依据"))
    checklist = models.JSONField(_("检查要点"), default=list)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("抽查事项")
        ordering = ["unit_id", "code"]

    def __str__(self) -> str:
        return self.name


class Inspector(models.Model):
    """执法检查人员名录库: an inspector of a unit with qualifications."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属单位")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("系统账号"),
    )
    code = models.SlugField(_("执法证号"), max_length=40, unique=True)
    name = models.CharField(_("姓名"), max_length=40)
    region_code = models.CharField(_("所在区划"), max_length=12, blank=True)
    qualifications = models.CharField(_("执法资格"), max_length=200, blank=True)
    active = models.BooleanField(_("在库"), default=True)

    class Meta:
        verbose_name = _("执法检查人员")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Conflict(models.Model):
    """A declared conflict of interest: the inspector withdraws from this firm (回避)."""

    inspector = models.ForeignKey(
        Inspector, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("检查人员")
    )
    firm = models.ForeignKey(
        "enterprises.Firm", on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_at = models.DateTimeField(_("申报时间"))
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("利益冲突申报")
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "firm"],
                condition=models.Q(active=True),
                name="insp_conflict_once",
            )
        ]


class RuleDoc(models.Model):
    """抽查细则: the detailed rules a unit publishes (new versions, never edited)."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("制定单位")
    )
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("抽查细则")
        ordering = ["-published_at"]


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草拟")
        COMMITTED = "committed", _("已公示承诺")
        DRAWN = "drawn", _("已抽取")
        CLOSED = "closed", _("已结束")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("计划编号"), max_length=30, unique=True)
    title = models.CharField(_("计划名称"), max_length=120)
    lead_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头单位")
    )
    units = models.ManyToManyField("org.Unit", related_name="+", verbose_name=_("参与单位"))
    matters = models.ManyToManyField(Matter, related_name="plans", verbose_name=_("抽查事项"))
    industry_prefixes = models.JSONField(_("行业代码范围"), default=list, blank=True)
    region_codes = models.JSONField(_("区划范围"), default=list, blank=True)
    sizes = models.JSONField(_("规模范围"), default=list, blank=True)
    ratio_bp = models.PositiveIntegerField(_("基础抽查比例（万分比）"))
    grade_ratios = models.JSONField(_("分级抽查比例（万分比）"), default=dict)
    per_entity = models.PositiveSmallIntegerField(_("每户检查人员数"), default=2)
    exclude_same_region = models.BooleanField(_("回避本区划人员"), default=False)
    rounds_per_year = models.PositiveSmallIntegerField(_("每年轮次"), default=2)
    window_start = models.DateField(_("检查开始日期"))
    window_end = models.DateField(_("检查结束日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("抽查计划")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_joint(self) -> bool:
        return self.units.count() > 1


class Draw(models.Model):
    """One commit–reveal draw of a plan's round. A redraw supersedes the previous one with a
    recorded reason; both stay published."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("已公示承诺")
        REVEALED = "revealed", _("已揭示")
        SUPERSEDED = "superseded", _("已重抽作废")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="draws")
    round_no = models.PositiveSmallIntegerField(_("轮次"), default=1)
    attempt = models.PositiveSmallIntegerField(_("第几次抽取"), default=1)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    plan_json = models.TextField()
    entities_json = models.TextField()
    inspectors_json = models.TextField()
    plan_hash = models.CharField(_("计划摘要"), max_length=64)
    entities_hash = models.CharField(_("检查对象名录库摘要"), max_length=64)
    inspectors_hash = models.CharField(_("执法人员名录库摘要"), max_length=64)
    seed_hash = models.CharField(_("随机种子摘要"), max_length=64)
    # the seed is kept secret until the reveal; it is shown only when status != committed
    seed = models.CharField(_("随机种子"), max_length=64)
    population = models.PositiveIntegerField(_("检查对象数"))
    inspector_count = models.PositiveIntegerField(_("执法人员数"))
    committed_at = models.DateTimeField(_("承诺公示时间"))
    revealed_at = models.DateTimeField(_("揭示时间"), null=True, blank=True)
    result_json = models.TextField(blank=True)
    result_hash = models.CharField(_("结果摘要"), max_length=64, blank=True)
    reason = models.CharField(_("重抽原因"), max_length=300, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )

    class Meta:
        verbose_name = _("抽取记录")
        ordering = ["-committed_at"]


class Inspection(ClockMirror):
    """One drawn entity's inspection. `due_at` mirrors the publication clock."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("待安排")
        SCHEDULED = "scheduled", _("已安排")
        RECORDED = "recorded", _("已记录")
        PUBLISHED = "published", _("已公示")
        VOIDED = "voided", _("已作废")

    class Result(models.TextChoices):
        NO_PROBLEM = "no_problem", _("未发现问题")
        RECTIFY = "rectify", _("发现问题已责令整改")
        CASE = "case", _("发现问题已立案查处")
        NOT_OPERATING = "not_operating", _("未发现开展经营活动")
        NOT_FOUND = "not_found", _("通过登记的住所（经营场所）无法联系")
        REFUSED = "refused", _("不配合检查")

    class Signature(models.TextChoices):
        SIGNED = "signed", _("企业已签字确认")
        REFUSED = "refused", _("企业拒绝签字")

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="inspections")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="inspections")
    firm = models.ForeignKey(
        "enterprises.Firm", on_delete=models.PROTECT, related_name="+", verbose_name=_("检查对象")
    )
    grade = models.CharField(_("风险等级"), max_length=1)
    inspectors = models.ManyToManyField(Inspector, related_name="+", verbose_name=_("检查人员"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.ASSIGNED
    )
    scheduled_on = models.DateField(_("检查日期"), null=True, blank=True)
    joint_with = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("合并检查"),
    )
    checklist = models.JSONField(_("检查记录"), default=list, blank=True)
    findings = models.TextField(_("发现问题"), blank=True)
    signature = models.CharField(_("企业确认"), max_length=8, choices=Signature.choices, blank=True)
    signer = models.CharField(_("签字人"), max_length=40, blank=True)
    result = models.CharField(_("检查结果"), max_length=16, choices=Result.choices, blank=True)
    follow_up = models.TextField(_("后续处置"), blank=True)
    ended_on = models.DateField(_("检查结束日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_late = models.BooleanField(_("逾期公示"), default=False)
    problem_id = models.PositiveIntegerField(_("台账问题"), null=True, blank=True)
    # the credit file's penalty decision (credit.Penalty) recorded from a 立案查处 result
    penalty_id = models.PositiveIntegerField(_("处罚决定"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("抽查检查")
        ordering = ["plan_id", "pk"]
        indexes = [models.Index(fields=["firm", "status"], name="insp_firm_status")]

    def __str__(self) -> str:
        return f"{self.plan.number}·{self.firm.name}"


class Photo(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to="inspections/%Y/%m/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()


class PublishedResult(models.Model):
    """What the portal shows: immutable versions. A correction adds a version and marks the
    previous one not current; nothing published is edited."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField(_("版本"))
    current = models.BooleanField(_("当前版本"), default=True)
    firm = models.ForeignKey("enterprises.Firm", on_delete=models.PROTECT, related_name="+")
    firm_name = models.CharField(_("企业名称"), max_length=120)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    plan_title = models.CharField(_("抽查计划"), max_length=120)
    units = models.CharField(_("检查单位"), max_length=300)
    matters = models.CharField(_("抽查事项"), max_length=500)
    inspected_on = models.DateField(_("检查日期"))
    result = models.CharField(_("检查结果"), max_length=16, choices=Inspection.Result.choices)
    summary = models.TextField(_("结果说明"), blank=True)
    correction_reason = models.CharField(_("更正原因"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("公示时间"))

    class Meta:
        verbose_name = _("公示结果")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "version"], name="insp_result_version")
        ]
        indexes = [
            # the public list: current versions, newest first (keyset pagination)
            models.Index(fields=["current", "-published_at", "-id"], name="insp_result_pub"),
            models.Index(fields=["uscc", "current"], name="insp_result_uscc"),
            # name search is a prefix search: on PostgreSQL LIKE 'x%' uses this index
            models.Index(
                fields=["firm_name"], name="insp_result_name", opclasses=["varchar_pattern_ops"]
            ),
        ]


class Objection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")

    result = models.ForeignKey(PublishedResult, on_delete=models.PROTECT, related_name="objections")
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="objections")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("异议内容"))
    filed_at = models.DateTimeField(_("提出时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="open")
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("结果异议")
        ordering = ["-filed_at"]


class QuietException(models.Model):
    """入企行政执法报备: an inspection on a quiet day, with a reason from the fixed list."""

    class Category(models.TextChoices):
        SAFETY = "safety", _("安全生产")
        FOOD_DRUG = "food_drug", _("食品药品安全")
        ENVIRONMENT = "environment", _("生态环境")
        PUBLIC_HEALTH = "public_health", _("公共卫生")
        COMPLAINT = "complaint", _("投诉举报核查")
        CAMPAIGN = "campaign", _("上级统一部署的专项行动")
        LICENCE = "licence", _("许可现场核查")
        CASE = "case", _("已立案件调查")
        EMERGENCY = "emergency", _("突发事件应急处置")

    class Review(models.TextChoices):
        NOT_NEEDED = "not_needed", _("无需事后审查")
        PENDING = "pending", _("待事后审查")
        CONFIRMED = "confirmed", _("审查确认")
        REJECTED = "rejected", _("审查不予认可")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="exceptions", verbose_name=_("检查")
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("报备单位")
    )
    planned_on = models.DateField(_("拟检查日期"))
    category = models.CharField(_("例外事由"), max_length=16, choices=Category.choices)
    reason = models.TextField(_("具体说明"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("报备时间"))
    review = models.CharField(
        _("事后审查"), max_length=12, choices=Review.choices, default=Review.NOT_NEEDED
    )
    review_note = models.CharField(_("审查意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("宁静日例外报备")
        ordering = ["-planned_on", "-pk"]
        indexes = [models.Index(fields=["planned_on"], name="insp_exception_day")]


class QuietComplaint(models.Model):
    """A firm reports an inspection that broke the quiet-day rule; it becomes a 12345 order."""

    firm = models.ForeignKey("enterprises.Firm", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    inspected_on = models.DateField(_("被检查日期"))
    unit_name = models.CharField(_("检查单位"), max_length=100)
    text = models.TextField(_("情况说明"))
    work_order = models.ForeignKey(
        "hotline.WorkOrder", on_delete=models.PROTECT, related_name="+", verbose_name=_("工单")
    )
    filed_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("宁静日违规反映")
        ordering = ["-filed_at"]
