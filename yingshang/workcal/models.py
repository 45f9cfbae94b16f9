"""The working-day calendar (exceptions to the weekday rule), working hours, and clocks."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose holiday arrangement has been entered. Years without a row are computed with
    weekends only and flagged calendar_incomplete (DESIGN.md §3)."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=120, blank=True)
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    entered_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日（休）")
        WORKDAY = "workday", _("调休上班")
        NORMAL = "normal", _("按周规则（已撤销的例外）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("日历例外日")
        verbose_name_plural = _("日历例外日")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class WorkSchedule(models.Model):
    """Working hours and warning thresholds; a single row (pk=1)."""

    morning_start = models.TimeField(_("上午上班"), default=dt.time(9, 0))
    morning_end = models.TimeField(_("上午下班"), default=dt.time(12, 0))
    afternoon_start = models.TimeField(_("下午上班"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("下午下班"), default=dt.time(17, 30))
    warning_ratio = models.DecimalField(
        _("预警比例"),
        max_digits=3,
        decimal_places=2,
        default=0.2,
        help_text=_("剩余时限不超过总时限的该比例时预警（黄牌）"),
    )
    warning_days = models.PositiveSmallIntegerField(
        _("预警天数"), default=1, help_text=_("剩余不超过该工作日数时预警")
    )
    # bumped on every calendar or schedule change; processes rebuild their cached tables
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("工作时间设置")
        verbose_name_plural = _("工作时间设置")

    def __str__(self) -> str:
        return f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}, {self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"


class ClockState(models.TextChoices):
    """The one clock-state enum: a clock's own state, and the copy on the rows that show a
    deadline (ClockMirror; "" there: no clock)."""

    NONE = "", _("未计时")
    RUNNING = "running", _("计时中")
    WARNING = "warning", _("预警")
    OVERDUE = "overdue", _("逾期")
    PAUSED = "paused", _("暂停")
    STOPPED = "stopped", _("已停止")


class ClockMirror(models.Model):
    """The deadline of a row's running clock, copied onto the row because queues sort and filter
    by it. Services call `mirror(clock)` whenever the clock changes; the sweep updates the
    copies through `clocks.on_transition` handlers."""

    due_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    clock_state = models.CharField(
        _("时限状态"), max_length=8, choices=ClockState.choices, blank=True, default=""
    )

    class Meta:
        abstract = True

    def mirror(self, clock) -> None:
        """Copy `clock` (None: no clock) onto the row; the caller saves."""
        if clock is None:
            self.due_at = None
            self.clock_state = ClockState.NONE
        else:
            self.due_at = clock.due_at
            self.clock_state = clock.state


class Clock(models.Model):
    """A deadline clock attached to any item (owner_type + owner_id)."""

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("工作日")
        WORKING_HOURS = "working_hours", _("工作小时")
        NATURAL_DAYS = "natural_days", _("自然日")
        NATURAL_HOURS = "natural_hours", _("自然小时")

    State = ClockState

    class Outcome(models.TextChoices):
        MET = "met", _("按时")
        MISSED = "missed", _("超时")

    class PauseKind(models.TextChoices):
        CORRECTION = "correction", _("补正/等待申请人")
        SPECIAL_PROCEDURE = "special_procedure", _("特别程序")
        SUSPENSION = "suspension", _("批准挂起")

    owner_type = models.CharField(max_length=60)
    owner_id = models.CharField(max_length=64)
    purpose = models.CharField(_("用途"), max_length=40, help_text=_("如 case_limit、sign、handle"))
    limit_amount = models.DecimalField(_("时限"), max_digits=8, decimal_places=2)
    limit_unit = models.CharField(_("时限单位"), max_length=16, choices=Unit.choices)
    started_at = models.DateTimeField(_("起算时间"))
    due_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    warn_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.RUNNING)
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_kind = models.CharField(max_length=20, choices=PauseKind.choices, blank=True)
    # limit units left at the moment of pausing, measured in the clock's own calendar
    remaining_at_pause = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    extended_amount = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)
    calendar_incomplete = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("时限计时器")
        verbose_name_plural = _("时限计时器")
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="clock_owner"),
            # the sweep's range scans (running → warning, running/warning → overdue). Partial
            # indexes: a clock that leaves these states (overdue, paused, stopped) drops out of
            # them, so the sweep's updates and the stopped majority cost no index entries here.
            models.Index(
                fields=["warn_at"], condition=models.Q(state="running"), name="clock_running_warn"
            ),
            models.Index(
                fields=["due_at"],
                condition=models.Q(state__in=["running", "warning"]),
                name="clock_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_type}:{self.owner_id} {self.purpose} → {self.due_at}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.STOPPED

    @property
    def due_provisional(self) -> bool:
        """The deadline rests on a year whose arrangement is not yet entered (shown as 预计)."""
        return self.calendar_incomplete


class ClockEvent(models.Model):
    class Kind(models.TextChoices):
        START = "start", _("开始计时")
        PAUSE = "pause", _("暂停")
        RESUME = "resume", _("恢复")
        EXTEND = "extend", _("延期")
        WARN = "warn", _("进入预警")
        OVERDUE = "overdue", _("逾期")
        STOP = "stop", _("停止")
        RECOMPUTE = "recompute", _("按新日历重算")

    # no separate FK index: (clock, at) below serves every lookup by clock
    clock = models.ForeignKey(
        Clock, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["clock", "at"])]
