"""工程建设项目审批 (国办发〔2019〕11号, cn_rules §5): a project passes four stages in order, each
one lead unit, one form, one set of materials and the member matters approved in parallel — a
stage submission is a `cases` package case (catalog.Package = the stage's member matters), with
one ApprovalTask per member unit. The project clock counts government time only: it runs while
a stage is with the government and pauses while the owner corrects or prepares the next stage.
Key projects (重点项目, 四帮四保) are in keyprojects.py. Nothing is deleted."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingshang.workcal.models import ClockMirror

# 投资项目代码 (全国投资项目在线审批监管平台): 年份-6位行政区划-2位行业-2位类型-6位流水号
CODE_RE = re.compile(r"^(19|20)\d{2}-\d{6}-\d{2}-\d{2}-\d{6}$")
STAGE_NAMES = {
    1: _("立项用地规划许可"),
    2: _("工程建设许可"),
    3: _("施工许可"),
    4: _("竣工验收"),
}
STAGE_MARKS = {1: "①", 2: "②", 3: "③", 4: "④"}
DEFAULT_TOTAL_LIMIT = 120  # 国办发〔2019〕11号: ≤ 120 working days from 立项 to 竣工验收


def validate_code(value: str) -> str:
    code = (value or "").strip().upper()
    if not CODE_RE.match(code):
        raise ValidationError(
            _(
                "投资项目代码格式应为“年份-行政区划代码-行业代码-项目类型-流水号”，如 2026-139999-47-01-000123"
            ),
            code="PROJECT_CODE_INVALID",
        )
    return code


class ProjectType(models.Model):
    class Investment(models.TextChoices):
        GOVERNMENT = "government", _("政府投资")
        SOCIAL = "social", _("社会投资")

    class Category(models.TextChoices):
        BUILDING = "building", _("房屋建筑")
        INFRASTRUCTURE = "infrastructure", _("城市基础设施")
        LOW_RISK = "low_risk", _("低风险小型")

    code = models.SlugField(_("代号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    investment_kind = models.CharField(_("投资类型"), max_length=12, choices=Investment.choices)
    category = models.CharField(_("工程类别"), max_length=16, choices=Category.choices)
    total_limit_days = models.PositiveIntegerField(
        _("全流程时限（工作日）"), default=DEFAULT_TOTAL_LIMIT
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("项目类型")
        verbose_name_plural = _("项目类型")

    def __str__(self) -> str:
        return self.name


class StageDefinition(models.Model):
    """One stage of a project type, as data: the lead unit and member matters are the catalog
    package's (one form, one set of materials), the limit is the stage's own."""

    project_type = models.ForeignKey(ProjectType, on_delete=models.PROTECT, related_name="stages")
    order = models.PositiveSmallIntegerField(_("阶段"), choices=list(STAGE_NAMES.items()))
    name = models.CharField(_("阶段名称"), max_length=60)
    # the member matters approved in parallel (one task per member unit) …
    package = models.ForeignKey(
        "catalog.Package",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("阶段一件事"),
    )
    # … or, for 联合验收, the one joint matter its lead unit decides with the others at one session
    matter = models.ForeignKey(
        "catalog.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("联合办理事项"),
    )
    limit_days = models.PositiveIntegerField(_("阶段时限（工作日）"))
    joint = models.BooleanField(_("联合验收"), default=False)
    # licences the stage issues, entered once by the lead unit on approval: [{key, name}]; a
    # later stage's form field or material with the same key is filled from it
    produces = models.JSONField(_("产出证照"), default=list, blank=True)
    # 区域评估: {assessment code: [material keys it waives]}
    waivers = models.JSONField(_("区域评估免予提交"), default=dict, blank=True)

    class Meta:
        ordering = ["project_type_id", "order"]
        verbose_name = _("阶段定义")
        verbose_name_plural = _("阶段定义")
        constraints = [
            models.UniqueConstraint(
                fields=["project_type", "order"], name="projects_stage_def_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{STAGE_MARKS.get(self.order, '')}{self.name}"

    @property
    def lead_unit_id(self) -> int:
        return self.package.lead_unit_id if self.package_id else self.matter.unit_id

    def clean(self):
        if (self.package_id is None) == (self.matter_id is None):
            raise ValidationError(_("阶段应配置一个一件事（并联审批）或一个联合办理事项"))


class RegionalAssessment(models.Model):
    """区域评估: an assessment the county made for an area (环评, 地灾, 压覆矿产…); projects inside
    it do not submit their own."""

    code = models.SlugField(_("代号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    area = models.CharField(_("适用区域"), max_length=100)
    approved_on = models.DateField(_("成果批复日期"))
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("区域评估成果")
        verbose_name_plural = _("区域评估成果")

    def __str__(self) -> str:
        return self.name


class Project(ClockMirror):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("审批中")
        COMPLETED = "completed", _("已竣工验收")
        WITHDRAWN = "withdrawn", _("已撤回")

    code = models.CharField(_("投资项目代码"), max_length=24, unique=True)
    name = models.CharField(_("项目名称"), max_length=120)
    firm = models.ForeignKey(
        "enterprises.Firm",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("建设单位"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申报人"),
    )
    project_type = models.ForeignKey(
        ProjectType, on_delete=models.PROTECT, related_name="projects", verbose_name=_("项目类型")
    )
    location = models.CharField(_("建设地点"), max_length=200)
    investment = models.DecimalField(_("总投资（万元）"), max_digits=14, decimal_places=2)
    area = models.DecimalField(_("建筑面积（平方米）"), max_digits=14, decimal_places=2)
    assessments = models.ManyToManyField(
        RegionalAssessment, blank=True, related_name="projects", verbose_name=_("适用区域评估")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    current_stage = models.PositiveSmallIntegerField(_("当前阶段"), default=1)
    total_limit_days = models.PositiveIntegerField(_("全流程时限（工作日）"))
    gov_days_used = models.DecimalField(
        _("政府用时（工作日）"), max_digits=8, decimal_places=2, default=0
    )
    late = models.BooleanField(_("超时"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(_("竣工验收时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("工程建设项目")
        verbose_name_plural = _("工程建设项目")
        indexes = [models.Index(fields=["project_type", "status"], name="project_type_status")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProjectStage(ClockMirror):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("未申报")
        IN_REVIEW = "in_review", _("审批中")
        CORRECTING = "correcting", _("待补正")
        APPROVED = "approved", _("已办结")
        REFUSED = "refused", _("不予许可")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="stages")
    definition = models.ForeignKey(StageDefinition, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("阶段"), choices=list(STAGE_NAMES.items()))
    lead_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头单位")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="project_stage"
    )
    # the cases of earlier, refused submissions of this stage (不予许可, then submitted again)
    earlier_cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="+", verbose_name=_("此前申报的办件")
    )
    limit_days = models.PositiveIntegerField(_("阶段时限（工作日）"))
    submitted_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    days_used = models.DecimalField(
        _("用时（工作日）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    late = models.BooleanField(_("超时"), default=False)
    returns = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    waived = models.JSONField(_("区域评估免交材料"), default=list, blank=True)
    reused = models.JSONField(_("复用前序证照"), default=list, blank=True)

    class Meta:
        ordering = ["project_id", "order"]
        verbose_name = _("项目审批阶段")
        verbose_name_plural = _("项目审批阶段")
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="projects_stage_unique")
        ]
        indexes = [models.Index(fields=["order", "status"], name="project_stage_order")]

    def __str__(self) -> str:
        return f"{self.project.code} {STAGE_MARKS.get(self.order, '')}{self.definition.name}"

    @property
    def mark(self) -> str:
        return STAGE_MARKS.get(self.order, "")


class StageReturn(models.Model):
    """A member unit sends the stage back to the owner for correction: the stage and project
    clocks pause until the owner answers (the owner's time is not government time)."""

    stage = models.ForeignKey(ProjectStage, on_delete=models.PROTECT, related_name="return_records")
    task = models.ForeignKey(
        "cases.ApprovalTask", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("退回单位")
    )
    items = models.JSONField(_("补正事项"), default=list)
    note = models.TextField(_("说明"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("退回时间"))
    answered_at = models.DateTimeField(_("补正时间"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("阶段退回补正")
        verbose_name_plural = _("阶段退回补正")

    def __str__(self) -> str:
        return f"{self.stage_id} {self.unit_id}"


def _licence_path(instance, filename: str) -> str:
    import uuid

    return f"projects/{instance.project_id}/{uuid.uuid4().hex}.pdf"


class ProjectLicence(models.Model):
    """A licence a stage issued (entered once by the lead unit); later stages read it."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="licences")
    stage = models.ForeignKey(ProjectStage, on_delete=models.PROTECT, related_name="licences")
    key = models.CharField(_("证照标识"), max_length=60)
    name = models.CharField(_("证照名称"), max_length=100)
    number = models.CharField(_("证照编号"), max_length=60)
    issued_at = models.DateTimeField(_("发证时间"))
    file = models.FileField(upload_to=_licence_path, max_length=255)

    class Meta:
        ordering = ["id"]
        verbose_name = _("项目证照")
        verbose_name_plural = _("项目证照")
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="projects_licence_key")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"


from yingshang.projects.keyprojects import (  # noqa: E402,F401  (models of the same app)
    InvestmentProgress,
    KeyProject,
    KeyProjectHelper,
    KeyProjectProblem,
    KeyProjectVisit,
)
