"""营商环境评价 (DESIGN.md §9): an indicator tree per evaluation year, periods (rounds) of that
year, one value per leaf and period with its evidence. Scores are computed (indicators.scoring),
never stored: a value and the tree of its year say everything a score needs."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingshang.workcal.models import ClockMirror


class Tree(models.Model):
    """The indicator system of one evaluation year. Values of a year point at that year's
    indicators, so editing next year's tree never changes last year's scores."""

    year = models.PositiveSmallIntegerField(_("评价年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    threshold = models.DecimalField(
        _("预警分数线"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    # when set, the weights of each parent's active children must add up to it (Excel import)
    weight_total = models.DecimalField(
        _("下级权重合计"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    locked = models.BooleanField(_("已锁定"), default=False)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="indicator_tree_version"),
        ]

    def __str__(self) -> str:
        return self.name if self.version == 1 else f"{self.name}（第{self.version}版）"


class Direction(models.TextChoices):
    LOWER = "lower", _("越低越好")
    HIGHER = "higher", _("越高越好")


class Transform(models.TextChoices):
    LINEAR = "linear", _("线性（前沿距离法）")
    POWER = "power", _("幂变换")


class Source(models.TextChoices):
    ENTERED = "entered", _("牵头单位填报")
    IMPORTED = "imported", _("Excel导入")
    MEASURED = "measured", _("系统自动测算")


class Indicator(models.Model):
    tree = models.ForeignKey(Tree, on_delete=models.PROTECT, related_name="indicators")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("编码"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), default=1)
    weight = models.DecimalField(_("权重"), max_digits=7, decimal_places=3, default=Decimal("1"))
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    deactivate_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    # leaves
    lead_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_indicators",
        verbose_name=_("牵头单位"),
    )
    co_units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="co_indicators", verbose_name=_("配合单位")
    )
    measure_unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    direction = models.CharField(
        _("方向"), max_length=8, choices=Direction.choices, default=Direction.LOWER
    )
    best = models.DecimalField(
        _("最优值（前沿）"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    worst = models.DecimalField(_("最差值"), max_digits=14, decimal_places=4, null=True, blank=True)
    transform = models.CharField(
        _("转换方法"), max_length=8, choices=Transform.choices, default=Transform.LINEAR
    )
    exponent = models.DecimalField(
        _("幂指数"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    source = models.CharField(
        _("数据来源"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    measure_key = models.CharField(_("自动测算方法"), max_length=60, blank=True)
    by_site = models.BooleanField(_("分站点测算"), default=False)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["tree_id", "sort_order", "id"]
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")
        constraints = [
            models.UniqueConstraint(fields=["tree", "code"], name="indicator_code_per_tree"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Period(models.Model):
    """An evaluation round of a year (年度、季度…): the 营商办 opens it, each lead unit submits
    its values before `due_on` (a working day from workcal)."""

    tree = models.ForeignKey(Tree, on_delete=models.PROTECT, related_name="periods")
    code = models.CharField(_("期次代号"), max_length=20, unique=True)
    name = models.CharField(_("期次"), max_length=60)
    starts_on = models.DateField(_("统计起始日"))
    ends_on = models.DateField(_("统计截止日"))
    due_on = models.DateField(_("报送截止日"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    published = models.BooleanField(_("已在门户公布"), default=False)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("评价期次")
        verbose_name_plural = _("评价期次")

    def __str__(self) -> str:
        return self.name


class Value(models.Model):
    """The value of one leaf in one period: entered (with evidence), imported or measured, then
    reviewed by the 营商办. Only approved values are scored."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待填报")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("指标值"), max_digits=14, decimal_places=4, null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    source = models.CharField(_("数据来源"), max_length=10, choices=Source.choices, blank=True)
    note = models.TextField(_("填报说明"), blank=True)
    target = models.DecimalField(
        _("承诺目标值"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    measured = models.JSONField(_("测算明细"), default=dict, blank=True)
    # comparison values of the period, entered by the 营商办 from the provincial/city reports
    province_avg = models.DecimalField(
        _("全省平均"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    city_avg = models.DecimalField(
        _("全市平均"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    best_county = models.DecimalField(
        _("全省最优县"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        ordering = ["period_id", "indicator__sort_order", "id"]
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="value_per_period"),
        ]
        indexes = [models.Index(fields=["period", "status"], name="indicator_value_status")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.period}"


def evidence_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"indicators/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """An evidence file of a value (佐证材料), served only through the scope-checked view."""

    value = models.ForeignKey(Value, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Site(models.Model):
    """A place where a site-measured indicator is measured (a town, a service centre); its
    weight (e.g. population) weighs its score in the county's, as multi-city evaluations do."""

    class Kind(models.TextChoices):
        TOWN = "town", _("乡镇")
        CENTRE = "centre", _("服务中心")

    code = models.CharField(_("站点代号"), max_length=20, unique=True)
    name = models.CharField(_("站点"), max_length=60)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.TOWN)
    weight = models.DecimalField(_("权重（如常住人口）"), max_digits=14, decimal_places=3)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("测算站点")
        verbose_name_plural = _("测算站点")

    def __str__(self) -> str:
        return self.name


class SiteValue(models.Model):
    """The value of a site-measured leaf at one site in one period."""

    value = models.ForeignKey(Value, on_delete=models.PROTECT, related_name="site_values")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    number = models.DecimalField(
        _("站点数值"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    weight = models.DecimalField(_("权重"), max_digits=14, decimal_places=3)

    class Meta:
        ordering = ["site__code"]
        verbose_name = _("站点数值")
        verbose_name_plural = _("站点数值")
        constraints = [
            models.UniqueConstraint(fields=["value", "site"], name="indicator_site_value"),
        ]


class UnitTask(ClockMirror):
    """A lead unit's task in a round: submit all its leaves before the working-day deadline
    (a workcal clock). The sweep marks it overdue; a submission after the deadline stays late
    on the unit's record."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="tasks")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报送完成时间"), null=True, blank=True)
    overdue = models.BooleanField(_("逾期"), default=False)
    late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        ordering = ["period_id", "unit__sort_order", "unit_id"]
        verbose_name = _("牵头单位报送任务")
        verbose_name_plural = _("牵头单位报送任务")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="indicator_task_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.unit}"
