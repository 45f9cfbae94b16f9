"""Who sees which ratings (DESIGN.md §1, §7).

- supervisors, leaders (county-wide) and admins: everything;
- department staff (handler, head): the ratings, rectifications and appeals of their unit;
- window clerks: the visits of their hall — never the ratings (staff cannot watch ratings
  being given; a clerk's own figures come from the statistics of their head or supervisor);
- an applicant: their own real-name ratings (an anonymous rating is linked to nobody, so it
  is nobody's "own").
Anonymous ratings are in a unit's scope like any other, but carry no personal link at all."""

from django.db.models import Q

from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.ratings.models import (
    Appeal,
    LedgerIntent,
    Rating,
    RatingScheme,
    Rectification,
    WindowVisit,
)
from yingshang.ratings.rectifications import UNIT_ROLES, appeal_abilities, rectification_abilities


def _all(grants) -> bool:
    return grants.countywide or grants.has(Role.ADMIN)


def _ratings(grants, qs):
    if _all(grants):
        return qs
    if not grants.is_authenticated:
        return qs.none()
    units = grants.units(*UNIT_ROLES)
    q = Q(rater_id=grants.user.pk, anonymous=False)
    if units:
        q |= Q(unit_id__in=units)
    return qs.filter(q)


def _by_unit(grants, qs):
    if _all(grants):
        return qs
    units = grants.units(*UNIT_ROLES) if grants.is_authenticated else frozenset()
    return qs.filter(unit_id__in=units) if units else qs.none()


def _visits(grants, qs):
    if _all(grants):
        return qs
    if not grants.is_authenticated:
        return qs.none()
    return qs.filter(Q(clerk_id=grants.user.pk) | Q(unit_id__in=grants.units()))


def _intents(grants, qs):
    return qs if _all(grants) else qs.none()


def _public(grants, qs):
    return qs  # the rating content (dimensions, problem options) is public


scope.register(Rating, _ratings)
scope.register(Rectification, _by_unit)
scope.register(Appeal, _by_unit)
scope.register(WindowVisit, _visits)
scope.register(LedgerIntent, _intents)
scope.register(RatingScheme, _public)
scope.register_abilities(Rectification, rectification_abilities)
scope.register_abilities(Appeal, appeal_abilities)
