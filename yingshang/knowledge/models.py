"""Knowledge base (知识库): policy answers, FAQ and guides the hotline answers from directly,
and the trained smart-dispatch model (smart_dispatch.py in the hotline app stores it here so
every process loads the latest one).

Articles are never deleted: they are drafted, published, revised (the version number goes up
and the audit log keeps the before/after of every revision) and withdrawn with a reason."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class KnowledgeArticle(models.Model):
    class Kind(models.TextChoices):
        POLICY_ANSWER = "policy_answer", _("政策解答")
        FAQ = "faq", _("常见问题")
        GUIDE = "guide", _("办事指引")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("答复口径"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.FAQ)
    units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="knowledge_articles", verbose_name=_("责任单位")
    )
    topic_code = models.CharField(_("诉求分类代码"), max_length=40, blank=True, db_index=True)
    keywords = models.CharField(
        _("关键词"), max_length=200, blank=True, help_text=_("以逗号或空格分隔，检索时权重较高")
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)
    # Search index kept by the services: " tok tok … " (spaces around every token, so a DB
    # `contains " tok "` is an exact token match) and per-field term counts for ranking.
    tokens = models.TextField(default="", editable=False)
    token_stats = models.JSONField(default=dict, editable=False)

    class Meta:
        verbose_name = _("知识条目")
        verbose_name_plural = _("知识条目")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["status", "valid_from", "valid_until"], name="knowledge_valid_idx")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def citation(self) -> str:
        """How a direct answer cites the article: 《标题》（知识库第12号，第2版）."""
        return f"《{self.title}》（知识库第{self.pk}号，第{self.version}版）"

    def is_valid_on(self, day) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or self.valid_until >= day)
        )


class DispatchModel(models.Model):
    """One trained smart-dispatch model (multinomial naive Bayes over jieba tokens). The newest
    row is the one in use; older rows stay as the history of accuracy."""

    created_at = models.DateTimeField(_("训练时间"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trained_on = models.PositiveIntegerField(_("训练工单数"), default=0)
    evaluated_on = models.PositiveIntegerField(_("留出评估工单数"), default=0)
    top1_accuracy = models.FloatField(_("首选准确率"), null=True, blank=True)
    top3_accuracy = models.FloatField(_("前三准确率"), null=True, blank=True)
    topic_top1_accuracy = models.FloatField(_("分类首选准确率"), null=True, blank=True)
    holdout = models.FloatField(_("留出比例"), default=0.2)
    seconds = models.FloatField(_("训练耗时（秒）"), default=0)
    params = models.JSONField(_("模型参数"), default=dict)

    class Meta:
        verbose_name = _("智能派单模型")
        verbose_name_plural = _("智能派单模型")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"DispatchModel #{self.pk} ({self.trained_on})"
