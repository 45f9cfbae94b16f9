import pytest

from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.workcal import calendar


@pytest.mark.django_db
def test_personas_have_their_roles(personas):
    assert scope.grants(personas.handler_a).units() == {personas.unit_a.pk}
    assert scope.grants(personas.supervisor).countywide
    assert not scope.grants(personas.outsider).roles - {"applicant"}
    assert scope.visible_to(personas.outsider, Unit).count() == Unit.objects.count()


@pytest.mark.django_db
def test_calendar_is_seeded_for_tests():
    import datetime as dt

    assert calendar.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
