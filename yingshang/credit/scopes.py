"""Who sees a credit file: the subject themself (a person, or the accounts of a firm), staff of
the units handling the subject's cases, supervisors, leaders and admins."""

from django.db.models import Q

from yingshang.credit.models import Commitment, CommitmentText, CreditSubject, DishonestListing
from yingshang.org import scope
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
    return q


def _subjects(grants, qs):
    q = subject_filter(grants)
    return qs if q is None else qs.filter(q)


def _children(grants, qs):
    q = subject_filter(grants)
    return qs if q is None else qs.filter(subject__in=CreditSubject.objects.filter(q).values("pk"))


scope.register(CreditSubject, _subjects)
scope.register(Commitment, _children)
scope.register(DishonestListing, _children)


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


scope.register(CommitmentText, _texts)
scope.register_abilities(DishonestListing, listing_abilities)
scope.register_abilities(Commitment, commitment_abilities)
