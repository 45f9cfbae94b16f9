"""The matter catalogue (事项目录): matters, their immutable versions, materials, form fields and
一件事 packages. Writes go through services.py; reads start from scope.visible_to."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class MatterType(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    BENEFIT = "benefit", _("行政给付")
    INSPECTION = "inspection", _("行政检查")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class HandlingKind(models.TextChoices):
    INSTANT = "instant", _("即办件")
    PROMISED = "promised", _("承诺件")


class Matter(models.Model):
    """Stable identity of a catalogued item; its content lives in MatterVersion."""

    base_code = models.CharField(_("基本编码"), max_length=40, db_index=True)
    implementation_code = models.CharField(_("实施编码"), max_length=120, unique=True)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="matters", verbose_name=_("实施主体")
    )
    current_version = models.ForeignKey(
        "catalog.MatterVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("当前版本"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    # A county's own implementation of a matter the city publishes (本地化, issue 24): the
    # county's readers are offered it instead of the city's (catalog.selectors.for_county).
    localised_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="localisations",
        verbose_name=_("承接的市级事项"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    deactivate_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    # Denormalised copy of the current version's name: lists sort and search on it without a join.
    name_cache = models.CharField(
        _("事项名称"), max_length=200, blank=True, db_index=True, editable=False
    )
    # Name, conditions, materials, themes and package names of the current version, rebuilt by the
    # services: the portal search matches jieba tokens against it.
    search_text = models.TextField(_("检索文本"), blank=True, editable=False)

    class Meta:
        ordering = ["unit__sort_order", "implementation_code"]
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        indexes = [models.Index(fields=["is_active", "unit"])]

    def __str__(self) -> str:
        return self.name or self.implementation_code

    @property
    def name(self) -> str:
        if self.current_version_id is None:
            return self.name_cache
        return self.current_version.name


class MatterVersion(models.Model):
    """One published, immutable version of a matter's guide. A change = version N+1."""

    matter = models.ForeignKey(
        Matter, on_delete=models.PROTECT, related_name="versions", verbose_name=_("事项")
    )
    version = models.PositiveIntegerField(_("版本号"))
    name = models.CharField(_("事项名称"), max_length=200)
    matter_type = models.CharField(_("事项类型"), max_length=20, choices=MatterType.choices)
    handling_kind = models.CharField(_("办件类型"), max_length=10, choices=HandlingKind.choices)
    legal_limit_days = models.PositiveIntegerField(_("法定办结时限（工作日）"))
    promised_limit_days = models.PositiveIntegerField(_("承诺办结时限（工作日）"))
    fee = models.CharField(_("收费标准"), max_length=200, default="不收费")
    max_visits = models.PositiveSmallIntegerField(
        _("到现场次数"), default=1, help_text=_("0 = 一次不用跑，1 = 最多跑一次，N = 最多跑 N 次")
    )
    online = models.BooleanField(_("全程网办"), default=False)
    conditions = models.TextField(_("受理条件"), blank=True)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    address = models.CharField(_("办理地点"), max_length=200, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=60, blank=True)
    faq = models.JSONField(_("常见问题"), default=list, blank=True)
    themes = models.JSONField(_("主题分类"), default=list, blank=True)
    life_events = models.JSONField(_("生命周期事件"), default=list, blank=True)
    special_procedures = models.JSONField(_("特别程序"), default=list, blank=True)
    appointment = models.BooleanField(_("可预约窗口"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    change_note = models.CharField(_("变更说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["matter_id", "version"]
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "version"], name="catalog_version_unique_per_matter"
            ),
            models.CheckConstraint(
                name="catalog_promised_le_legal",
                condition=Q(promised_limit_days__lte=F("legal_limit_days")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        super().clean()
        if (
            self.promised_limit_days is not None
            and self.legal_limit_days is not None
            and self.promised_limit_days > self.legal_limit_days
        ):
            raise ValidationError(
                {
                    "promised_limit_days": _(
                        "承诺办结时限（%(p)s 个工作日）不得超过法定办结时限（%(l)s 个工作日）"
                    )
                    % {"p": self.promised_limit_days, "l": self.legal_limit_days}
                }
            )

    @property
    def is_instant(self) -> bool:
        return self.handling_kind == HandlingKind.INSTANT

    @property
    def visits_label(self) -> str:
        if self.max_visits == 0:
            return str(_("一次不用跑"))
        if self.max_visits == 1:
            return str(_("最多跑一次"))
        return str(_("最多跑 %(n)s 次")) % {"n": self.max_visits}


def _material_upload(instance, filename: str) -> str:
    return f"catalog/materials/{filename}"


class Material(models.Model):
    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        ELECTRONIC = "electronic", _("电子件")
        ORIGINAL_AND_COPY = "original_and_copy", _("原件和复印件")

    version = models.ForeignKey(MatterVersion, on_delete=models.PROTECT, related_name="materials")
    key = models.SlugField(
        _("材料标识"),
        max_length=60,
        help_text=_("同一份材料在各事项中使用相同标识，用于一件事去重"),
    )
    name = models.CharField(_("材料名称"), max_length=200)
    required = models.BooleanField(_("必要"), default=True)
    form = models.CharField(
        _("材料形式"), max_length=20, choices=Form.choices, default=Form.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    template = models.FileField(
        _("空白表格"), upload_to=_material_upload, blank=True, max_length=255
    )
    example = models.FileField(
        _("示例样表"), upload_to=_material_upload, blank=True, max_length=255
    )
    deficit_allowed = models.BooleanField(_("可容缺"), default=False)
    commitment_replaces = models.BooleanField(_("可告知承诺替代"), default=False)
    notes = models.CharField(_("填报说明"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="catalog_material_key_per_version"
            ),
        ]
        indexes = [models.Index(fields=["key"])]

    def __str__(self) -> str:
        return self.name

    def file_url(self, kind: str) -> str:
        from django.urls import reverse

        return reverse("catalog:material_file", args=[self.pk, kind]) if getattr(self, kind) else ""

    @property
    def template_url(self) -> str:
        return self.file_url("template")

    @property
    def example_url(self) -> str:
        return self.file_url("example")


class FormField(models.Model):
    class FieldType(models.TextChoices):
        TEXT = "text", _("文本")
        NUMBER = "number", _("数字")
        DATE = "date", _("日期")
        CHOICE = "choice", _("选项")
        TEXTAREA = "textarea", _("多行文本")
        PHONE = "phone", _("手机号码")
        ID_NUMBER = "id_number", _("身份证号码")
        USCC = "uscc", _("统一社会信用代码")

    version = models.ForeignKey(MatterVersion, on_delete=models.PROTECT, related_name="form_fields")
    key = models.CharField(_("字段标识"), max_length=60)
    label = models.CharField(_("字段名称"), max_length=100)
    field_type = models.CharField(
        _("字段类型"), max_length=12, choices=FieldType.choices, default=FieldType.TEXT
    )
    required = models.BooleanField(_("必填"), default=True)
    choices = models.JSONField(_("可选项"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    profile_source = models.CharField(_("预填来源"), max_length=60, blank=True)

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = _("表单字段")
        verbose_name_plural = _("表单字段")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="catalog_field_key_per_version"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Package(models.Model):
    """一件事: several matters of several units, one form, one materials list, one window."""

    code = models.SlugField(_("代号"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    lead_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="led_packages",
        verbose_name=_("牵头单位"),
    )
    promised_limit_days = models.PositiveIntegerField(_("承诺办结时限（工作日）"))
    description = models.TextField(_("说明"), blank=True)
    life_event = models.CharField(_("生命周期事件"), max_length=60, blank=True)
    theme = models.CharField(_("主题"), max_length=60, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    # the package's own joint application form (一表申请): a list of fields {key, label,
    # field_type, required, choices, profile_source}; members' fields it does not cover, and no
    # member before them produces, are asked after it
    form_fields = models.JSONField(_("联办申请表字段"), default=list, blank=True)
    matters = models.ManyToManyField(Matter, through="PackageMember", related_name="packages")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")

    def __str__(self) -> str:
        return self.name


class PackageMember(models.Model):
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="members")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="package_memberships")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # what this member's handling produces inside the package: [{key, name, kind}] with kind
    # "material" (e.g. business_licence 营业执照) or "field" (e.g. firm.uscc); a later member's
    # input with the same key is satisfied by it and not asked of the applicant
    outputs = models.JSONField(_("办理产出"), default=list, blank=True)

    class Meta:
        ordering = ["package_id", "order", "id"]
        verbose_name = _("一件事成员事项")
        verbose_name_plural = _("一件事成员事项")
        constraints = [
            models.UniqueConstraint(
                fields=["package", "matter"], name="catalog_package_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package} · {self.matter}"
