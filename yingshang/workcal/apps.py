from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalConfig(AppConfig):
    name = "yingshang.workcal"
    label = "workcal"
    verbose_name = _("工作日历与时限")

    def ready(self) -> None:
        from django.core.signals import request_started
        from django_tasks.signals import task_started

        from yingshang.workcal import calendar, scopes  # noqa: F401

        # pick up calendar changes made by other processes (cheap: at most one query per 5 s)
        request_started.connect(calendar.refresh_if_stale, dispatch_uid="workcal_refresh_request")
        task_started.connect(calendar.refresh_if_stale, dispatch_uid="workcal_refresh_task")
