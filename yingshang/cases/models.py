"""Cases (办件) from intake to hand-over (DESIGN.md §5). Writes go through services/, moves are
checked against transitions.py, reads start from scope.visible_to (scopes.py). Nothing here is
ever deleted: withdrawn, terminated or revoked cases stay with their history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingshang.workcal.models import ClockMirror, ClockState  # noqa: F401 (re-exported: cases.models.ClockState)


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口")
    ONLINE = "online", _("网上办理")
    MOBILE_API = "mobile_api", _("移动端/接口")
    TERMINAL = "terminal", _("自助终端")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待受理")
    AWAITING_CORRECTION = "awaiting_correction", _("待补正")
    ACCEPTED = "accepted", _("已受理")
    IN_REVIEW = "in_review", _("审查中")
    DECIDED = "decided", _("已决定")
    DELIVERED = "delivered", _("已送达")
    CLOSED = "closed", _("已办结/已关闭")


OPEN_STATES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.AWAITING_CORRECTION,
    Status.ACCEPTED,
    Status.IN_REVIEW,
)
# received and not yet decided: what the staff queues list (partial indexes below)
QUEUE_STATES = (
    Status.SUBMITTED,
    Status.AWAITING_CORRECTION,
    Status.ACCEPTED,
    Status.IN_REVIEW,
)


class Decision(models.TextChoices):
    APPROVED = "approved", _("准予许可/办理")
    NOT_APPROVED = "not_approved", _("不予许可/办理")
    REVOKED = "revoked", _("已撤销")


class ClosureKind(models.TextChoices):
    COMPLETED = "completed", _("办结")
    WITHDRAWN = "withdrawn", _("申请人撤回")
    TERMINATED = "terminated", _("终止办理")
    REJECTED_INTAKE = "rejected_intake", _("不予受理")
    REVOKED = "revoked", _("撤销决定")


# what a closed case is called where people read it: a withdrawn case is not 已办结
CLOSED_LABELS = {
    ClosureKind.COMPLETED: _("已办结"),
    ClosureKind.WITHDRAWN: _("已撤回"),
    ClosureKind.TERMINATED: _("已终止办理"),
    ClosureKind.REJECTED_INTAKE: _("不予受理"),
    ClosureKind.REVOKED: _("已撤销"),
}


class Case(ClockMirror):
    number = models.CharField(_("办件编号"), max_length=24, unique=True)
    title = models.CharField(_("事项/一件事名称"), max_length=200)
    matter = models.ForeignKey(
        "catalog.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # case_matter_period leads with it (every index is paid on each insert)
    )
    matter_version = models.ForeignKey(
        "catalog.MatterVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("事项版本"),
        db_index=False,  # never filtered (every index is paid on each insert)
    )
    package = models.ForeignKey(
        "catalog.Package",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("一件事"),
        db_index=False,  # case_package_period leads with it (every index is paid on each insert)
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("申请人"),
        db_index=False,  # case_applicant leads with it (every index is paid on each insert)
    )
    firm = models.ForeignKey(
        "enterprises.Firm", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    applicant_name = models.CharField(_("申请人名称"), max_length=120)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    form_data = models.JSONField(_("申请表"), default=dict, blank=True)
    # the materials list the case was submitted under: [{key, name, required, deficit_allowed, commitment_replaces}]
    materials = models.JSONField(_("材料清单"), default=list, blank=True)
    # package cases: {matter_id: version_id} of the member matters at submission
    member_versions = models.JSONField(default=dict, blank=True)
    channel = models.CharField(_("申请渠道"), max_length=12, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    decision = models.CharField(_("决定"), max_length=14, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    closure_kind = models.CharField(
        _("关闭方式"), max_length=16, choices=ClosureKind.choices, blank=True
    )
    closure_reason = models.TextField(_("关闭原因"), blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("承办单位"),
        db_index=False,  # case_unit_period leads with it (every index is paid on each insert)
    )
    centre = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("受理大厅"),
    )
    window = models.ForeignKey(
        "org.Window", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("收件人"),
    )
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("首问负责人"),
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("帮办代办员"),
    )
    # snapshot of the accepted version's limits (statistics read these, never the catalogue)
    handling_kind = models.CharField(_("办件类型"), max_length=10, blank=True)
    legal_limit_days = models.PositiveIntegerField(_("法定时限"), default=0)
    promised_limit_days = models.PositiveIntegerField(_("承诺时限"), default=0)
    max_visits = models.PositiveSmallIntegerField(_("到现场次数"), default=1)
    received_at = models.DateTimeField(_("收件时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("视为受理"), default=False)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    late = models.BooleanField(_("超期"), default=False)
    working_days_used = models.IntegerField(_("实际用时（工作日）"), null=True, blank=True)
    correction_count = models.PositiveSmallIntegerField(_("补正次数"), default=0)
    has_deficit = models.BooleanField(_("容缺"), default=False)
    deficit_open = models.BooleanField(_("容缺待补"), default=False)
    deficit_items = models.JSONField(_("容缺材料"), default=list, blank=True)
    deficit_due_at = models.DateTimeField(_("容缺补齐期限"), null=True, blank=True)
    # what the applicant signed when applying (容缺受理承诺书 / 告知承诺书), kept for acceptance
    deficit_signed_text = models.ForeignKey(
        "credit.CommitmentText",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never filtered (every index is paid on each insert)
    )
    deficit_signed_at = models.DateTimeField(null=True, blank=True)
    certificate_keys = models.JSONField(_("以承诺替代的证明"), default=list, blank=True)
    certificate_signed_text = models.ForeignKey(
        "credit.CommitmentText",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never filtered (every index is paid on each insert)
    )
    visits = models.PositiveSmallIntegerField(_("实际到现场次数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        indexes = [
            models.Index(fields=["status", "unit", "due_at"], name="case_queue_unit"),
            models.Index(fields=["status", "centre", "due_at"], name="case_queue_centre"),
            models.Index(fields=["applicant", "created_at"], name="case_applicant"),
            # the firm page's latest cases (bench_firms: 3.9 → 0.08 ms for a firm with 5,000)
            models.Index(fields=["firm", "-created_at", "-id"], name="case_firm_latest"),
            models.Index(fields=["unit", "received_at"], name="case_unit_period"),
            models.Index(fields=["matter", "received_at"], name="case_matter_period"),
            models.Index(fields=["package", "received_at"], name="case_package_period"),
            models.Index(fields=["received_at"], name="case_period"),
            models.Index(fields=["deficit_open", "deficit_due_at"], name="case_deficit_due"),
            # county-wide queues (overdue, due soon) and the deemed-acceptance sweep
            models.Index(fields=["status", "due_at"], name="case_status_due"),
            models.Index(fields=["clock_state", "due_at"], name="case_clock_due"),
            # the staff queues: open cases in deadline order, read in index order up to a page;
            # the included columns let PostgreSQL count a queue from the index alone
            models.Index(
                fields=["due_at", "id"],
                include=[
                    "status",
                    "unit",
                    "centre",
                    "matter",
                    "package",
                    "applicant",
                    "assistant",
                    "clock_state",
                    "received_at",
                ],
                condition=models.Q(status__in=QUEUE_STATES),
                name="case_open_due",
            ),
            models.Index(
                fields=["unit", "due_at", "id"],
                include=[
                    "status",
                    "centre",
                    "applicant",
                    "assistant",
                    "clock_state",
                    "received_at",
                ],
                condition=models.Q(status__in=QUEUE_STATES),
                name="case_open_unit_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def status_label(self) -> str:
        """The status as the applicant and staff read it (已撤回, 不予受理… for closed cases)."""
        if self.status == Status.CLOSED and self.closure_kind in CLOSED_LABELS:
            return str(CLOSED_LABELS[self.closure_kind])
        return self.get_status_display()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def is_package(self) -> bool:
        return self.package_id is not None


class ApprovalTask(ClockMirror):
    """并联审批: one task per unit (per member matter of a package; or an opinion asked of another unit)."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("审批")
        OPINION = "opinion", _("征求意见")

    class Status(models.TextChoices):
        PENDING = "pending", _("待办理")
        DONE = "done", _("已办结")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="approval_tasks")
    matter = models.ForeignKey(
        "catalog.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matter_version = models.ForeignKey(
        "catalog.MatterVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("任务名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.APPROVAL)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    limit_days = models.PositiveIntegerField(_("时限（工作日）"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    opinion = models.TextField(_("意见"), blank=True)
    decision = models.CharField(_("结论"), max_length=14, choices=Decision.choices, blank=True)
    late = models.BooleanField(_("超期"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("并联审批任务")
        verbose_name_plural = _("并联审批任务")
        indexes = [
            models.Index(fields=["unit", "status", "due_at"], name="task_queue"),
            # the case scope of a department (cases where it holds a task), read from the index
            models.Index(fields=["unit", "case"], name="task_unit_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.title}"


def _document_path(instance, filename: str) -> str:
    # the stored name never comes from the user (the original name is kept in a column)
    import uuid

    return f"cases/{instance.case.created_at:%Y/%m}/{instance.case.pk}/{uuid.uuid4().hex}"


class Document(models.Model):
    class Purpose(models.TextChoices):
        APPLICATION = "application", _("申请材料")
        SUPPLEMENT = "supplement", _("补充材料")
        RESULT = "result", _("办理结果")

    # no own index: document_case_key leads with it (every index is paid on each insert)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="documents", db_index=False
    )
    material_key = models.CharField(_("材料标识"), max_length=60, blank=True)
    material_name = models.CharField(_("材料名称"), max_length=200, blank=True)
    purpose = models.CharField(
        _("用途"), max_length=12, choices=Purpose.choices, default=Purpose.APPLICATION
    )
    file = models.FileField(upload_to=_document_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never filtered (every index is paid on each insert)
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never filtered by value (every index is paid on each insert)
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        indexes = [models.Index(fields=["case", "material_key"], name="document_case_key")]

    def __str__(self) -> str:
        return self.original_name


class CorrectionRequest(models.Model):
    """一次性告知: one request lists every item. A second one on the same case waits for a
    supervisor's approval and counts against the unit."""

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("待督查审批")
        OPEN = "open", _("待补正")
        ANSWERED = "answered", _("已补正")
        REFUSED = "refused", _("未获批准")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="corrections")
    sequence = models.PositiveSmallIntegerField(_("第几次"))
    items = models.JSONField(_("补正事项"), default=list)
    note = models.TextField(_("说明"), blank=True)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    counted_against_unit = models.BooleanField(_("计入单位考核"), default=False)
    status = models.CharField(_("状态"), max_length=18, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("一次性告知")
        verbose_name_plural = _("一次性告知")

    def __str__(self) -> str:
        return f"{self.case_id} #{self.sequence}"


class Verification(models.Model):
    """告知承诺 核查: a certificate replaced by a commitment is checked later."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待核查")
        PASSED = "passed", _("核查属实")
        FALSE = "false", _("承诺不实")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="verifications")
    commitment = models.ForeignKey(
        "credit.Commitment", on_delete=models.PROTECT, related_name="verifications"
    )
    material_key = models.CharField(max_length=60)
    material_name = models.CharField(max_length=200)
    method = models.CharField(_("核查方式"), max_length=100, default="部门间数据核验")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("核查期限"))
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_at"], name="verification_due")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.material_name}"


class Delivery(models.Model):
    class Method(models.TextChoices):
        WINDOW_PICKUP = "window_pickup", _("窗口领取")
        MAIL = "mail", _("邮寄送达")
        E_LICENCE = "e_licence", _("电子证照")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deliveries")
    method = models.CharField(_("送达方式"), max_length=14, choices=Method.choices)
    tracking_number = models.CharField(_("快递单号"), max_length=40, blank=True)
    address = models.CharField(_("邮寄地址"), max_length=200, blank=True)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    delivered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("送达")
        verbose_name_plural = _("送达")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_method_display()}"


class AppointmentSlot(models.Model):
    window = models.ForeignKey("org.Window", on_delete=models.PROTECT, related_name="slots")
    date = models.DateField(_("日期"))
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"), default=4)
    booked = models.PositiveSmallIntegerField(_("已预约"), default=0)
    off_hours = models.BooleanField(_("错时延时"), default=False)

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.UniqueConstraint(fields=["window", "date", "start"], name="slot_unique")
        ]
        indexes = [models.Index(fields=["date", "window"], name="slot_day")]

    def __str__(self) -> str:
        return f"{self.window_id} {self.date} {self.start:%H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")

    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="appointments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    matter = models.ForeignKey(
        "catalog.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    package = models.ForeignKey(
        "catalog.Package", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("预约号"), max_length=16, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code


class CaseStatsCounts(models.Model):
    """The counted columns of the statistics rollups (derived data, rebuilt at will):
    cases per unit × matter × package × centre × working days used. `yingshang.cases.rollup`
    keeps them current from the audit chain; the statistics page sums them instead of
    scanning the cases."""

    unit = models.ForeignKey("org.Unit", on_delete=models.DO_NOTHING, related_name="+")
    matter = models.ForeignKey(
        "catalog.Matter", null=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    package = models.ForeignKey(
        "catalog.Package", null=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    centre = models.ForeignKey("org.Unit", null=True, on_delete=models.DO_NOTHING, related_name="+")
    used = models.IntegerField(null=True)  # working days used (decided cases), else null
    cases = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    instant = models.IntegerField(default=0)
    one_visit = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    deficit = models.IntegerField(default=0)
    returns = models.IntegerField(default=0)
    legal_sum = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class CaseDayStats(CaseStatsCounts):
    """The cases received on one day."""

    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="case_stats_day")]


class CaseMonthStats(CaseStatsCounts):
    """The cases received in one month (`month` = its first day): the sum of its day rows."""

    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["month"], name="case_stats_month")]


class CaseStatsState(models.Model):
    """The audit sequence number the rollup has caught up with (one row)."""

    audit_seq = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField()
