"""The ledger board shows, per state, the same problems (count, page, order) as the plain
scoped queries, for countywide and unit users, with filters and pages; the cards show what
the template used to compute (link, truncated text, unit, local deadline day)."""

import datetime as dt

import pytest
from django.template.defaultfilters import truncatechars

from yingshang.org import scope
from yingshang.supervision import selectors
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Problem

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _at(day, hour=0):
    return dt.datetime(2026, 12, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def ledger(personas, problem_factory):
    """Problems of unit_a, of unit_b, of unit_b co-owned by unit_a, in every state; deadlines
    with ties and NULLs; closed ones with and without a close time; voided ones."""
    made = []
    states = [t.ASSIGNED, t.CLAIMED, t.RECTIFYING, t.REOPENED, t.CLOSURE_REQUESTED, t.CLOSED]
    owners = [
        (personas.unit_a, []),
        (personas.unit_b, []),
        (personas.unit_b, [personas.unit_a]),
        (personas.unit_a, [personas.unit_b]),
    ]
    i = 0
    for state in [*states, t.VOIDED]:
        for owner, co in owners:
            for k in range(3):
                i += 1
                p = problem_factory(
                    unit=owner, co_units=co, description=f"问题{i:03d}：" + "材料重复提交" * 8
                )
                deadline = None if k == 2 else _at(1 + i % 4, 17)
                closed = None if (state == t.CLOSED and k == 1) else _at(2 + i % 3)
                Problem.objects.filter(pk=p.pk).update(
                    status=state,
                    deadline_at=deadline,
                    closed_at=closed if state == t.CLOSED else None,
                    overdue=bool(k == 0),
                )
                made.append(p.pk)
    return made


def _expected(user, params, size, pages):
    base = selectors.filtered(user, {**params, "status": ""})
    assert base.query.where  # the scope/void filters are there
    out = {}
    for status in selectors.BOARD_COLUMNS:
        qs = scope.visible_to(user, Problem).filter(pk__in=base.values("pk"), status=status)
        n = qs.count()
        pages_total = max(1, -(-n // size))
        page = min(max(1, pages.get(status, 1)), pages_total)
        order = ("-closed_at", "-id") if status == t.CLOSED else ("deadline_at", "id")
        numbers = list(
            qs.order_by(*order).values_list("number", flat=True)[(page - 1) * size : page * size]
        )
        out[status] = (n, page, pages_total, numbers)
    return out


@pytest.mark.parametrize("who", ["supervisor", "leader", "handler_a", "handler_b", "head_a"])
@pytest.mark.parametrize(
    "params",
    [{}, {"overdue": "1"}, {"unit": "UNIT_A"}, {"unit": "UNIT_A", "co": "1"}, {"q": "问题01"}],
)
@pytest.mark.parametrize("pages", [{}, {t.ASSIGNED: 2, t.CLOSED: 3, t.RECTIFYING: 99}])
def test_board_matches_the_scoped_queries(personas, ledger, monkeypatch, who, params, pages):
    monkeypatch.setattr(selectors, "COLUMN_SIZE", 4)
    user = getattr(personas, who)
    params = {k: (str(personas.unit_a.pk) if v == "UNIT_A" else v) for k, v in params.items()}
    columns = selectors.board(user, params, pages)
    expected = _expected(user, params, 4, pages)
    got = {
        c["status"]: (c["count"], c["page"], c["pages"], [r["number"] for r in c["rows"]])
        for c in columns
    }
    assert got == expected
    assert [c["status"] for c in columns] == selectors.BOARD_COLUMNS


def test_unit_user_counts_owned_and_co_owned_once(personas, ledger):
    counts = selectors.board_counts(
        personas.handler_a, selectors.filtered(personas.handler_a, {"status": ""})
    )
    visible = scope.visible_to(personas.handler_a, Problem)
    for status in selectors.BOARD_COLUMNS:
        # unit_a owns 6 per state, co-owns 3 more (unit_b's); the 3 it owns with unit_b as co
        # unit are counted once
        assert counts[status] == visible.filter(status=status).count() == 9


def test_outsider_sees_nothing(personas, ledger):
    counts = selectors.board_counts(
        personas.applicant, selectors.filtered(personas.applicant, {"status": ""})
    )
    assert set(counts.values()) == {0}


def test_card_shows_link_text_unit_and_local_day(personas, problem_factory, login):
    p = problem_factory(unit=personas.unit_a, description="窗口办事指南要件表述模糊，" * 5)
    # 16:30 UTC is the next day in the county (UTC+8)
    Problem.objects.filter(pk=p.pk).update(deadline_at=_at(30, 16) + dt.timedelta(minutes=30))
    body = login(personas.supervisor).get("/staff/supervision/").content.decode()
    card = (
        f'<a href="/staff/supervision/p/{p.pk}/">{p.number}</a> <div>'
        + truncatechars("窗口办事指南要件表述模糊，" * 5, 40)  # what the template wrote
        + '</div><div class="text-secondary">'
        + f"{personas.unit_a.short_name} · 2026-12-31</div>"
    )
    assert card in body, body[body.find(p.number) - 60 : body.find(p.number) + 400]


def test_python_sort_matches_postgresql_null_placement():
    """board_rows re-sorts the rows of a UNION ALL: ASC puts NULL deadlines last, DESC puts
    NULL close times first, ties by id in the same direction."""
    d1, d2 = _at(1), _at(2)
    rows = [
        # status, pk, number, overdue, description, short, name, deadline_at, closed_at
        ("assigned", 5, "", False, "", "", "", None, None),
        ("assigned", 3, "", False, "", "", "", d2, None),
        ("assigned", 4, "", False, "", "", "", d1, None),
        ("assigned", 2, "", False, "", "", "", d1, None),
        ("assigned", 1, "", False, "", "", "", None, None),
    ]
    key, reverse = selectors._sort_key(t.ASSIGNED)
    assert [r[1] for r in sorted(rows, key=key, reverse=reverse)] == [2, 4, 3, 1, 5]
    closed = [
        (t.CLOSED, pk, "", False, "", "", "", None, c)
        for pk, c in enumerate([d1, None, d2, d1, None])
    ]
    key, reverse = selectors._sort_key(t.CLOSED)
    assert [r[1] for r in sorted(closed, key=key, reverse=reverse)] == [4, 1, 2, 3, 0]
