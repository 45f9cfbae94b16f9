"""`enterprises.scopes.sees_firm` (one firm, asked clause by clause) answers exactly what the
scope's filter answers for that firm, for every persona; the firm page follows it (404 outside)."""

import pytest

from yingshang.cases.tests.factories import CaseFactory
from yingshang.enterprises.models import Firm
from yingshang.enterprises.scopes import firm_filter, sees_firm
from yingshang.org.identifiers import valid_uscc
from yingshang.org.scope import grants

pytestmark = pytest.mark.django_db

PERSONAS = (
    "supervisor",
    "leader",
    "clerk",
    "handler_a",
    "handler_b",
    "head_a",
    "operator",
    "applicant",
    "firm_user",
    "outsider",
)


def test_sees_firm_equals_the_scope_filter(personas, cat, login):
    p = personas
    CaseFactory(personas=p, matter=cat.matter)  # the firm's case, handled by the catalogue's unit
    other = Firm.objects.create(uscc=valid_uscc("91139999MA0DEM7X1"), name="无往来企业有限公司")
    seen = 0
    for name in PERSONAS:
        g = grants(getattr(p, name))
        q = firm_filter(g)
        for firm in (p.firm, other):
            want = True if q is None else Firm.objects.filter(q, pk=firm.pk).exists()
            assert sees_firm(g, firm.pk) == want, (name, firm.name)
            seen += want
    assert 0 < seen < len(PERSONAS) * 2
    assert login(p.handler_b).get(f"/staff/firms/{other.pk}/").status_code == 404
    assert login(p.supervisor).get(f"/staff/firms/{other.pk}/").status_code == 200
