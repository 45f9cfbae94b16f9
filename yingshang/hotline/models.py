"""12345 hotline work orders (DESIGN.md §6). Workflow lives in services.py; nothing here is
ever deleted (duplicates are merged and closed, wrong entries re-classified)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang.inputs import TolerantDecimalField


class Topic(models.Model):
    """The classification tree (分类). `extra_fields` is a list of Open311-style attribute
    definitions: [{"code", "datatype", "description", "required", "values": [{"key", "name"}]}]."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级分类"),
    )
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    default_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("默认承办单位"),
    )
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    extra_fields = models.JSONField(_("附加字段"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id and self.parent else self.name


class WorkOrder(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone", _("电话")
        WEB = "web", _("网站")
        APP_API = "app_api", _("移动端/接口")
        OPEN311 = "open311", _("Open311")
        CITY = "city", _("市12345平台")
        WINDOW = "window", _("窗口")
        LETTER = "letter", _("来信")

    class Category(models.TextChoices):
        CONSULT = "consult", _("咨询")
        HELP = "help", _("求助")
        COMPLAINT = "complaint", _("投诉")
        REPORT = "report", _("举报")
        SUGGESTION = "suggestion", _("建议")
        PRAISE = "praise", _("表扬")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("普通")
        URGENT = "urgent", _("紧急")
        CRITICAL = "critical", _("特急")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已登记")
        AWAITING_SIGN = "awaiting_sign", _("待签收")
        IN_PROGRESS = "in_progress", _("办理中")
        AWAITING_REVIEW = "awaiting_review", _("待审核")
        AWAITING_CALLBACK = "awaiting_callback", _("待回访")
        CLOSED = "closed", _("已办结")

    class CloseKind(models.TextChoices):
        DIRECT = "direct", _("直接答复")
        HANDLED = "handled", _("承办办结")
        MERGED = "merged", _("重复合并")

    number = models.CharField(_("工单编号"), max_length=24, unique=True)
    external_number = models.CharField(_("外部编号"), max_length=64, blank=True, default="")
    source_system = models.CharField(
        _("来源系统"),
        max_length=32,
        blank=True,
        default="",
        help_text=_("如 city12345，市平台下派工单的来源"),
    )
    channel = models.CharField(
        _("来源渠道"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    caller_name = models.CharField(_("来电人"), max_length=40, blank=True)
    # no own index: hl_order_phone (caller_phone, registered_at) serves the caller history
    caller_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    confidential = models.BooleanField(
        _("保密"), default=False, help_text=_("来电人身份对承办单位保密")
    )
    firm = models.ForeignKey(
        "enterprises.Firm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("涉及企业"),
    )
    category = models.CharField(
        _("诉求类别"), max_length=12, choices=Category.choices, default=Category.CONSULT
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("分类"),
    )
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    title = models.CharField(_("标题"), max_length=120, blank=True)
    content = models.TextField(_("诉求内容"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # tolerant: a coordinate stored before the edge checked it reads as empty, not as a 500
    lat = TolerantDecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = TolerantDecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    attributes = models.JSONField(_("附加信息"), default=dict, blank=True)

    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    main_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_orders",
        verbose_name=_("主办单位"),
        db_index=False,  # hl_order_unit_period leads with it (every index is paid on each insert)
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
        help_text=_("承办单位中签收或最后答复工单的人：工单的评价计入其名下"),
        db_index=False,  # nothing lists work orders by handler; ratings keep their own staff_id
    )
    co_units = models.ManyToManyField(
        "org.Unit",
        through="CoUnit",
        related_name="hotline_co_orders",
        blank=True,
        verbose_name=_("协办单位"),
    )
    due_at = models.DateTimeField(_("当前时限"), null=True, blank=True)
    sign_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("办理时限"), null=True, blank=True)

    registered_at = models.DateTimeField(_("登记时间"))
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    first_dispatched_at = models.DateTimeField(_("首次派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_kind = models.CharField(
        _("办结方式"), max_length=10, choices=CloseKind.choices, blank=True
    )

    reply = models.TextField(_("答复内容"), blank=True)
    knowledge_article = models.ForeignKey(
        "knowledge.KnowledgeArticle",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_answers",
        verbose_name=_("引用知识"),
    )
    resolved = models.BooleanField(_("是否解决"), null=True, blank=True)
    satisfied = models.BooleanField(_("是否满意"), null=True, blank=True)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_note = models.CharField(_("回访备注"), max_length=300, blank=True)
    portal_rating = models.BooleanField(_("网上评价满意"), null=True, blank=True)
    portal_rated_at = models.DateTimeField(_("网上评价时间"), null=True, blank=True)

    # counters used by KPIs (kept on the row so a month's figures are one grouped query)
    redo_count = models.PositiveIntegerField(_("重办次数"), default=0)
    return_count = models.PositiveIntegerField(_("退单次数"), default=0)
    extension_count = models.PositiveIntegerField(_("延期次数"), default=0)
    signed_on_time = models.BooleanField(_("按时签收"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("按时答复"), null=True, blank=True)
    overdue_urged_at = models.DateTimeField(_("超期催办时间"), null=True, blank=True)

    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        verbose_name=_("合并至"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        indexes = [
            models.Index(fields=["status", "main_unit", "due_at"], name="hl_order_queue"),
            models.Index(fields=["main_unit", "registered_at"], name="hl_order_unit_period"),
            models.Index(fields=["registered_at"], name="hl_order_registered"),
            models.Index(fields=["dispatched_at", "main_unit"], name="hl_order_dispatched"),
            # one county's KPIs (its units' orders dispatched in the period) over a city-year of
            # 10M orders: 0.42 s, against 0.98 s for the join it replaced (bench/bench_city.py)
            models.Index(fields=["main_unit", "dispatched_at"], name="hl_order_unit_dispatched"),
            models.Index(fields=["caller_phone", "registered_at"], name="hl_order_phone"),
            # the firm page's latest work orders about the firm (one firm, thousands of orders)
            models.Index(fields=["firm", "-registered_at", "-id"], name="hl_order_firm_latest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_number"],
                condition=~Q(external_number=""),
                name="hl_order_external_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class CoUnit(models.Model):
    """A co-handling unit (协办单位) of an order and its opinion (协办意见) for the current
    round: one opinion per unit, editable while the main unit is handling the order (see
    services.co_opinion_submit); a return (退单) clears it for the next dispatch."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="co_unit_links")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    opinion = models.TextField(_("协办意见"), blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("意见提交人"),
    )
    opinion_at = models.DateTimeField(_("意见提交时间"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "unit"], name="hl_counit_unique")]
        verbose_name = _("协办单位")
        verbose_name_plural = _("协办单位")


class WorkOrderAttachment(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="hotline/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    media_url = models.URLField(_("外部链接"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工单附件")
        verbose_name_plural = _("工单附件")


class LimitRule(models.Model):
    """Time limits per category × urgency (blank category/urgency = any). The most specific
    active rule wins; `purpose` is the workcal clock purpose (sign / handle / callback)."""

    class Purpose(models.TextChoices):
        SIGN = "sign", _("签收")
        HANDLE = "handle", _("办理")
        CALLBACK = "callback", _("回访")

    purpose = models.CharField(_("时限类型"), max_length=10, choices=Purpose.choices)
    category = models.CharField(
        _("诉求类别"), max_length=12, choices=WorkOrder.Category.choices, blank=True
    )
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=WorkOrder.Urgency.choices, blank=True
    )
    amount = models.DecimalField(_("时限"), max_digits=6, decimal_places=2)
    unit = models.CharField(
        _("单位"),
        max_length=16,
        choices=[
            ("working_days", _("工作日")),
            ("working_hours", _("工作小时")),
            ("natural_days", _("自然日")),
            ("natural_hours", _("小时")),
        ],
    )
    same_day = models.BooleanField(_("当日办结"), default=False, help_text=_("时限为当日工作结束"))
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.category or '*'}×{self.urgency or '*'}: {self.amount} {self.unit}"


class Extension(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        DENIED = "denied", _("未批准")

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="extensions")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    days = models.PositiveIntegerField(_("延期工作日"))
    reason = models.TextField(_("延期理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")


class ReturnRequest(models.Model):
    """A unit's 退单 (return) and the centre's ruling on it."""

    class Ruling(models.TextChoices):
        PENDING = "pending", _("待认定")
        JUSTIFIED = "justified", _("退单合理")
        UNJUSTIFIED = "unjustified", _("退单不合理")

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="returns")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("退单理由"))
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField()
    ruling = models.CharField(
        _("认定"), max_length=12, choices=Ruling.choices, default=Ruling.PENDING
    )
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ruled_at = models.DateTimeField(null=True, blank=True)
    ruling_note = models.CharField(_("认定意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-returned_at"]
        indexes = [models.Index(fields=["unit", "returned_at"])]
        verbose_name = _("退单")
        verbose_name_plural = _("退单")


class Redo(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="redos")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("重办原因"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("重办")
        verbose_name_plural = _("重办")


class Reclassification(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="reclassifications")
    old_category = models.CharField(max_length=12)
    new_category = models.CharField(max_length=12)
    old_topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]


class Supervision(models.Model):
    """督办 (formal supervision) or 催办 (chasing) attached to an open order."""

    class Kind(models.TextChoices):
        SUPERVISE = "supervise", _("督办")
        URGE = "urge", _("催办")
        OVERDUE = "overdue", _("超期催办通知")

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="supervisions")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("内容"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    # dedup key for system notices (e.g. "overdue:<due_at iso>") so the sweep fires once
    dedup_key = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "dedup_key"],
                condition=~Q(dedup_key=""),
                name="hl_supervision_once",
            ),
        ]
        verbose_name = _("督办/催办")
        verbose_name_plural = _("督办/催办")


Urge = Supervision  # 催办 records are Supervision rows with kind="urge"/"overdue"


class KpiConfig(models.Model):
    """Weights of the unit score and the minimum sample (singleton, pk=1)."""

    weight_response = models.DecimalField(
        _("响应率权重"), max_digits=5, decimal_places=2, default=30
    )
    weight_resolution = models.DecimalField(
        _("解决率权重"), max_digits=5, decimal_places=2, default=35
    )
    weight_satisfaction = models.DecimalField(
        _("满意率权重"), max_digits=5, decimal_places=2, default=35
    )
    min_sample = models.PositiveIntegerField(_("最小样本量"), default=10)

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")

    @classmethod
    def get(cls) -> "KpiConfig":
        obj = cls.objects.filter(pk=1).first()
        return obj or cls(pk=1)


class CityReport(models.Model):
    """Outbox of reports to the city 12345 platform (status changes, replies) with retries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待上报")
        SENT = "sent", _("已上报")
        FAILED = "failed", _("上报失败")

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="city_reports")
    event = models.CharField(max_length=30)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class CityFigure(models.Model):
    """The county's figures as the city platform computes them, per period (e.g. 2026-10)."""

    period = models.CharField(_("周期"), max_length=10)
    metric = models.CharField(_("指标"), max_length=40)
    value = models.DecimalField(_("数值"), max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "metric"], name="hl_cityfigure_unique")
        ]
        ordering = ["-period", "metric"]
