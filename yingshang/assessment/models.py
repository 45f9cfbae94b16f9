"""Assessment schemes, bonus/penalty items, ranking snapshots and the lists they produce
(DESIGN.md §10). Data and invariants only: every change goes through `services/`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PERIOD_KINDS = [
    ("week", _("周")),
    ("month", _("月")),
    ("quarter", _("季度")),
    ("year", _("年度")),
]


class Scheme(models.Model):
    """One version of an assessment scheme. A period is computed with the active version of its
    kind whose `effective_from` is the latest on or before the period's first day."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("生效")
        RETIRED = "retired", _("停用")

    code = models.SlugField(_("方案代号"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("方案名称"), max_length=100)
    period_kind = models.CharField(_("考核周期"), max_length=8, choices=PERIOD_KINDS)
    effective_from = models.DateField(_("生效日期"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    praise_top = models.PositiveSmallIntegerField(_("表扬名次"), default=1)
    ladder = models.BooleanField(_("启用末位规则"), default=True)
    talk_after = models.PositiveSmallIntegerField(_("连续几次末位约谈"), default=2)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # whose scheme (org.tenancy): the county whose 营商办 keeps it, "" for the city's (or the one
    # county's in a one-county deployment); it ranks that county's units
    tenant = models.CharField(max_length=255, default="", editable=False, db_index=True)

    class Meta:
        ordering = ["period_kind", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code", "version"], name="asm_scheme_code_version"
            )
        ]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class SchemeMetric(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("越高越好")
        LOWER = "lower", _("越低越好")

    class Normalisation(models.TextChoices):
        RATE = "rate", _("百分率直接计分")
        MINMAX = "minmax", _("组内极差标准化")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="metrics")
    code = models.CharField(_("指标"), max_length=40)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    direction = models.CharField(
        _("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    normalisation = models.CharField(
        _("标准化"), max_length=8, choices=Normalisation.choices, default=Normalisation.RATE
    )
    min_sample = models.PositiveIntegerField(_("最小样本"), default=0)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="asm_metric_once")]
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")


class SchemeGroup(models.Model):
    """Units are compared within a group: departments, towns, service windows (centres)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("县直部门")
        TOWN = "town", _("镇乡/街道")
        CENTRE = "centre", _("服务窗口")
        COUNTY = "county", _("区县（市对县考核）")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("分组名称"), max_length=60)
    unit_kind = models.CharField(_("单位类型"), max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("考核分组")
        verbose_name_plural = _("考核分组")


def evidence_path(instance, filename: str) -> str:
    return f"assessment/evidence/{instance.unit_id}/{filename}"


def minutes_path(instance, filename: str) -> str:
    return f"assessment/minutes/{instance.snapshot_id}/{filename}"


class Adjustment(models.Model):
    """A bonus or penalty item (加减分) entered by a supervisor, with its reason and evidence; it
    counts in every period that contains `occurred_on`."""

    class Kind(models.TextChoices):
        PRAISE = "praise", _("通报表扬")
        UPPER_NOTICE = "upper_notice", _("上级通报")
        EXPOSURE = "exposure", _("曝光")
        SECRET_VISIT = "secret_visit", _("暗访发现")

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        VOIDED = "voided", _("已作废")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, verbose_name=_("单位"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("发生日期"))
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("事由"))
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("佐证文件名"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    void_reason = models.TextField(_("作废原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["occurred_on", "unit"], name="asm_adj_day_unit")]
        verbose_name = _("加减分事项")
        verbose_name_plural = _("加减分事项")


class Snapshot(models.Model):
    """One computed ranking of a period with the scheme in force. `results` holds every figure
    (with numerator and denominator) so the published version stays as it was when the data
    changes later; a recomputation is a new version with its `diff` from the previous one."""

    class Status(models.TextChoices):
        COMPUTING = "computing", _("计算中")
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        DISCARDED = "discarded", _("已废弃")
        FAILED = "failed", _("计算失败")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="snapshots")
    tenant = models.CharField(max_length=255, default="", editable=False, db_index=True)
    period_kind = models.CharField(_("考核周期"), max_length=8, choices=PERIOD_KINDS)
    period_key = models.CharField(_("期间"), max_length=12)
    period_first = models.DateField(_("起始日"))
    period_last = models.DateField(_("截止日"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.COMPUTING
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.CharField(_("说明"), max_length=200, blank=True)
    results = models.JSONField(_("结果"), default=dict, blank=True)
    diff = models.JSONField(_("与上一版本的差异"), default=list, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    public = models.BooleanField(_("在门户公开"), default=False)
    reason = models.CharField(_("重新计算原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    computed_at = models.DateTimeField(_("计算完成时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-period_first", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "period_kind", "period_key", "version"],
                name="asm_snapshot_version",
            )
        ]
        verbose_name = _("排名快照")
        verbose_name_plural = _("排名快照")

    def __str__(self) -> str:
        return f"{self.period_key} v{self.version}"

    @property
    def finished(self) -> bool:
        return self.status != self.Status.COMPUTING


class Listing(models.Model):
    """A unit put on a list by the rule ladder when a snapshot is published: 表态发言 (last once),
    约谈 (last twice in a row), 表扬 (top). Who, when and why, then the follow-up."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("表态发言")
        TALK = "talk", _("约谈")
        PRAISE = "praise", _("通报表扬")

    class Status(models.TextChoices):
        PENDING = "pending", _("待落实")
        HELD = "held", _("已落实")

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="listings")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, verbose_name=_("单位"))
    group_name = models.CharField(_("分组"), max_length=60)
    kind = models.CharField(_("名单"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("列入原因"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("列入时间"), auto_now_add=True)
    held_at = models.DateTimeField(_("落实时间"), null=True, blank=True)
    followup_note = models.TextField(_("落实情况"), blank=True)
    minutes = models.FileField(_("会议纪要"), upload_to=minutes_path, max_length=200, blank=True)
    minutes_name = models.CharField(_("纪要文件名"), max_length=200, blank=True)
    followup_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit", "kind"], name="asm_listing_once")
        ]
        verbose_name = _("名单")
        verbose_name_plural = _("名单")


# --- 明查暗访 (open and covert visits) and 曝光台 ------------------------------------------------
def finding_path(instance, filename: str) -> str:
    return f"assessment/findings/{instance.visit_id}/{filename}"


class Visit(models.Model):
    """A planned 明查 (announced) or 暗访 (unannounced) visit or test call by supervisors; once
    conducted, its findings are recorded against the units visited."""

    class Mode(models.TextChoices):
        OPEN = "open", _("明查")
        COVERT = "covert", _("暗访")

    class Method(models.TextChoices):
        ONSITE = "onsite", _("实地察看")
        TEST_CALL = "test_call", _("电话测试")
        TEST_CASE = "test_case", _("模拟办件")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        CONDUCTED = "conducted", _("已实施")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("任务名称"), max_length=120)
    mode = models.CharField(_("方式"), max_length=8, choices=Mode.choices)
    method = models.CharField(_("手段"), max_length=10, choices=Method.choices)
    planned_on = models.DateField(_("计划日期"))
    focus = models.TextField(_("察看内容"), blank=True)
    units = models.ManyToManyField("org.Unit", related_name="+", verbose_name=_("察看单位"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    conducted_on = models.DateField(_("实施日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    team = models.CharField(_("察看人员"), max_length=120, blank=True)
    summary = models.TextField(_("总体情况"), blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("明查暗访")
        verbose_name_plural = _("明查暗访")

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    """One thing found on a visit, with its evidence: confirmed, it counts in the ranking (the
    `visit_findings` metric), may carry a penalty item and open a ledger problem, in one step."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        VOIDED = "voided", _("已作废")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="findings")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, verbose_name=_("责任单位"))
    occurred_on = models.DateField(_("发现日期"))
    place = models.CharField(_("地点/窗口"), max_length=120, blank=True)
    description = models.TextField(_("发现问题"))
    evidence = models.FileField(_("佐证材料"), upload_to=finding_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("佐证文件名"), max_length=200, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RECORDED
    )
    adjustment = models.ForeignKey(
        Adjustment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    problem = models.ForeignKey(
        "supervision.Problem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(_("作废原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["occurred_on", "unit"], name="asm_finding_day_unit")]
        verbose_name = _("察看发现")
        verbose_name_plural = _("察看发现")


class Exposure(models.Model):
    """A typical case on the 曝光台: drafted, reviewed (by someone other than its author),
    published on the portal and inside, withdrawn with a reason — never deleted."""

    class Kind(models.TextChoices):
        NEGATIVE = "negative", _("反面典型")
        POSITIVE = "positive", _("正面典型")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("待审核")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    title = models.CharField(_("标题"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, verbose_name=_("涉及单位"))
    occurred_on = models.DateField(_("发生日期"))
    body = models.TextField(_("案例内容"))
    persons = models.CharField(_("需隐去的人名"), max_length=200, blank=True)
    public_body = models.TextField(_("公开文本"), blank=True)
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="exposures"
    )
    points = models.DecimalField(
        _("曝光扣分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    adjustment = models.ForeignKey(
        Adjustment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤回原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("曝光台案例")
        verbose_name_plural = _("曝光台案例")

    def __str__(self) -> str:
        return self.title
