"""A fixed dataset with hand-computed scores and ranks (conftest.dataset), the rule ladder, and
frozen published versions."""

from decimal import Decimal as D

import pytest

from yingshang.assessment import services
from yingshang.assessment.models import Listing, Snapshot
from yingshang.assessment.tests import factories as f
from yingshang.audit.models import AuditEvent as Event
from yingshang.errors import DomainError

pytestmark = pytest.mark.django_db


def _rows(snapshot):
    (group,) = snapshot.results["groups"]
    return {r["unit_name"]: r for r in group["rows"]}, group


def test_november_ranking_by_hand(dataset, compute):
    x = dataset
    # 通报表扬 +2 for 丙局 in November
    services.adjustment_add(
        actor=x.p.supervisor,
        unit_id=x.c.pk,
        kind="praise",
        occurred_on=f.NOV_DAY.date(),
        points="2",
        reason="省营商办通报表扬",
    )
    snapshot = compute(x.p.supervisor)
    assert snapshot.status == Snapshot.Status.DRAFT and snapshot.progress == 100
    rows, group = _rows(snapshot)
    a, b, c, e = (rows[u.name] for u in (x.a, x.b, x.c, x.e))
    # score = 60 × response/100 + 40 × satisfaction/100 (+ bonus)
    # A: 60×90.00/100 + 40×80.00/100 = 54.00 + 32.00 = 86.00
    assert D(a["score"]) == D("86.00")
    assert (a["metrics"]["hotline_response"]["num"], a["metrics"]["hotline_response"]["den"]) == (
        9,
        10,
    )
    # B: 60×80.00/100 + 40×100.00/100 = 48.00 + 40.00 = 88.00
    assert D(b["score"]) == D("88.00")
    # C: 60×100.00/100 + 40×60.00/100 = 60.00 + 24.00 = 84.00, + 2.00 bonus = 86.00 (tie with A)
    assert (D(c["base"]), D(c["bonus"]), D(c["score"])) == (D("84.00"), D("2.00"), D("86.00"))
    # E: 60×70.00/100 + 40×50.00/100 = 42.00 + 20.00 = 62.00
    assert D(e["score"]) == D("62.00")
    # ranks: B 1; A and C tie at 2; E 4 (competition ranking)
    assert (b["rank"], a["rank"], c["rank"], e["rank"]) == (1, 2, 2, 4)
    # D: 3 orders < minimum sample 5 → shown, not ranked
    d = rows[x.d.name]
    assert d["rank"] is None and d["insufficient"]
    assert d["metrics"]["hotline_response"]["sample"] == 3
    assert group["top"] == [x.b.pk] and group["last"] == [x.e.pk]


def test_last_once_then_twice_in_a_row(dataset, compute):
    x = dataset
    # October: everyone perfect but E (nothing on time, nobody satisfied) → E last
    for unit in (x.a, x.b, x.c):
        f.orders(unit, 5, on_time=5, satisfied=5, at=f.OCT_DAY)
    f.orders(x.e, 5, on_time=0, satisfied=0, at=f.OCT_DAY)
    october = compute(x.p.supervisor, period="2026-10")
    services.snapshot_publish(actor=x.p.supervisor, snapshot=october)
    kinds = {(x_.unit_id, x_.kind) for x_ in october.listings.all()}
    assert (x.e.pk, Listing.Kind.STATEMENT) in kinds  # last once → 表态发言
    assert not any(k == Listing.Kind.TALK for _u, k in kinds)

    november = compute(x.p.supervisor)
    services.snapshot_publish(
        actor=x.p.supervisor, snapshot=november, document_number="营商办〔2026〕12号"
    )
    talk = Listing.objects.get(snapshot=november, kind=Listing.Kind.TALK)
    assert talk.unit_id == x.e.pk and "连续2次末位" in talk.reason  # last twice → 约谈
    assert Listing.objects.get(snapshot=november, kind=Listing.Kind.PRAISE).unit_id == x.b.pk
    assert not Listing.objects.filter(snapshot=november, kind=Listing.Kind.STATEMENT).exists()
    assert Event.objects.filter(action="assessment.listing_add", object_id=str(talk.pk)).exists()

    # the 约谈 is held: minutes are required
    with pytest.raises(DomainError) as exc:
        services.listing_followup(actor=x.p.leader, listing=talk, note="已约谈")
    assert exc.value.code == "ASSESSMENT_MINUTES_REQUIRED"
    from django.core.files.uploadedfile import SimpleUploadedFile

    minutes = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    services.listing_followup(
        actor=x.p.leader, listing=talk, note="12月5日纪委书记约谈", minutes=minutes
    )
    talk.refresh_from_db()
    assert talk.status == Listing.Status.HELD and talk.minutes_name == "纪要.pdf"


def test_published_snapshot_is_frozen_and_recompute_makes_a_version_with_a_diff(dataset, compute):
    x = dataset
    v1 = compute(x.p.supervisor)
    services.snapshot_publish(actor=x.p.supervisor, snapshot=v1)
    before = dict(v1.results)
    # new November data for E: 10 perfect orders → response 17/20 = 85.00, satisfaction
    # 15/20 = 75.00 → 60×0.85 + 40×0.75 = 51.00 + 30.00 = 81.00
    f.orders(x.e, 10, on_time=10, satisfied=10, tag="late")
    v1.refresh_from_db()
    assert v1.results == before and D(_rows(v1)[0][x.e.name]["score"]) == D("62.00")
    # publishing twice and renumbering a published version are refused
    with pytest.raises(DomainError) as exc:
        services.snapshot_publish(actor=x.p.supervisor, snapshot=v1)
    assert exc.value.code == "ASSESSMENT_SNAPSHOT_PUBLISH_NOT_ALLOWED"
    with pytest.raises(DomainError) as exc:
        services.snapshot_set_number(actor=x.p.supervisor, snapshot=v1, document_number="x")
    assert exc.value.code == "ASSESSMENT_SNAPSHOT_FROZEN"

    v2 = compute(x.p.supervisor, reason="戊局补录工单")
    assert (v2.version, v2.previous_id) == (2, v1.pk)
    assert D(_rows(v2)[0][x.e.name]["score"]) == D("81.00")
    (change,) = v2.diff
    assert (change["unit_name"], change["score_before"], change["score_after"]) == (
        x.e.name,
        "62.00",
        "81.00",
    )
    v1.refresh_from_db()
    assert v1.status == Snapshot.Status.PUBLISHED and v1.results == before


