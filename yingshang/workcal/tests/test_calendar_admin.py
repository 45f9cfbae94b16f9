import datetime as dt

import pytest
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError
from yingshang.workcal import calendar, services
from yingshang.workcal.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

GOOD_2027 = """
# 2027 年节假日安排（示例）
2027-01-01 休 元旦
2027-02-06 休 春节
2027-02-07 休 春节
2027-02-20 班 春节调休
"""


def test_import_a_year(personas):
    row = services.calendar_enter_year(
        actor=personas.admin, year=2027, text=GOOD_2027, source="国务院办公厅通知"
    )
    assert row.year == 2027
    assert CalendarDay.objects.filter(date__year=2027).count() == 4
    assert not calendar.is_workday(dt.date(2027, 1, 1))
    assert calendar.is_workday(dt.date(2027, 2, 20))  # a Saturday worked
    assert AuditEvent.objects.filter(action="calendar.enter_year").count() == 1


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("2027-01-01 休 元旦\n2027-01-01 休 元旦", "重复"),
        ("2027-01-04 班 调休", "不能设为调休上班"),  # a Monday
        ("2027-13-01 休 x", "不存在"),
        ("2028-01-01 休 元旦", "不属于"),
        ("元旦 2027-01-01", "格式"),
        ("2027-01-01 放风筝 x", "类型"),
    ],
)
def test_bad_lines_are_reported_and_nothing_is_saved(personas, text, fragment):
    with pytest.raises(DomainError) as err:
        services.calendar_enter_year(
            actor=personas.admin, year=2027, text="2027-02-06 休 春节\n" + text
        )
    assert err.value.code == "CALENDAR_IMPORT_INVALID"
    assert any(fragment in e["message"] for e in err.value.details["errors"])
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_year_already_entered_is_refused(personas):
    with pytest.raises(DomainError) as err:
        services.calendar_enter_year(actor=personas.admin, year=2026, text="2026-01-01 休 元旦")
    assert err.value.code == "CALENDAR_YEAR_EXISTS"


def test_only_admins_edit_the_calendar(personas):
    with pytest.raises(DomainError):
        services.calendar_enter_year(actor=personas.supervisor, year=2027, text=GOOD_2027)


def test_editing_a_day_needs_a_reason_is_audited_and_never_deletes(personas):
    day = dt.date(2026, 11, 27)  # a Friday
    services.calendar_set_day(
        actor=personas.admin, day=day, kind="holiday", name="临时调整", reason="县政府通知"
    )
    assert not calendar.is_workday(day)
    services.calendar_set_day(actor=personas.admin, day=day, kind=None, reason="通知撤回")
    assert calendar.is_workday(day)
    assert CalendarDay.objects.get(date=day).kind == "normal"
    assert AuditEvent.objects.filter(action="calendar.set_day").count() == 2
    with pytest.raises(DomainError):
        services.calendar_set_day(actor=personas.admin, day=day, kind="holiday", reason=" ")


def test_calendar_page_import_shows_line_errors_and_keeps_text(login, personas):
    client = login(personas.admin)
    response = client.post(
        reverse("workbench:calendar"),
        {
            "imp-year": 2027,
            "imp-source": "",
            "imp-text": "2027-01-01 休 元旦\n2027-01-04 班 错误",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "第 2 行" in text and "2027-01-04 班 错误" in text
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_admins_see_the_missing_year_banner(login, personas, settings):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 22, 10, tzinfo=calendar.TZ)):
        text = login(personas.admin).get(reverse("workbench:home")).content.decode()
    assert "2027 年的节假日安排尚未录入" in text
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, tzinfo=calendar.TZ)):
        assert (
            "尚未录入"
            not in login(personas.handler_a).get(reverse("workbench:home")).content.decode()
        )


def test_another_processs_change_is_picked_up_at_the_next_request(client, monkeypatch):
    from django.db.models import F

    from yingshang.workcal.models import WorkSchedule

    day = dt.date(2026, 12, 4)  # a Friday
    assert calendar.is_workday(day)
    # another process edits the calendar: rows and version change, this process is not told
    CalendarDay.objects.create(date=day, kind="holiday", name="外部修改")
    WorkSchedule.objects.filter(pk=1).update(version=F("version") + 1)
    assert calendar.is_workday(day)  # the arithmetic itself never queries
    monkeypatch.setattr(calendar, "RECHECK_SECONDS", 0)
    client.get("/")  # request_started → refresh_if_stale
    assert not calendar.is_workday(day)
