"""Who sees a credit file: the subject themself (a person, or the accounts of a firm), staff of
the units handling the subject's cases, supervisors, leaders and admins."""

from django.db.models import Q
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.credit.models import (
    Commitment,
    CommitmentText,
    CreditSubject,
    DishonestListing,
    Penalty,
    Praise,
    PublicityRule,
    RepairApplication,
    RepairMaterial,
    SanctionRule,
)
from yingshang.org import scope, tenancy
from yingshang.org.roles import Role


def subject_filter(grants) -> Q | None:
    if grants.sees_all:
        return None
    if not grants.is_authenticated:
        return Q(pk__in=[])
    user = grants.user
    q = Q(person_id=user.pk)
    if user.firm_id:
        q |= Q(firm_id=user.firm_id)
    if grants.is_staff_member:
        from yingshang.cases.models import Case
        from yingshang.cases.scopes import case_filter

        cq = case_filter(grants)
        cases = Case.objects.filter(cq) if cq is not None else Case.objects.all()
        q |= Q(person_id__in=cases.filter(firm__isnull=True).values("applicant_id")) | Q(
            firm_id__in=cases.values("firm_id")
        )
        # the subjects of the penalties and praise a unit recorded
        units = grants.units(*RECORDERS)
        if units:
            q |= Q(pk__in=Penalty.objects.filter(unit_id__in=units).values("subject_id")) | Q(
                pk__in=Praise.objects.filter(unit_id__in=units).values("subject_id")
            )
    return q


def sees_file(grants, subject: CreditSubject) -> bool:
    """Whether `subject_filter(grants)` lets the reader see this one subject, asked about this
    subject only: each clause as an EXISTS narrowed to the subject (the firm page asks for one
    firm; the whole filter scanned every case of the reader's units — 6 ms of the firm page
    for a department handler in bench_firms, session 10). Kept equal to subject_filter by
    credit/tests/test_scopes_one_subject.py."""
    if grants.sees_all:
        return True
    if not grants.is_authenticated:
        return False
    user = grants.user
    if subject.person_id is not None and subject.person_id == user.pk:
        return True
    if user.firm_id and subject.firm_id == user.firm_id:
        return True
    if not grants.is_staff_member:
        return False
    from yingshang.cases.models import Case
    from yingshang.cases.scopes import case_filter

    cq = case_filter(grants)
    cases = Case.objects.filter(cq) if cq is not None else Case.objects.all()
    if subject.firm_id is not None and cases.filter(firm_id=subject.firm_id).exists():
        return True
    if (
        subject.person_id is not None
        and cases.filter(firm__isnull=True, applicant_id=subject.person_id).exists()
    ):
        return True
    units = grants.units(*RECORDERS)
    return bool(units) and (
        Penalty.objects.filter(unit_id__in=units, subject_id=subject.pk).exists()
        or Praise.objects.filter(unit_id__in=units, subject_id=subject.pk).exists()
    )


def _subjects(grants, qs):
    q = subject_filter(grants)
    return qs if q is None else qs.filter(q)


def _children(grants, qs):
    q = subject_filter(grants)
    return qs if q is None else qs.filter(subject__in=CreditSubject.objects.filter(q).values("pk"))


scope.register(CreditSubject, _subjects, tenant=tenancy.SHARED)
scope.register(Commitment, _children, tenant=tenancy.SHARED)
scope.register(DishonestListing, _children, tenant="unit")


def listing_abilities(grants, listing: DishonestListing) -> dict[str, bool]:
    admin = grants.has(Role.SUPERVISOR, Role.ADMIN)
    return {"remove": admin and listing.active}


def commitment_abilities(grants, commitment: Commitment) -> dict[str, bool]:
    admin = grants.has(Role.SUPERVISOR, Role.ADMIN)
    open_ = commitment.status == Commitment.Status.PENDING or (
        # a kept 告知承诺 may still turn out false on a later check (services.commitment_resolve)
        commitment.kind == Commitment.Kind.CERTIFICATE
        and commitment.status == Commitment.Status.KEPT
    )
    return {"resolve": admin and open_}


def _texts(grants, qs):
    return qs  # the commitment texts are what every applicant reads before signing


scope.register(CommitmentText, _texts, tenant=tenancy.SHARED)
scope.register_abilities(DishonestListing, listing_abilities)
scope.register_abilities(Commitment, commitment_abilities)


