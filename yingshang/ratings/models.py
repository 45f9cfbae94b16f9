"""好差评: ratings of cases, hotline work orders and window visits, and the 差评 closed loop
(DESIGN.md §7, cn_rules.md §1). Workflow lives in services.py / rectifications.py.

A rating is written once by the person rated for (or the pad in their hands) and never edited
or deleted by staff; an upheld appeal only sets `excluded`, so the rating stays in history.
An anonymous rating stores no link to a person: no rater, no phone (cn_rules.md §1: "the
evaluator's information is strictly protected")."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# Levels 1–2 are 差评 (cn_rules.md §1, "Rating scale"); 3–5 count as satisfied for 满意率.
BAD_LEVELS = frozenset({1, 2})
SATISFIED_LEVELS = frozenset({3, 4, 5})


class Channel(models.TextChoices):
    WINDOW_PAD = "window_pad", _("窗口评价器")
    QR = "qr", _("二维码")
    WEB = "web", _("网站")
    APP_API = "app_api", _("App/小程序")
    SMS = "sms", _("短信")
    HOTLINE_CALLBACK = "hotline_callback", _("12345回访")
    TERMINAL = "terminal", _("自助终端")


class Point(models.TextChoices):
    """The rating point (评价节点): 亳州 lets a case be rated at 接件/受理/办结 (一事多评)."""

    RECEIVE = "receive", _("接件")
    ACCEPT = "accept", _("受理")
    DELIVER = "deliver", _("办结")
    VISIT = "visit", _("现场服务")
    WORKORDER = "workorder", _("工单办结")


class RatingScheme(models.Model):
    """A versioned set of dimensions and problem options (cn_rules.md §1: the rating content is
    nationally uniform and version-managed). A rating keeps the version it was given under."""

    class Kind(models.TextChoices):
        ONLINE = "online", _("网上办事")
        ONSITE = "onsite", _("现场服务")

    kind = models.CharField(_("适用"), max_length=8, choices=Kind.choices)
    version = models.PositiveIntegerField(_("版本"))
    dimensions = models.JSONField(
        _("评价维度"), help_text=_('[{"code": "overall", "label": "整体满意度"}, …]')
    )
    problems = models.JSONField(
        _("差评问题选项"), help_text=_('[{"code": "slow", "label": "办理时间长"}, …]')
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评价指标版本")
        verbose_name_plural = _("评价指标版本")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="rating_scheme_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_active=True), name="rating_scheme_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    def dimension_codes(self) -> set[str]:
        return {d["code"] for d in self.dimensions}

    def problem_codes(self) -> set[str]:
        return {p["code"] for p in self.problems}

    def problem_labels(self, codes) -> list[str]:
        names = {p["code"]: p["label"] for p in self.problems}
        return [names.get(c, c) for c in codes]


class RatingSettings(models.Model):
    """The configurable numbers of the loop (a single row, pk=1). Defaults: 德州 rules in
    cn_rules.md §1 (verify within 1 working day, rectify and reply within 5), 亳州 智能邀评
    after 3 days."""

    verify_days = models.PositiveSmallIntegerField(_("核实时限（工作日）"), default=1)
    reply_days = models.PositiveSmallIntegerField(_("整改答复时限（工作日）"), default=5)
    invite_after_days = models.PositiveSmallIntegerField(_("办结后邀评（天）"), default=3)
    link_valid_days = models.PositiveSmallIntegerField(_("评价链接有效期（天）"), default=15)
    # the rater may come back to give the problems and comments of a rating (from 我的评价 or
    # the API) for this many days after rating; the page right after the click is one of them
    details_days = models.PositiveSmallIntegerField(
        _("评价后补充问题和意见的期限（天）"), default=7
    )
    public_per_ip_per_minute = models.PositiveIntegerField(
        _("公共评价入口每IP每分钟次数"), default=20
    )
    public_per_object_per_minute = models.PositiveIntegerField(
        _("同一对象每分钟评价尝试次数"), default=10
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("好差评设置")
        verbose_name_plural = _("好差评设置")

    def __str__(self) -> str:
        return str(_("好差评设置"))

    @classmethod
    def current(cls) -> "RatingSettings":
        obj = cls.objects.filter(pk=1).first()
        return obj if obj is not None else cls(pk=1)


def _token() -> str:
    return secrets.token_urlsafe(24)


class WindowVisit(models.Model):
    """One service at a window (一次一评 rates each visit once). The pad in the applicant's
    hands proves it belongs to this visit with `token`."""

    window = models.ForeignKey(
        "org.Window", on_delete=models.PROTECT, related_name="visits", verbose_name=_("窗口")
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="window_visits",
        verbose_name=_("窗口人员"),
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属单位")
    )
    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    token = models.CharField(max_length=64, default=_token, editable=False)
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("窗口服务")
        verbose_name_plural = _("窗口服务")
        indexes = [models.Index(fields=["window", "-started_at"], name="visit_window_recent")]

    def __str__(self) -> str:
        return f"{self.window} {self.started_at:%Y-%m-%d %H:%M}"


class Rating(models.Model):
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    is_bad = models.BooleanField(_("差评"), default=False)
    scheme = models.ForeignKey(
        RatingScheme,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("指标版本"),
        db_index=False,  # never filtered (every index is paid on each insert)
    )
    dimensions = models.JSONField(_("分项评价"), default=dict, blank=True)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    comment = models.TextField(_("意见建议"), blank=True, max_length=500)
    details_added_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(_("评价渠道"), max_length=20, choices=Channel.choices)
    point = models.CharField(_("评价节点"), max_length=12, choices=Point.choices)
    anonymous = models.BooleanField(_("匿名"), default=False)
    # Only for a real-name rating (CheckConstraint below): who rated, and where to call back.
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings_given",
        verbose_name=_("评价人"),
    )
    rater_phone = models.CharField(_("评价人电话"), max_length=20, blank=True)
    # what was rated
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("办件"),
        db_index=False,  # rating_one_per_case_point leads with it (every index is paid on each insert)
    )
    work_order = models.ForeignKey(
        "hotline.WorkOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("工单"),
        db_index=False,  # rating_one_per_workorder covers it (every index is paid on each insert)
    )
    visit = models.ForeignKey(
        WindowVisit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("窗口服务"),
        db_index=False,  # rating_one_per_visit covers it (every index is paid on each insert)
    )
    # what it counts for
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("被评单位"),
        db_index=False,  # rating_unit_time leads with it (every index is paid on each insert)
    )
    matter = models.ForeignKey(
        "catalog.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("事项"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings_received",
        verbose_name=_("被评人员"),
        db_index=False,  # rating_staff_time leads with it (every index is paid on each insert)
    )
    window = models.ForeignKey(
        "org.Window",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("窗口"),
    )
    excluded = models.BooleanField(_("申诉核减"), default=False)
    created_at = models.DateTimeField(_("评价时间"), db_index=True)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.CheckConstraint(
                name="rating_level_1_5", condition=Q(level__gte=1, level__lte=5)
            ),
            models.CheckConstraint(
                name="rating_anonymous_unlinked",
                condition=Q(anonymous=False) | (Q(rater__isnull=True) & Q(rater_phone="")),
            ),
            models.CheckConstraint(
                name="rating_has_object",
                condition=Q(case__isnull=False)
                | Q(work_order__isnull=False)
                | Q(visit__isnull=False),
            ),
            # 一事一评: one rating per case per rating point
            models.UniqueConstraint(
                fields=["case", "point"],
                condition=Q(case__isnull=False),
                name="rating_one_per_case_point",
            ),
            # 一次一评: one rating per window visit
            models.UniqueConstraint(
                fields=["visit"], condition=Q(visit__isnull=False), name="rating_one_per_visit"
            ),
            models.UniqueConstraint(
                fields=["work_order"],
                condition=Q(work_order__isnull=False),
                name="rating_one_per_workorder",
            ),
        ]
        indexes = [
            # statistics for a period across units (one month over 1M rows: range scan + group)
            models.Index(fields=["created_at", "unit"], name="rating_time_unit"),
            models.Index(fields=["unit", "created_at"], name="rating_unit_time"),
            models.Index(fields=["staff", "created_at"], name="rating_staff_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_level_display()}"

    @property
    def problem_labels(self) -> list[str]:
        return self.scheme.problem_labels(self.problems)


class RatingInvitation(models.Model):
    """An invitation (智能邀评) sent when a completed item has no rating after N days."""

    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    work_order = models.ForeignKey(
        "hotline.WorkOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    point = models.CharField(max_length=12, choices=Point.choices)
    sent_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("评价邀请")
        verbose_name_plural = _("评价邀请")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "point"], condition=Q(case__isnull=False), name="invite_once_case"
            ),
            models.UniqueConstraint(
                fields=["work_order"],
                condition=Q(work_order__isnull=False),
                name="invite_once_workorder",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('评价邀请')} #{self.pk}"


class Outcome(models.TextChoices):
    FIXED_NOW = "fixed_now", _("立行立改")
    FIXED_BY_PLAN = "fixed_by_plan", _("建立台账、限期整改")
    EXPLAINED = "explained", _("解释说明")


class Rectification(models.Model):
    """The 差评 closed loop: 核实 → 整改 → 反馈 → (回访) → 复核 (cn_rules.md §1)."""

    class Status(models.TextChoices):
        VERIFYING = "verifying", _("待核实")
        RECTIFYING = "rectifying", _("整改中")
        REVIEWING = "reviewing", _("待复核")
        CLOSED = "closed", _("已办结")
        CANCELLED = "cancelled", _("申诉核减")

    class CallbackResult(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")
        UNREACHABLE = "unreachable", _("无法联系")

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.VERIFYING
    )
    created_at = models.DateTimeField(_("生成时间"), db_index=True)
    verify_due_at = models.DateTimeField(_("核实期限"), null=True, blank=True, db_index=True)
    reply_due_at = models.DateTimeField(_("答复期限"), null=True, blank=True, db_index=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verify_note = models.TextField(_("核实情况"), blank=True)
    verified_on_time = models.BooleanField(null=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    outcome = models.CharField(_("处理方式"), max_length=16, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("整改答复"), blank=True)
    replied_on_time = models.BooleanField(null=True)
    callback_required = models.BooleanField(_("须回访"), default=False)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("回访人"),
    )
    callback_result = models.CharField(
        _("回访结果"), max_length=12, choices=CallbackResult.choices, blank=True
    )
    callback_note = models.TextField(_("回访记录"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    review_note = models.TextField(_("复核意见"), blank=True)
    ledger_ref = models.CharField(_("台账问题编号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        indexes = [models.Index(fields=["unit", "status"], name="rectify_unit_status")]

    def __str__(self) -> str:
        return f"{_('差评整改')} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.VERIFYING, self.Status.RECTIFYING, self.Status.REVIEWING)


class Appeal(models.Model):
    """申诉复核: a unit asks to exclude a malicious or mistaken rating; a supervisor decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        UPHELD = "upheld", _("申诉成立")
        REJECTED = "rejected", _("申诉不成立")

    class Kind(models.TextChoices):
        MALICIOUS = "malicious", _("恶意差评")
        MISTAKEN = "mistaken", _("误评")

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="appeals")
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("申诉单位")
    )
    kind = models.CharField(_("申诉类型"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("申诉理由"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("申诉时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("差评申诉")
        verbose_name_plural = _("差评申诉")
        constraints = [
            models.UniqueConstraint(
                fields=["rating"], condition=Q(status="pending"), name="appeal_one_pending"
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="appeal_queue")]

    def __str__(self) -> str:
        return f"{_('差评申诉')} #{self.pk}"


class LedgerIntent(models.Model):
    """A "fixed by plan" outcome to be put on the supervision ledger (问题台账). Written in the
    reply's transaction; pushed at once when the supervision app offers
    `problem_create_from_source`, otherwise kept pending and replayed by a periodic task, so
    no 差评 falls between the two modules."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待转台账")
        DONE = "done", _("已转台账")

    rectification = models.OneToOneField(
        Rectification, on_delete=models.PROTECT, related_name="ledger_intent"
    )
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="ledger_intent_pending")]

    def __str__(self) -> str:
        return f"{self.rectification_id} → {self.get_status_display()}"
