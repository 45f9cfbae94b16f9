"""The supervision ledger 问题台账 (DESIGN.md §8). Workflow lives in services.py; nothing here is
deleted (a problem created by mistake is voided with a reason and stays in history)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """The configurable list of problem categories (不诚信/不规范/不担当, 中梗阻, 吃拿卡要 …)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")

    def __str__(self) -> str:
        return self.name


class Problem(models.Model):
    class Source(models.TextChoices):
        SELF_INSPECTION = "self_inspection", _("自查")
        SUPERVISION_VISIT = "supervision_visit", _("督查")
        HOTLINE = "hotline", _("12345热线")
        BAD_RATING = "bad_rating", _("差评")
        INDICATOR = "indicator_shortfall", _("指标短板")
        UPPER = "upper_assignment", _("上级交办")
        MEDIA = "media", _("媒体曝光")
        IMPORT = "import", _("台账导入")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("待认领")
        CLAIMED = "claimed", _("已认领")
        RECTIFYING = "rectifying", _("整改中")
        CLOSURE_REQUESTED = "closure_requested", _("申请销号")
        CLOSED = "closed", _("已销号")
        REOPENED = "reopened", _("退回重改")
        VOIDED = "voided", _("已作废")

    class Severity(models.TextChoices):
        NORMAL = "normal", _("一般")
        SERIOUS = "serious", _("较重")
        MAJOR = "major", _("严重")

    number = models.CharField(_("编号"), max_length=20, unique=True)
    source = models.CharField(_("来源"), max_length=24, choices=Source.choices)
    # hooks: (source_type, source_id) names the record that caused the problem (idempotent)
    source_type = models.CharField(_("来源类型"), max_length=40, blank=True)
    source_id = models.CharField(_("来源编号"), max_length=64, blank=True)
    description = models.TextField(_("问题描述"))
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("问题类别"),
    )
    owner_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    co_units = models.ManyToManyField(
        "org.Unit",
        through="ProblemCoUnit",
        related_name="+",
        blank=True,
        verbose_name=_("协办单位"),
    )
    leader_name = models.CharField(_("责任领导"), max_length=60, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("责任领导（账号）"),
    )
    severity = models.CharField(
        _("严重程度"), max_length=8, choices=Severity.choices, default=Severity.NORMAL
    )
    measures = models.TextField(_("整改措施"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.ASSIGNED
    )
    deadline_at = models.DateTimeField(_("整改时限"), null=True, blank=True)
    overdue = models.BooleanField(_("已逾期"), default=False)
    percent = models.PositiveSmallIntegerField(_("整改进度"), default=0)
    latest_progress = models.TextField(_("最新进展"), blank=True)
    exposure = models.BooleanField(_("曝光"), default=False)
    exposure_reason = models.CharField(_("曝光理由"), max_length=300, blank=True)
    accountability = models.BooleanField(_("问责"), default=False)
    accountability_reason = models.CharField(_("问责理由"), max_length=300, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    import_job = models.ForeignKey(
        "ImportJob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    import_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=~Q(source_type=""),
                name="supervision_problem_source_once",
            ),
        ]
        indexes = [
            # the board: counts per status, each column sorted by deadline
            models.Index(fields=["status", "deadline_at", "id"], name="sup_status_deadline"),
            models.Index(fields=["owner_unit", "status", "deadline_at"], name="sup_unit_status"),
            models.Index(fields=["overdue", "status"], name="sup_overdue"),
            models.Index(fields=["deadline_at"], name="sup_deadline"),
            models.Index(fields=["owner_unit", "status", "overdue"], name="sup_unit_overdue"),
            models.Index(fields=["status", "closed_at", "id"], name="sup_status_closed"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.VOIDED)


class ProblemCoUnit(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="co_unit_links")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "unit"], name="sup_co_unit_once")]
        indexes = [models.Index(fields=["unit", "problem"], name="sup_co_unit")]


class Milestone(models.Model):
    """A step of the rectification plan (时间表、施工图、任务书)."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("节点任务"), max_length=200)
    due_at = models.DateTimeField(_("完成时限"), db_index=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("完成情况"), max_length=300, blank=True)
    overdue = models.BooleanField(_("已逾期"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["problem", "order", "due_at", "id"]
        verbose_name = _("整改节点")
        verbose_name_plural = _("整改节点")

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="progress_reports")
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成比例"), default=0)
    kind = models.CharField(
        max_length=16, default="progress"
    )  # progress | closure (申请销号说明) | import
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        indexes = [models.Index(fields=["problem", "created_at"], name="sup_progress_problem")]


def evidence_path(instance, filename: str) -> str:
    import uuid

    from django.utils import timezone

    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"supervision/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """An evidence file (佐证材料). Served only through the scope-checked download view."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="evidence")
    progress = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Reminder(models.Model):
    """A reminder sent before a deadline or a milestone: recorded so it fires once."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="reminders")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="reminders"
    )
    kind = models.CharField(max_length=16)  # deadline | milestone | overdue
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "milestone", "kind", "due_at"], name="sup_reminder_once"
            ),
            models.UniqueConstraint(
                fields=["problem", "kind", "due_at"],
                condition=Q(milestone__isnull=True),
                name="sup_reminder_once_deadline",
            ),
        ]


class InspectionForm(models.Model):
    """A self-inspection form (自查表) published by the supervisors."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        CLOSED = "closed", _("已截止")

    title = models.CharField(_("标题"), max_length=120)
    intro = models.TextField(_("填报说明"), blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("整改时限（工作日）"), default=30)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("自查表")
        verbose_name_plural = _("自查表")

    def __str__(self) -> str:
        return self.title


class InspectionItem(models.Model):
    form = models.ForeignKey(InspectionForm, on_delete=models.PROTECT, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question = models.CharField(_("自查内容"), max_length=300)

    class Meta:
        ordering = ["form", "order", "id"]


class InspectionSubmission(models.Model):
    form = models.ForeignKey(InspectionForm, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    problem_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]


class ImportJob(models.Model):
    """An Excel import of the county's existing ledger: upload → mapping → background run."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("待映射")
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        SAVING = "saving", _("写入中")
        DONE = "done", _("已完成")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("失败")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    file = models.FileField(upload_to="supervision/imports/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    headers = models.JSONField(default=list)
    preview = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    all_or_nothing = models.BooleanField(default=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    message = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.REJECTED):
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)


class UnitAlias(models.Model):
    """A name the county's spreadsheets use for a unit (审批局 → 行政审批局). The admin keeps the
    list (services.unit_alias_save / unit_alias_withdraw, audited); ledger imports read it and
    the import preview shows every name it resolved this way. Withdrawn, never deleted."""

    alias = models.CharField(_("别名"), max_length=60, unique=True)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["alias"]
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")

    def __str__(self) -> str:
        return self.alias
