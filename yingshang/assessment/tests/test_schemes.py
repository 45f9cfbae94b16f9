"""Schemes: weights must sum to 100 (a clear refusal), versions, the scheme in force."""

import datetime as dt

import pytest

from yingshang.assessment import services
from yingshang.assessment.models import Scheme
from yingshang.assessment.tests import factories as f
from yingshang.errors import DomainError

pytestmark = pytest.mark.django_db


def test_weights_not_summing_to_100_are_refused_with_the_total(personas):
    with pytest.raises(DomainError) as exc:
        f.scheme(
            personas.supervisor,
            metrics=[
                {"code": "hotline_response", "weight": "60"},
                {"code": "case_on_time", "weight": "30"},
            ],
        )
    assert exc.value.code == "ASSESSMENT_WEIGHTS_NOT_100" and exc.value.status == 400
    assert "当前为90" in exc.value.message
    assert not Scheme.objects.exists()


@pytest.mark.parametrize(
    ("metrics", "code"),
    [
        ([{"code": "nope", "weight": "100"}], "ASSESSMENT_UNKNOWN_METRIC"),
        ([{"code": "hotline_response", "weight": "-5"}], "ASSESSMENT_BAD_WEIGHT"),
        ([{"code": "hotline_response", "weight": "abc"}], "ASSESSMENT_BAD_WEIGHT"),
        ([], "ASSESSMENT_NO_METRIC"),
    ],
)
def test_bad_metrics_are_refused(personas, metrics, code):
    with pytest.raises(DomainError) as exc:
        f.scheme(personas.supervisor, metrics=metrics)
    assert exc.value.code == code


def test_only_supervisors_keep_schemes(personas):
    with pytest.raises(DomainError) as exc:
        f.scheme(personas.leader)
    assert exc.value.status == 403


def test_revision_is_a_new_version_and_the_period_uses_the_one_in_force(personas):
    v1 = f.scheme(personas.supervisor)
    v2 = services.scheme_revise(
        actor=personas.supervisor,
        scheme=v1,
        name="月度考核（修订）",
        effective_from=dt.date(2026, 11, 1),
        metrics=[{"code": "hotline_score", "weight": "100", "min_sample": 5}],
        groups=[{"unit_kind": "department"}, {"unit_kind": "town"}],
    )
    assert (v2.code, v2.version, v2.status) == ("monthly", 2, "draft")
    # a draft is not in force
    assert services.in_force("month", dt.date(2026, 11, 1)) == v1
    services.scheme_activate(actor=personas.supervisor, scheme=v2)
    assert services.in_force("month", dt.date(2026, 11, 1)) == v2
    assert services.in_force("month", dt.date(2026, 10, 1)) == v1  # October keeps v1
    assert services.in_force("week", dt.date(2026, 11, 2)) is None
    v1.refresh_from_db()
    assert v1.metrics.count() == 2  # the old version is unchanged


def test_discovery_tolerates_a_metrics_module_without_metrics(monkeypatch):
    import types

    from yingshang import plugins
    from yingshang.assessment import registry

    real = plugins.app_modules("metrics")

    def fake(suffix):
        assert suffix == "metrics"
        return tuple(
            types.ModuleType(m.__name__) if m.__name__ == "yingshang.supervision.metrics" else m
            for m in real
        )  # e.g. a module still being written

    monkeypatch.setattr(plugins, "app_modules", fake)
    found = registry.discover()
    assert "hotline_response" in found and "ledger_overdue" not in found
