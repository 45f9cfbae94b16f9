"""What every ledger service shares: the lock-and-ask step, deadline clocks, dates, categories
and the message to the people concerned."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import InvalidInput, PermissionDeniedError
from yingshang.notify import services as notify
from yingshang.notify.models import Message
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of
from yingshang.supervision import scopes
from yingshang.supervision.models import Category, Problem
from yingshang.workcal import calendar, clocks
from yingshang.workcal.models import Clock

DEADLINE = "supervision.deadline"
MILESTONE = "supervision.milestone"
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
UNIT_STAFF = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def require_may_create(actor) -> None:
    workflow.require_actor(actor)
    if workflow.is_system(actor):
        return
    allowed = scopes.may_create(scope.grants(actor))
    if not allowed:
        raise PermissionDeniedError(allowed.code, allowed.message)


def check_date(day, label) -> None:
    if not isinstance(day, dt.date) or not EARLIEST <= day <= LATEST:
        raise InvalidInput(
            "DATE_OUT_OF_RANGE", _("%(label)s超出可用范围（2000—2099年）") % {"label": label}
        )


# --- deadline clocks ----------------------------------------------------------------------------
def clock_plan(
    at: dt.datetime, due_date: dt.date | None, days: int | None
) -> tuple[dt.datetime, int]:
    """(start, working days) of a deadline given as a number of working days or as a date."""
    if days:
        return at, int(days)
    n = calendar.working_days_between(calendar.local_date(at), due_date)
    if n >= 1:
        return at, n
    # a deadline already today or in the past (imported ledgers): one working day ending on it
    return calendar.end_of_day(calendar.add_working_days(due_date, -1)), 1


def start_clock(
    owner,
    purpose: str,
    *,
    at: dt.datetime,
    due_date: dt.date | None = None,
    days: int | None = None,
) -> Clock:
    start, amount = clock_plan(at, due_date, days)
    return clocks.clock_start(
        owner=owner, purpose=purpose, amount=amount, unit="working_days", started_at=start
    )


def stop_clocks(problem: Problem, at) -> None:
    """The deadline clock and the clocks of the milestones not done."""
    clocks.clock_stop_open(problem, DEADLINE, at=at)
    for ms in problem.milestones.filter(done_at__isnull=True):
        clocks.clock_stop_open(ms, MILESTONE, at=at)


# --- categories -----------------------------------------------------------------------------------
CATEGORIES = [
    ("buchengxin", "不诚信"),
    ("buguifan", "不规范"),
    ("budandang", "不担当"),
    ("zhonggengzu", "中梗阻"),
    ("chinakayao", "吃拿卡要"),
    ("other", "其他"),
]


def ensure_categories() -> None:
    """The default category list (seeded by the migration; put back after a test flush)."""
    if not Category.objects.exists():
        for order, (code, name) in enumerate(CATEGORIES):
            Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def default_category(name_or_code) -> Category | None:
    if not name_or_code:
        return None
    if isinstance(name_or_code, Category):
        return name_or_code
    ensure_categories()
    return (
        Category.objects.filter(code=name_or_code).first()
        or Category.objects.filter(name=name_or_code).first()
    )


# --- messages -------------------------------------------------------------------------------------
def unit_staff(unit, roles=UNIT_STAFF) -> list:
    return list(staff_of(unit, roles))


def supervisors() -> list:
    return list(staff_of(None, (Role.SUPERVISOR,)))


def tell(users, *, subject: str, body: str, problem: Problem, sms: bool = False) -> None:
    """An in-app message with a link to the problem to each of `users` (once each) and, for
    what cannot wait (overdue, reminders), a text message to those with a mobile number."""
    users = list(users)
    link = reverse("supervision:detail", args=[problem.pk])
    notify.send_to(users, subject=subject, body=body, link=link, related=problem)
    if sms:
        notify.send_to(
            [u for u in users if u.mobile], channel=Message.Channel.SMS, body=body, related=problem
        )
