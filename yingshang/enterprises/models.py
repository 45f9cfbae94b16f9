"""Firm profiles (DESIGN.md §11): entered once, reused by every module."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yingshang.org import identifiers


class Firm(models.Model):
    class Size(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[identifiers.validate_uscc]
    )
    name = models.CharField(_("企业名称"), max_length=120)
    legal_representative = models.CharField(_("法定代表人"), max_length=40, blank=True)
    firm_type = models.CharField(_("企业类型"), max_length=40, blank=True)
    size = models.CharField(_("规模"), max_length=8, choices=Size.choices, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    region_code = models.CharField(_("所在区划"), max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name
