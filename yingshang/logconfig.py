"""Pieces of the logging set-up in settings.LOGGING that need code: a quiet default log says what
happened, not that nothing did."""

import logging
from numbers import Number


class MinLevel(logging.Filter):
    """Drop records below `level`, whatever level the library sets on its own logger (jieba sets
    DEBUG on import, after Django configured logging, and also prints through its own handler:
    every line came out twice)."""

    def __init__(self, level: str = "WARNING"):
        super().__init__()
        self.level = logging.getLevelName(level)

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


def did_something(value) -> bool:
    """A task's return value says whether it changed anything: a count, a dict of counts, a list
    of what it handled, a status string."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, dict):
        return any(did_something(v) for v in value.values())
    if isinstance(value, (list, tuple, set)):
        return any(did_something(v) for v in value)
    if isinstance(value, Number):
        return value != 0
    return bool(str(value))


_log = logging.getLogger("yingshang.tasks")


def _started(sender, task_result, **kwargs) -> None:
    _log.debug("Task id=%s path=%s state=RUNNING", task_result.id, task_result.task.module_path)


def _finished(sender, task_result, **kwargs) -> None:
    state = getattr(task_result.status, "value", task_result.status)
    path = task_result.task.module_path
    if state == "FAILED":
        # as django_tasks did: the traceback, at ERROR
        _log.error("Task id=%s path=%s state=%s", task_result.id, path, state, exc_info=True)
        return
    try:
        value = task_result.return_value
    except ValueError:  # not finished successfully: nothing to show
        value = None
    level = logging.INFO if did_something(value) else logging.DEBUG
    _log.log(level, "Task id=%s path=%s state=%s result=%r", task_result.id, path, state, value)


def quiet_task_logs() -> None:
    """Periodic jobs run every minute: log their start at DEBUG and their end at INFO only when
    they did something (replaces django_tasks' INFO lines for every start and finish)."""
    from django_tasks import signals

    signals.task_started.disconnect(signals.log_task_started)
    signals.task_finished.disconnect(signals.log_task_finished)
    signals.task_started.connect(_started, dispatch_uid="yingshang_task_started_log")
    signals.task_finished.connect(_finished, dispatch_uid="yingshang_task_finished_log")
