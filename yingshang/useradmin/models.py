from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuedPassword(models.Model):
    """A password the administrator issued (a new account, a reset): its holder must replace it
    at the next login (useradmin.middleware). Kept, never deleted: the history of resets."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="issued_passwords"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("发放时间"), auto_now_add=True)
    replaced_at = models.DateTimeField(_("本人修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("一次性密码")
        verbose_name_plural = _("一次性密码")
        # the login hook asks "has this user an unreplaced one?"
        indexes = [models.Index(fields=["user", "replaced_at"], name="useradmin_pw_pending")]