# --- penalties, praise, repair (the full credit file) -----------------------------------------
RECORDERS = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def _unit_records(grants, qs):
    """A record of a unit: the subject's own accounts, the staff of the deciding unit, and
    whoever sees the subject's credit file."""
    q = subject_filter(grants)
    if q is None:
        return qs
    own = Q(subject__in=CreditSubject.objects.filter(q).values("pk"))
    units = grants.units(*RECORDERS)
    if units:
        own |= Q(unit_id__in=units)
    return qs.filter(own)


def _materials(grants, qs):
    return qs.filter(application__in=scope.visible_to(grants.user, RepairApplication).values("pk"))


def _rules(grants, qs):
    return qs  # the rule tables are public information (and read by every module)


scope.register(Penalty, _unit_records, tenant="unit")
scope.register(Praise, _unit_records, tenant="unit")
scope.register(RepairApplication, _unit_records, tenant="unit")
scope.register(RepairMaterial, _materials, tenant="application__unit")
scope.register(PublicityRule, _rules, tenant=tenancy.SHARED)
scope.register(SanctionRule, _rules, tenant=tenancy.SHARED)


def is_credit_admin(grants) -> bool:
    return grants.has(Role.SUPERVISOR, Role.ADMIN)


def may_record(grants, unit_id) -> bool:
    """Who records a penalty or praise for `unit_id`: its handlers and head, or the credit
    administrator."""
    return is_credit_admin(grants) or unit_id in grants.units(*RECORDERS)


def owns(grants, subject_id) -> bool:
    """The actor is the subject itself (a person) or an account of the subject's firm."""
    if not grants.is_authenticated:
        return False
    user = grants.user
    return CreditSubject.objects.filter(
        Q(pk=subject_id) & (Q(person_id=user.pk) | Q(firm_id=user.firm_id or -1))
    ).exists()


def _admin(grants):
    return workflow.allow(
        is_credit_admin(grants),
        "CREDIT_FORBIDDEN",
        _("只有营商办督查人员（信用管理）或管理员可以办理"),
    )


def penalty_abilities(grants, penalty: Penalty) -> dict:
    return {
        "void": workflow.allow(
            may_record(grants, penalty.unit_id) and penalty.status != Penalty.Status.VOIDED,
            "PENALTY_VOID_FORBIDDEN",
            _("只有处罚机关或信用管理人员可以作废有效的处罚记录"),
        )
    }


def praise_abilities(grants, praise: Praise) -> dict:
    return {
        "void": workflow.allow(
            may_record(grants, praise.unit_id) and not praise.voided,
            "PRAISE_VOID_FORBIDDEN",
            _("只有认定单位或信用管理人员可以作废有效的记录"),
        )
    }


def repair_abilities(grants, app: RepairApplication) -> dict:
    mine = workflow.allow(
        owns(grants, app.subject_id), "REPAIR_NOT_APPLICANT", _("只有申请主体可以办理")
    )
    review = _admin(grants)
    return {
        "return": review,
        "accept": review,
        "refuse": review,
        "resubmit": mine,
        "withdraw": mine,
    }


def listing_abilities_full(grants, listing: DishonestListing) -> dict:
    admin = _admin(grants)
    return {
        **listing_abilities(grants, listing),
        "object": workflow.allow(
            owns(grants, listing.subject_id),
            "LISTING_NOT_SUBJECT",
            _("只有被告知的主体可以提出异议"),
        ),
        "uphold_objection": admin,
        "reject_objection": admin,
        "confirm": admin,
    }


def _audit_role(grants, obj):
    if is_credit_admin(grants):
        return (Role.SUPERVISOR if grants.has(Role.SUPERVISOR) else Role.ADMIN), getattr(
            obj, "unit_id", None
        )
    if grants.has(*RECORDERS):
        return workflow.first_role(grants, RECORDERS)
    return Role.APPLICANT, None


scope.register_abilities(Penalty, penalty_abilities)
scope.register_abilities(Praise, praise_abilities)
scope.register_abilities(RepairApplication, repair_abilities)
scope.register_abilities(DishonestListing, listing_abilities_full)
for _model in (Penalty, Praise, RepairApplication, DishonestListing):
    workflow.register_audit_role(_model, _audit_role)
