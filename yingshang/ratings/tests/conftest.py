import itertools

import pytest
from django.utils import timezone

_seq = itertools.count(1)


@pytest.fixture
def make_case(personas):
    """make_case(status="delivered", unit=unit_a, applicant=applicant) → a cases.Case row (a
    fixture row: the cases app's own services are tested there)."""
    from yingshang.cases.models import Case

    def _make(*, status="delivered", unit=None, applicant=None, delivered_at=None, **extra):
        n = next(_seq)
        return Case.objects.create(
            number=f"T{n:08d}",
            title="食品经营许可",
            applicant=applicant or personas.applicant,
            applicant_name=(applicant or personas.applicant).display_name,
            contact_phone="13800138000",
            channel="window",
            status=status,
            unit=unit or personas.unit_a,
            centre=personas.centre,
            window=personas.window,
            received_by=personas.clerk,
            delivered_at=delivered_at
            or (timezone.now() if status in ("delivered", "closed") else None),
            received_at=timezone.now(),
            accepted_at=None if status in ("submitted", "draft") else timezone.now(),
            **extra,
        )

    return _make


@pytest.fixture
def make_order(personas):
    from yingshang.hotline.models import WorkOrder

    def _make(*, status="closed", unit=None, **extra):
        n = next(_seq)
        return WorkOrder.objects.create(
            number=f"W{n:08d}",
            caller_name="李四",
            caller_phone="13700001111",
            content="路灯不亮",
            status=status,
            main_unit=unit or personas.unit_b,
            registered_at=timezone.now(),
            **{"closed_at": timezone.now() if status == "closed" else None, **extra},
        )

    return _make


@pytest.fixture
def visit(personas):
    from yingshang.ratings.services import visit_start

    return visit_start(actor=personas.clerk, window=personas.window)
