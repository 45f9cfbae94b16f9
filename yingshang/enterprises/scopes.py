"""Who sees which firm (一企一档):

- supervisors, leaders and admins: every firm;
- other staff: the firms of the cases and of the work orders they see (the same scopes those
  modules use), so a department sees the firms it deals with and no other;
- a firm's own accounts (legal representative and active agents): their own firm.
A firm's accounts are seen with the firm; the register imports by those who see every firm."""

from django.db.models import Q

from yingshang.enterprises.models import Firm, FirmAccount, FirmImport
from yingshang.org import scope, tenancy


def firm_filter(grants) -> Q | None:
    """The Q of visible firms, or None for every firm."""
    if grants.sees_all:
        return None
    if not grants.is_authenticated:
        return Q(pk__in=[])
    user = grants.user
    q = Q(pk__in=[])
    if user.kind == "firm" and user.firm_id:
        q |= Q(pk=user.firm_id)
    if grants.is_staff_member:
        from yingshang.cases.models import Case
        from yingshang.cases.scopes import case_filter
        from yingshang.hotline.models import WorkOrder
        from yingshang.hotline.rules import order_rule

        cq = case_filter(grants)
        cases = Case.objects.filter(cq) if cq is not None else Case.objects.all()
        orders = order_rule(grants, WorkOrder.objects.all())
        q |= Q(pk__in=cases.filter(firm__isnull=False).values("firm_id")) | Q(
            pk__in=orders.filter(firm__isnull=False).values("firm_id")
        )
    return q


def sees_firm(grants, firm_id: int) -> bool:
    """Whether `firm_filter(grants)` lets the reader see this one firm, asked about this firm
    only (EXISTS narrowed to it): the firm page opens one firm, and the whole filter scanned
    every case and work order of the reader's units first — 6 ms of the page for a department
    handler in bench_firms, session 10. Kept equal to firm_filter by
    enterprises/tests/test_scopes_one_firm.py."""
    if grants.sees_all:
        return True
    if not grants.is_authenticated:
        return False
    user = grants.user
    if user.kind == "firm" and user.firm_id == firm_id:
        return True
    if not grants.is_staff_member:
        return False
    from yingshang.cases.models import Case
    from yingshang.cases.scopes import case_filter
    from yingshang.hotline.models import WorkOrder
    from yingshang.hotline.rules import order_rule

    cq = case_filter(grants)
    cases = Case.objects.filter(cq) if cq is not None else Case.objects.all()
    if cases.filter(firm_id=firm_id).exists():
        return True
    return order_rule(grants, WorkOrder.objects.filter(firm_id=firm_id)).exists()


def _firms(grants, qs):
    q = firm_filter(grants)
    return qs if q is None else qs.filter(q)


def _accounts(grants, qs):
    q = firm_filter(grants)
    return qs if q is None else qs.filter(firm__in=Firm.objects.filter(q).values("pk"))


def _imports(grants, qs):
    return qs if grants.sees_all else qs.none()


scope.register(Firm, _firms, tenant=tenancy.SHARED)
scope.register(FirmAccount, _accounts, tenant=tenancy.SHARED)
scope.register(FirmImport, _imports, tenant=tenancy.created_in)
