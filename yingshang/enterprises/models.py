"""Firm profiles (DESIGN.md §11): entered once, reused by every module; the firm's accounts
(法定代表人 and the 经办人 it authorises); imports of the county's register."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang.enterprises import industries
from yingshang.org import identifiers


class Firm(models.Model):
    class Size(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    class Status(models.TextChoices):
        ACTIVE = "active", _("存续")
        DEREGISTERED = "deregistered", _("注销")
        MERGED = "merged", _("已合并")

    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[identifiers.validate_uscc]
    )
    name = models.CharField(_("企业名称"), max_length=120)
    legal_representative = models.CharField(_("法定代表人"), max_length=40, blank=True)
    firm_type = models.CharField(_("企业类型"), max_length=40, blank=True)
    size = models.CharField(
        _("规模（划型）"),
        max_length=8,
        choices=Size.choices,
        blank=True,
        help_text=_("按《中小企业划型标准规定》划定的规模"),
    )
    declared_size = models.CharField(
        _("规模（自报）"), max_length=8, choices=Size.choices, blank=True
    )
    industry_code = models.CharField(
        _("行业代码"),
        max_length=5,
        blank=True,
        db_index=True,
        validators=[industries.validate_industry_code],
        help_text=_("国民经济行业分类（GB/T 4754）门类字母或代码，如 C、C13、F5211"),
    )
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    region_code = models.CharField(_("所在区划"), max_length=12, blank=True)
    # never deleted: a firm that is 注销 or merged into another keeps its page and its history
    status = models.CharField(
        _("登记状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.CharField(_("状态变更原因"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_firms",
        verbose_name=_("并入企业"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        indexes = [models.Index(fields=["name"], name="firm_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def industry_section(self) -> str:
        from yingshang.enterprises.industries import section_name

        return section_name(self.industry_code)


class FirmAccount(models.Model):
    """What an account is to its firm: the legal representative's (账号管理人) or an agent
    (经办人) the legal representative authorised. Revoked, never deleted; a revoked agent's
    account is deactivated at the same time, so it loses the firm's records at once."""

    class Role(models.TextChoices):
        LEGAL_REP = "legal_rep", _("法定代表人")
        AGENT = "agent", _("经办人")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="firm_membership"
    )
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("身份"), max_length=10, choices=Role.choices)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("授权人"),
    )
    authorised_at = models.DateTimeField(_("授权时间"))
    scope_note = models.CharField(_("授权事项"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("撤销人"),
    )
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")
        constraints = [
            models.UniqueConstraint(
                fields=["firm"],
                condition=Q(role="legal_rep", revoked_at__isnull=True),
                name="one_legal_rep_account_per_firm",
            )
        ]

    def __str__(self) -> str:
        return f"{self.firm} · {self.get_role_display()} · {self.user}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class FirmImport(models.Model):
    """One upload of the county's register: previewed (every row checked), then applied all
    at once or discarded. The checked rows and the errors are kept for the record."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("待确认")
        APPLIED = "applied", _("已导入")
        DISCARDED = "discarded", _("已放弃")

    file_name = models.CharField(_("文件名"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    rows = models.JSONField(default=list)  # the cleaned rows, in file order
    errors = models.JSONField(default=list)  # [{"row", "column", "message"}]
    total = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("企业导入")
        verbose_name_plural = _("企业导入")

    def __str__(self) -> str:
        return self.file_name


class FirmStamp(models.Model):
    """The version of what the firm page's panels show about one firm (enterprises.panelcache):
    every save of a record a panel reads bumps it after the commit, so a page kept under the old
    number is never shown again. A row is made on the first bump."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("企业档案版本")
        verbose_name_plural = _("企业档案版本")

    def __str__(self) -> str:
        return f"{self.firm_id} · {self.version}"
