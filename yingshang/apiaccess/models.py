"""Credentials for systems (personal access tokens, integration API keys) and the record of
idempotent requests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer credential. Only a SHA-256 digest of the secret is stored (the secret is 256
    random bits, so a slow hash adds nothing); the first characters are kept to tell keys apart.

    Personal tokens act as their user. An integration key acts as a dedicated system account
    holding a role in one unit, so the usual scope rules apply to it."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("个人访问令牌")
        INTEGRATION = "integration", _("系统集成密钥")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("限定单位"),
    )
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=200, blank=True)
    # integration keys: the API areas the key may call (apiaccess.keys.AREAS: "open311" or an
    # /api/v1/ router prefix such as "hotline"); empty for personal tokens (they act as a person)
    areas = models.JSONField(_("可调用接口"), default=list, blank=True)
    role = models.CharField(_("角色"), max_length=20, blank=True)
    rotated_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rotated_to",
        verbose_name=_("轮换自"),
    )

    class Meta:
        verbose_name = _("接口凭证")
        verbose_name_plural = _("接口凭证")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyRecord(models.Model):
    """The first response to a create call made with an Idempotency-Key; a retry with the same
    key (same caller, same endpoint) gets this response again instead of a duplicate."""

    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=100)
    endpoint = models.CharField(max_length=120)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["principal", "endpoint", "key"], name="idempotency_unique"
            )
        ]


class RateCount(models.Model):
    """A request counter of the abuse limits (`apiaccess.ratelimit`): one row per key and
    bucket (a twelfth of the window), counted by one upsert. Ephemeral: purged after two days."""

    key = models.CharField(max_length=200, primary_key=True)  # "<name>:<bucket start>"
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(db_index=True)
