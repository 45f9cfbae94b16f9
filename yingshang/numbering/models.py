from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """The last number handed out in one series ("case:2026-12-06", "problem:2026")."""

    series = models.CharField(_("编号序列"), max_length=60, unique=True)
    last = models.PositiveBigIntegerField(_("已用到"), default=0)

    class Meta:
        verbose_name = _("编号计数器")
        verbose_name_plural = _("编号计数器")

    def __str__(self) -> str:
        return f"{self.series}: {self.last}"
