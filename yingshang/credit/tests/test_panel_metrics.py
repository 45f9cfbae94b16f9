"""The credit panel of the firm page and the 信用修复 on-time metric."""

import datetime as dt

import pytest
from django.utils import timezone

from yingshang.credit import firm_panel, metrics, records, repair
from yingshang.credit.tests.helpers import materials
from yingshang.enterprises.panels import discover
from yingshang.workcal import periods

pytestmark = pytest.mark.django_db


def _penalty(personas):
    return records.penalty_record(
        actor=personas.supervisor,
        subject_of=personas.firm,
        unit=personas.unit_a,
        decision_number="市监罚〔2026〕40号",
        decided_on=dt.date(2026, 1, 5),
        types=["fine"],
        legal_basis="《食品安全法》",
        severity="serious",
    )


def test_the_firm_page_panel_for_staff_in_scope_and_for_the_firm(personas):
    assert any(p.key == "credit" for p in discover())
    _penalty(personas)
    panel = firm_panel.build(personas.firm, personas.supervisor)
    facts = {f.label: f for f in panel.facts}
    assert facts["公示中的行政处罚"].value == "1" and facts["公示中的行政处罚"].alert
    assert "评优评先" in facts["受限事项"].value
    assert panel.rows[0].label == "市监罚〔2026〕40号" and panel.rows[0].url
    own = firm_panel.build(personas.firm, personas.firm_user, public=True)
    assert own.rows[0].url == "" and own.more_url == "/credit/mine/"
    # a unit outside the record's scope sees nothing of it
    other = firm_panel.build(personas.firm, personas.handler_b)
    assert other.rows == [] and {f.label: f.value for f in other.facts}["公示中的行政处罚"] == "0"


def test_repair_on_time_metric_counts_decided_applications_per_unit(personas):
    app = repair.repair_apply(
        actor=personas.firm_user, record=_penalty(personas), statement="已缴纳", files=materials()
    )
    late = app.due_at + dt.timedelta(hours=1)
    repair.repair_accept(actor=personas.supervisor, application=app, at=late)
    period = periods.period_of("year", timezone.localdate(late))
    figure = metrics._on_time(period, {})[personas.unit_a.pk]
    assert (figure.num, figure.den, figure.value) == (0, 1, 0)


def test_an_active_listing_is_the_first_row_and_an_alert(personas):
    from yingshang.credit import services

    services.listing_add(actor=personas.supervisor, subject_of=personas.firm, reason="拒不履行判决")
    panel = firm_panel.build(personas.firm, personas.supervisor)
    assert any(f.alert and f.value == "1" for f in panel.facts)
    assert "拒不履行判决" in panel.rows[0].label
    assert firm_panel.build(personas.firm, personas.firm_user, public=True).total == 1


@pytest.mark.parametrize("record", ["none", "serious_penalty", "listing", "false_commitment"])
def test_the_panels_restricted_benefits_equal_the_sanction_check(personas, record):
    """The panel reuses its own counts for 受限事项 (the rule table decides, not the panel): the
    list equals credit.sanctions' answer for each kind of record in force, and is 无 when none."""
    from yingshang.credit import sanctions, services
    from yingshang.credit.models import Commitment
    from yingshang.credit.selectors import subject_for

    if record == "serious_penalty":
        _penalty(personas)
    elif record == "listing":
        services.listing_add(actor=personas.supervisor, subject_of=personas.firm, reason="拒不履行")
    elif record == "false_commitment":
        text = services.ensure_texts()[Commitment.Kind.CERTIFICATE]
        Commitment.objects.create(  # found false on a later check (services.commitment_resolve)
            subject=subject_for(personas.firm, create=True),
            kind=Commitment.Kind.CERTIFICATE,
            text=text,
            text_version=text.version,
            text_snapshot=text.body,
            signed_at=timezone.now(),
            status=Commitment.Status.FALSE,
        )
    subject_for(personas.firm, create=True)  # a file with nothing in force has the facts too
    panel = firm_panel.build(personas.firm, personas.supervisor)
    shown = {f.label: f.value for f in panel.facts}["受限事项"]
    want = [str(sanctions.BENEFITS[b]) for b in sanctions.blocked_benefits(personas.firm)]
    assert shown == ("、".join(want) or "无")
    assert bool(want) == (record != "none")