def test_a_period_with_no_data_ranks_nobody(personas, december, compute):
    f.scheme(personas.supervisor)
    snapshot = compute(personas.supervisor, period="2026-09")
    assert snapshot.status == Snapshot.Status.DRAFT
    assert all(r["rank"] is None for g in snapshot.results["groups"] for r in g["rows"])
    services.snapshot_publish(actor=personas.supervisor, snapshot=snapshot)
    assert not snapshot.listings.exists()


def test_no_scheme_in_force_and_bad_periods_are_refused(personas, december):
    with pytest.raises(DomainError) as exc:
        services.snapshot_request(actor=personas.supervisor, period_key="2026-11")
    assert exc.value.code == "ASSESSMENT_NO_SCHEME"
    for key in ("2026-13", "11/2026", "2026-11-03"):
        with pytest.raises(DomainError) as exc:
            services.snapshot_request(actor=personas.supervisor, period_key=key)
        assert exc.value.code == "ASSESSMENT_BAD_PERIOD" and exc.value.status == 400
    f.scheme(personas.supervisor)
    with pytest.raises(DomainError) as exc:
        services.snapshot_request(actor=personas.supervisor, period_key="2027-01")
    assert exc.value.code == "ASSESSMENT_FUTURE_PERIOD"


def test_scheduled_rankings_on_the_first_working_day(personas):
    import datetime as dt

    from yingshang.assessment.tasks import due_periods

    # 2026-12-01 is a Tuesday, the first working day of December: the November ranking is due
    assert [p.key for p in due_periods(dt.date(2026, 12, 1))] == ["2026-11"]
    # Monday 2026-12-07: the week before is due
    assert [p.key for p in due_periods(dt.date(2026, 12, 7))] == ["2026-W49"]
    assert due_periods(dt.date(2026, 12, 8)) == []


def test_the_scheduled_job_requests_the_due_ranking_once(
    personas, django_capture_on_commit_callbacks
):
    import datetime as dt

    import time_machine

    from yingshang.assessment.tasks import scheduled_rankings
    from yingshang.workcal.calendar import TZ

    f.scheme(personas.supervisor)
    with time_machine.travel(dt.datetime(2026, 12, 1, 2, 0, tzinfo=TZ), tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            assert scheduled_rankings.call() == ["2026-11"]
        assert scheduled_rankings.call() == []  # already made
    snapshot = Snapshot.objects.get()
    assert (snapshot.period_key, snapshot.status, snapshot.created_by) == ("2026-11", "draft", None)


def test_the_ladder_is_configurable_talk_after_three_lasts(dataset, compute):
    import datetime as dt

    x = dataset
    v2 = services.scheme_revise(
        actor=x.p.supervisor,
        scheme=x.scheme,
        name="月度考核（三次末位约谈）",
        effective_from=dt.date(2026, 1, 1),
        metrics=f.HOTLINE_SCHEME,
        groups=[{"unit_kind": "department", "name": "县直部门"}],
        talk_after=3,
    )
    services.scheme_activate(actor=x.p.supervisor, scheme=v2)
    for unit in (x.a, x.b, x.c):
        f.orders(unit, 5, on_time=5, satisfied=5, at=f.OCT_DAY)
    f.orders(x.e, 5, on_time=0, satisfied=0, at=f.OCT_DAY)
    services.snapshot_publish(actor=x.p.supervisor, snapshot=compute(x.p.supervisor, "2026-10"))
    november = compute(x.p.supervisor)
    assert november.scheme == v2
    services.snapshot_publish(actor=x.p.supervisor, snapshot=november)
    # last twice, but the scheme asks for three in a row: still 表态发言, no 约谈
    assert Listing.objects.get(snapshot=november, unit=x.e).kind == Listing.Kind.STATEMENT
    with pytest.raises(DomainError) as exc:
        services.scheme_revise(
            actor=x.p.supervisor,
            scheme=v2,
            name="x",
            effective_from=dt.date(2026, 1, 1),
            metrics=f.HOTLINE_SCHEME,
            groups=[{"unit_kind": "department"}],
            talk_after=1,
        )
    assert exc.value.code == "ASSESSMENT_BAD_TALK_AFTER"


def test_a_computation_in_progress_blocks_a_second_until_it_is_stale(dataset):
    import datetime as dt

    import time_machine

    first = services.snapshot_request(actor=dataset.p.supervisor, period_key="2026-11")
    with pytest.raises(DomainError) as exc:
        services.snapshot_request(actor=dataset.p.supervisor, period_key="2026-11")
    assert exc.value.code == "ASSESSMENT_BUSY"
    with time_machine.travel(first.created_at + dt.timedelta(minutes=31), tick=False):
        second = services.snapshot_request(actor=dataset.p.supervisor, period_key="2026-11")
    first.refresh_from_db()
    assert first.status == Snapshot.Status.FAILED and second.version == 2
