"""Who sees and does what: supervisors, leaders (纪委) and admins see every scheme, item,
snapshot and list; other staff see the published rankings and their own unit's items and
listings. Supervisors (and admins) keep the schemes, enter items, compute and publish; the
follow-up of a listing (约谈 held, minutes) is recorded by a supervisor or a leader."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang import workflow
from yingshang.assessment.models import (
    Adjustment,
    Exposure,
    Finding,
    Listing,
    Scheme,
    Snapshot,
    Visit,
)
from yingshang.org import scope, tenancy
from yingshang.org.roles import Role

MANAGERS = (Role.SUPERVISOR, Role.ADMIN)
FOLLOWERS = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
VIEWERS = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.DEPT_HEAD, Role.DEPT_HANDLER)


def manages(grants) -> workflow.Ability:
    return workflow.allow(
        grants.has(*MANAGERS), "ASSESSMENT_NOT_SUPERVISOR", _("只有营商办督查人员可以操作考核排名")
    )


def _staff_only(grants):
    return grants.is_authenticated and bool(grants.roles - {Role.APPLICANT})


def _schemes(grants, qs):
    if grants.sees_all:
        return qs
    return qs.filter(status=Scheme.Status.ACTIVE) if _staff_only(grants) else qs.none()


def _snapshots(grants, qs):
    if grants.sees_all:
        return qs
    if not _staff_only(grants):  # the portal: what the county chose to publish
        return qs.filter(status=Snapshot.Status.PUBLISHED, public=True)
    return qs.filter(status=Snapshot.Status.PUBLISHED)


def _adjustments(grants, qs):
    if grants.sees_all:
        return qs
    units = grants.units() if grants.is_authenticated else set()
    return qs.filter(unit_id__in=units) if units else qs.none()


def _listings(grants, qs):
    if grants.sees_all:
        return qs
    units = grants.units() if grants.is_authenticated else set()
    if not units:
        return qs.none()
    return qs.filter(Q(unit_id__in=units), snapshot__status=Snapshot.Status.PUBLISHED)


def _visits(grants, qs):
    # a 暗访 is secret until its findings are confirmed: supervisors, leaders and admins only
    return qs if grants.sees_all else qs.none()


def _findings(grants, qs):
    if grants.sees_all:
        return qs
    units = grants.units() if grants.is_authenticated else set()
    if not units:
        return qs.none()
    return qs.filter(unit_id__in=units, status=Finding.Status.CONFIRMED)


def _exposures(grants, qs):
    """Published cases are public (the portal's 曝光台); drafts and withdrawn ones stay inside."""
    if grants.sees_all:
        return qs
    return qs.filter(status=Exposure.Status.PUBLISHED)


def visit_abilities(grants, visit) -> dict:
    m = manages(grants)
    return {"conduct": m, "cancel": m}


def finding_abilities(grants, finding) -> dict:
    m = manages(grants)
    return {"confirm": m, "void": m}


def exposure_abilities(grants, exposure) -> dict:
    m = manages(grants)
    own = grants.is_authenticated and exposure.created_by_id == grants.user.pk
    review = workflow.allow(
        grants.has(Role.LEADER, Role.ADMIN) or (grants.has(Role.SUPERVISOR) and not own),
        "ASSESSMENT_EXPOSURE_REVIEWER",
        _("曝光案例须由撰写人以外的督查人员或县领导审核"),
    )
    withdraw = workflow.allow(
        grants.has(*FOLLOWERS), "ASSESSMENT_NOT_SUPERVISOR", _("只有督查人员或县领导可以撤回")
    )
    return {"submit": m, "approve": review, "send_back": review, "withdraw": withdraw}


def scheme_abilities(grants, scheme) -> dict:
    m = manages(grants)
    return {"activate": m, "retire": m, "revise": m}


def snapshot_abilities(grants, snapshot) -> dict:
    m = manages(grants)
    return {"publish": m, "discard": m, "recompute": m}


def listing_abilities(grants, listing) -> dict:
    return {
        "followup": workflow.allow(
            grants.has(*FOLLOWERS),
            "ASSESSMENT_NOT_FOLLOWER",
            _("只有督查人员或县领导/纪委可以记录落实情况"),
        )
    }


def adjustment_abilities(grants, item) -> dict:
    return {"void": manages(grants)}


def audit_role(grants, obj):
    return workflow.first_role(grants, (*MANAGERS, Role.LEADER))


def _county_or_city(reach: tuple[str, ...]) -> Q:
    """A county's schemes and rankings, and the city's (which rank the counties: every county
    sees them) — org.tenancy."""
    return Q(tenant__in=reach) | Q(tenant="")


scope.register(Scheme, _schemes, tenant=_county_or_city)
scope.register(Snapshot, _snapshots, tenant=_county_or_city)
scope.register(Adjustment, _adjustments, tenant="unit")
scope.register(Listing, _listings, tenant="unit")
scope.register_abilities(Scheme, scheme_abilities)
scope.register_abilities(Snapshot, snapshot_abilities)
scope.register_abilities(Listing, listing_abilities)
scope.register_abilities(Adjustment, adjustment_abilities)
scope.register(Visit, _visits, tenant=tenancy.created_in)
scope.register(Finding, _findings, tenant="unit")
scope.register(Exposure, _exposures, tenant="unit")
scope.register_abilities(Visit, visit_abilities)
scope.register_abilities(Finding, finding_abilities)
scope.register_abilities(Exposure, exposure_abilities)
for _model in (Scheme, Snapshot, Listing, Adjustment, Visit, Finding, Exposure):
    workflow.register_audit_role(_model, audit_role)
