"""Keep the per-process role cache (org.scope) honest: any saved RoleAssignment — granted,
revoked, or written by a data load — bumps its user's `roles_version`; a renamed unit empties
this process's cache (other processes' entries expire within ROLE_CACHE_SECONDS)."""

from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver

from yingshang.org.models import RoleAssignment, Unit, User


@receiver(post_save, sender=RoleAssignment)
def _roles_changed(sender, instance, **kwargs):
    User.objects.filter(pk=instance.user_id).update(roles_version=F("roles_version") + 1)


@receiver(post_save, sender=Unit)
def _unit_changed(sender, instance, **kwargs):
    from yingshang import processcache
    from yingshang.org import scope

    scope.forget_roles()
    processcache.clear_all()  # unit names, the service centre
