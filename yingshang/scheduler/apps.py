from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulerConfig(AppConfig):
    name = "yingshang.scheduler"
    label = "scheduler"
    verbose_name = _("定时任务")

    def ready(self) -> None:
        from django_tasks.signals import task_started

        # background jobs write messages (SMS, notices) in the default language, whatever a
        # previous job or request on this thread activated
        task_started.connect(_default_language, dispatch_uid="default_language_task")
        from yingshang.logconfig import quiet_task_logs

        quiet_task_logs()


def _default_language(**_kwargs) -> None:
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
