"""Publicity periods, hand-computed (cn_rules §9): general 3 months–3 years, safety/fire/special
equipment minimum 1 year, several types → the longest, start on the decision date, automatic
end at the maximum (the nightly job, audited)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yingshang import workflow
from yingshang.audit.models import AuditEvent
from yingshang.credit import publicity, records
from yingshang.credit.models import Penalty, PublicityRule
from yingshang.errors import InvalidInput

pytestmark = pytest.mark.django_db


def test_general_penalty_minimum_three_months_maximum_three_years():
    p = publicity.period_for(["fine"], dt.date(2026, 1, 31))
    # 31 January + 3 months: there is no 31 April, the period ends with April
    assert p.repair_from == dt.date(2026, 4, 30)
    assert p.public_until == dt.date(2029, 1, 31)


def test_safety_fire_and_special_equipment_minimum_one_year():
    for code in ("safety", "fire", "special_equipment"):
        p = publicity.period_for([code], dt.date(2025, 3, 15))
        assert (p.repair_from, p.public_until) == (dt.date(2026, 3, 15), dt.date(2028, 3, 15))


def test_several_types_in_one_decision_take_the_longest():
    # a warning (3 months) and a fire penalty (1 year) in one decision, decided on 29 February
    p = publicity.period_for(["warning", "fire"], dt.date(2024, 2, 29))
    assert (p.min_months, p.max_months) == (12, 36)
    assert p.repair_from == dt.date(2025, 2, 28)
    assert p.public_until == dt.date(2027, 2, 28)


def test_the_longest_minimum_and_maximum_may_come_from_different_types(personas):
    rule = PublicityRule.objects.get(code="licence")
    records.publicity_rule_update(
        actor=personas.supervisor, rule=rule, min_months=6, max_months=60, legal_basis="本地规定"
    )
    p = publicity.period_for(["licence", "safety"], dt.date(2026, 1, 10))
    assert p.repair_from == dt.date(2027, 1, 10)  # safety: 12 months
    assert p.public_until == dt.date(2031, 1, 10)  # licence: 60 months
    event = AuditEvent.objects.get(action="credit.publicity_rule")
    assert event.changes["max_months"] == [36, 60]


def test_bad_rule_values_and_unknown_types_are_refused(personas):
    rule = PublicityRule.objects.get(code="fine")
    with pytest.raises(InvalidInput) as exc:
        records.publicity_rule_update(
            actor=personas.supervisor, rule=rule, min_months=12, max_months=3, legal_basis="x"
        )
    assert exc.value.code == "RULE_MONTHS_INVALID"
    with pytest.raises(InvalidInput) as exc:
        publicity.period_for(["nonsense"], dt.date(2026, 1, 1))
    assert exc.value.code == "PENALTY_TYPE_INVALID"


def _record(personas, decided_on, types=("fine",), number="罚字〔2023〕1号"):
    return records.penalty_record(
        actor=personas.supervisor,
        subject_of=personas.firm,
        unit=personas.unit_a,
        decision_number=number,
        decided_on=decided_on,
        types=list(types),
        legal_basis="《食品安全法》第一百二十六条",
        facts="联系电话13800138000，未按规定公示许可证",
    )


def test_publication_ends_automatically_at_the_maximum_and_the_job_is_audited(personas, client):
    with time_machine.travel(dt.datetime(2026, 5, 31, 12, tzinfo=dt.UTC)):
        penalty = _record(personas, dt.date(2023, 6, 1))
        assert penalty.public_until == dt.date(2026, 6, 1)
        assert publicity.expire(actor=workflow.SYSTEM) == 0
        html = client.get(reverse("credit:public")).content.decode()
        assert "罚字〔2023〕1号" in html
        assert "138****8000" in html and "13800138000" not in html  # masked
    with time_machine.travel(dt.datetime(2026, 6, 1, 1, tzinfo=dt.UTC)):  # 09:00 in Shanghai
        assert publicity.expire(actor=workflow.SYSTEM) == 1
        penalty.refresh_from_db()
        assert penalty.status == Penalty.Status.ENDED and penalty.ended_at
        html = client.get(reverse("credit:public")).content.decode()
        assert "罚字〔2023〕1号" not in html
        assert publicity.expire(actor=workflow.SYSTEM) == 0  # idempotent
    event = AuditEvent.objects.get(action="credit.publicity_expire")
    assert event.changes["count"] == [None, 1]
    assert Penalty.objects.filter(pk=penalty.pk).exists()  # kept


def test_a_decision_already_past_its_maximum_is_recorded_but_never_public(personas, client):
    penalty = _record(personas, dt.date(2020, 1, 1), number="罚字〔2020〕9号")
    assert penalty.status == Penalty.Status.ENDED
    assert "罚字〔2020〕9号" not in client.get(reverse("credit:public")).content.decode()


def test_decision_in_the_future_or_duplicate_is_refused(personas):
    from yingshang.errors import DomainError

    with pytest.raises(InvalidInput) as exc:
        _record(personas, dt.date.today() + dt.timedelta(days=3))
    assert exc.value.code == "CREDIT_DATE_FUTURE"
    _record(personas, dt.date(2026, 11, 1), number="罚字〔2026〕5号")
    with pytest.raises(DomainError) as exc:
        _record(personas, dt.date(2026, 11, 1), number="罚字〔2026〕5号")
    assert exc.value.code == "PENALTY_DUPLICATE"
