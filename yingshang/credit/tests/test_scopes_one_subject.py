"""`credit.scopes.sees_file` (one subject, asked clause by clause) answers exactly what the
scope's filter answers for that subject, for every persona and kind of subject."""

import datetime as dt

import pytest

from yingshang.cases.tests.factories import CaseFactory
from yingshang.credit import records, services
from yingshang.credit.models import CreditSubject
from yingshang.credit.scopes import sees_file, subject_filter
from yingshang.credit.selectors import subject_for
from yingshang.org.scope import grants

pytestmark = pytest.mark.django_db

PERSONAS = (
    "supervisor",
    "leader",
    "admin",
    "clerk",
    "handler_a",
    "handler_b",
    "head_a",
    "applicant",
    "firm_user",
    "outsider",
)


def test_sees_file_equals_the_scope_filter(personas, cat):
    p = personas
    CaseFactory(personas=p, matter=cat.matter)  # the firm's case, handled by the catalogue's unit
    person = subject_for(p.applicant, create=True)
    firm = subject_for(p.firm, create=True)
    penalised = subject_for(p.outsider, create=True)  # known only through unit_b's penalty
    records.penalty_record(
        actor=p.handler_b,
        subject_of=p.outsider,
        unit=p.unit_b,
        decision_number="住建罚〔2026〕3号",
        decided_on=dt.date(2026, 3, 2),
        types=["fine"],
        legal_basis="《建筑法》",
    )
    services.listing_add(actor=p.supervisor, subject_of=p.firm, reason="拒不履行判决")
    seen = 0
    for name in PERSONAS:
        g = grants(getattr(p, name))
        q = subject_filter(g)
        for subject in (person, firm, penalised):
            want = True if q is None else CreditSubject.objects.filter(q, pk=subject.pk).exists()
            assert sees_file(g, subject) == want, (name, subject)
            seen += want
    assert 0 < seen < len(PERSONAS) * 3  # some see, some do not
