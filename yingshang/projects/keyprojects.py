"""重点项目 (四帮四保): the county's key-project list per year with milestones (开工/复工/竣工
planned and actual), monthly investment progress, the responsible county leader and units (who
helps with what), problems raised into the supervision ledger and visits (政企走访)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MILESTONES = {
    "start": _("开工"),
    "resume": _("复工"),
    "completion": _("竣工"),
}


class KeyProject(models.Model):
    class Phase(models.TextChoices):
        PREPARING = "preparing", _("前期")
        BUILDING = "building", _("在建")
        COMPLETED = "completed", _("竣工")

    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("项目名称"), max_length=120)
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_entries",
        verbose_name=_("工程建设项目"),
    )
    firm = models.ForeignKey(
        "enterprises.Firm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_projects",
        verbose_name=_("建设单位"),
    )
    investment = models.DecimalField(_("总投资（万元）"), max_digits=14, decimal_places=2)
    year_plan = models.DecimalField(_("年度计划投资（万元）"), max_digits=14, decimal_places=2)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("包保县领导"),
    )
    lead_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    planned_resume = models.DateField(_("计划复工"), null=True, blank=True)
    actual_resume = models.DateField(_("实际复工"), null=True, blank=True)
    planned_completion = models.DateField(_("计划竣工"), null=True, blank=True)
    actual_completion = models.DateField(_("实际竣工"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("调出原因"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "id"]
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        indexes = [models.Index(fields=["year", "leader"], name="keyproject_year_leader")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def phase(self) -> str:
        if self.actual_completion:
            return self.Phase.COMPLETED
        if self.actual_start or self.actual_resume:
            return self.Phase.BUILDING
        return self.Phase.PREPARING

    @property
    def phase_label(self) -> str:
        return str(self.Phase(self.phase).label)

    def overdue_milestones(self, today: dt.date) -> list[str]:
        """The milestones whose planned date has passed with no actual date, by name."""
        out = []
        for key, label in MILESTONES.items():
            planned = getattr(self, f"planned_{key}")
            if planned and planned < today and not getattr(self, f"actual_{key}"):
                out.append(f"{label}（计划 {planned:%Y-%m-%d}）")
        return out


class KeyProjectHelper(models.Model):
    """四帮四保: a unit and what it helps the project with."""

    key_project = models.ForeignKey(KeyProject, on_delete=models.PROTECT, related_name="helpers")
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("帮扶单位")
    )
    duty = models.CharField(_("帮扶内容"), max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("四帮四保责任")
        verbose_name_plural = _("四帮四保责任")
        constraints = [
            models.UniqueConstraint(fields=["key_project", "unit"], name="keyproject_helper_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.duty}"


class InvestmentProgress(models.Model):
    key_project = models.ForeignKey(KeyProject, on_delete=models.PROTECT, related_name="progress")
    month = models.DateField(_("月份"))  # first day of the month
    amount = models.DecimalField(_("当月完成投资（万元）"), max_digits=14, decimal_places=2)
    note = models.TextField(_("形象进度"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["month"]
        verbose_name = _("月度投资进度")
        verbose_name_plural = _("月度投资进度")
        constraints = [
            models.UniqueConstraint(
                fields=["key_project", "month"], name="keyproject_progress_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_project_id} {self.month:%Y-%m}"


class KeyProjectProblem(models.Model):
    """A problem the project raised: it lives in the supervision ledger (its owner works it
    there); this row links the two."""

    key_project = models.ForeignKey(KeyProject, on_delete=models.PROTECT, related_name="problems")
    problem = models.OneToOneField(
        "supervision.Problem", on_delete=models.PROTECT, related_name="key_project_link"
    )
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("项目问题")
        verbose_name_plural = _("项目问题")

    def __str__(self) -> str:
        return f"{self.key_project_id} {self.problem_id}"


class KeyProjectVisit(models.Model):
    """政企走访: who visited, when, what the firm said."""

    key_project = models.ForeignKey(KeyProject, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("走访日期"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("走访人"),
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("走访单位")
    )
    content = models.TextField(_("走访内容"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("政企走访")
        verbose_name_plural = _("政企走访")

    def __str__(self) -> str:
        return f"{self.key_project_id} {self.visited_on}"
