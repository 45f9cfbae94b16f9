"""Organisation units, people and their role assignments. Workflow lives in services.py."""

from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang.org import identifiers
from yingshang.org.roles import Role


class Unit(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("市")
        COUNTY = "county", _("县/区")
        DEPARTMENT = "department", _("部门")
        TOWN = "town", _("镇乡/街道")
        SECTION = "section", _("科室")
        VILLAGE = "village", _("村/社区")
        CENTRE = "centre", _("政务服务中心")

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    code = models.SlugField(
        _("代号"), max_length=40, unique=True, help_text=_("英文代号，用于接口与导入")
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    region_code = models.CharField(
        _("行政区划代码"), max_length=12, blank=True, validators=[identifiers.validate_region_code]
    )
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    commitment = models.TextField(_("服务承诺"), blank=True)
    responsible_name = models.CharField(_("服务承诺责任人"), max_length=40, blank=True)
    responsible_phone = models.CharField(_("责任人电话"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    # Materialised path "/1/4/17/" so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # The county (区县) this unit belongs to when the deployment hosts a city and its counties:
    # the county's path; "" for the city's own units and in a one-county deployment, where the
    # county is the root (org.tenancy: who sees which county's records).
    tenant = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class User(AbstractUser):
    class Kind(models.TextChoices):
        STAFF = "staff", _("工作人员")
        PERSON = "person", _("个人")
        FIRM = "firm", _("企业")

    kind = models.CharField(_("账号类型"), max_length=8, choices=Kind.choices, default=Kind.STAFF)
    real_name = models.CharField(_("姓名"), max_length=40, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=11, null=True, blank=True, unique=True)
    id_number = models.CharField(
        _("身份证号码"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[identifiers.validate_id_number],
    )
    firm = models.ForeignKey(
        "enterprises.Firm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("绑定企业"),
    )
    # bumped whenever a role of this user is granted or revoked (org.signals): the process-level
    # cache of the roles (org.scope.Grants) is keyed on it, so a change applies at the next request
    roles_version = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="firm_account_has_firm", condition=~Q(kind="firm") | Q(firm__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def display_name(self) -> str:
        return self.real_name or self.username


class RoleAssignment(models.Model):
    """A role held by a user, in a unit for the unit roles. Revoked, never deleted."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_role_per_unit",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}" + (
            f" · {self.unit}" if self.unit_id else ""
        )


class Window(models.Model):
    """A window (综合窗口/专业窗口) of the service centre; a clerk is bound to it."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("综合窗口")
        SPECIALIST = "specialist", _("专业窗口")

    hall = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="windows", verbose_name=_("所属大厅/单位")
    )
    number = models.CharField(_("窗口号"), max_length=10)
    name = models.CharField(_("窗口名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.GENERAL)
    clerk = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="windows",
        verbose_name=_("窗口人员"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_number_per_hall")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
