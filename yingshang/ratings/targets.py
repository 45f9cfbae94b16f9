"""What can be rated, and what a rating of it counts for.

A `Target` wraps a case, a hotline work order or a window visit and answers the questions the
rating service asks: which unit, matter, staff member and window the rating counts for, who the
person served is (the only one who may rate it), which rating points it has and whether it is
ready to be rated. Cases and work orders live in apps built alongside this one; their fields
are read defensively here so the rest of the app does not depend on their details."""

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext as _

from yingshang.errors import DomainError
from yingshang.ratings.models import Point, RatingScheme, WindowVisit

KIND_CASE = "case"
KIND_WORK_ORDER = "work_order"
KIND_VISIT = "visit"


def case_model():
    try:
        return apps.get_model("cases", "Case")
    except LookupError:
        return None


def work_order_model():
    try:
        return apps.get_model("hotline", "WorkOrder")
    except LookupError:
        return None


def has_field(model, name: str) -> bool:
    if model is None:
        return False
    try:
        model._meta.get_field(name)
        return True
    except Exception:
        return False


@dataclass
class Target:
    kind: str
    obj: object

    # --- identity ------------------------------------------------------------------------
    @property
    def pk(self):
        return self.obj.pk

    @property
    def label(self) -> str:
        if self.kind == KIND_VISIT:
            return _("窗口服务 %(window)s") % {"window": self.obj.window}
        number = getattr(self.obj, "number", None) or getattr(self.obj, "code", None) or self.obj.pk
        return (_("办件 %(n)s") if self.kind == KIND_CASE else _("工单 %(n)s")) % {"n": number}

    @property
    def scheme_kind(self) -> str:
        return RatingScheme.Kind.ONSITE if self.kind == KIND_VISIT else RatingScheme.Kind.ONLINE

    @property
    def points(self) -> list[str]:
        if self.kind == KIND_VISIT:
            return [Point.VISIT]
        if self.kind == KIND_WORK_ORDER:
            return [Point.WORKORDER]
        return [Point.RECEIVE, Point.ACCEPT, Point.DELIVER]

    def default_point(self) -> str:
        return {KIND_VISIT: Point.VISIT, KIND_WORK_ORDER: Point.WORKORDER}.get(
            self.kind, Point.DELIVER
        )

    def rating_filter(self, point: str) -> dict:
        if self.kind == KIND_VISIT:
            return {"visit": self.obj}
        if self.kind == KIND_WORK_ORDER:
            return {"work_order": self.obj}
        return {"case": self.obj, "point": point}

    # --- what the rating counts for --------------------------------------------------------
    def counts_for(self) -> dict:
        """{unit_id, staff_id, window_id, matter_id}: ids only, so recording a rating loads no
        related rows (rating submission is a hot path: DESIGN.md, 300 requests/s)."""
        o = self.obj
        if self.kind == KIND_VISIT:
            return {
                "unit_id": o.unit_id,
                "staff_id": o.clerk_id,
                "window_id": o.window_id,
                "matter_id": None,
            }
        if self.kind == KIND_WORK_ORDER:
            return {
                "unit_id": o.main_unit_id,
                "staff_id": o.handler_id,
                "window_id": None,
                "matter_id": None,
            }
        matter_id = getattr(o, "matter_id", None)
        if matter_id is None and getattr(o, "matter_version_id", None) is not None:
            matter_id = getattr(o.matter_version, "matter_id", None)
        return {
            "unit_id": getattr(o, "unit_id", None),
            "staff_id": getattr(o, "received_by_id", None),
            "window_id": getattr(o, "window_id", None),
            "matter_id": matter_id,
        }

    # --- the person served -----------------------------------------------------------------
    def is_owner(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if self.kind == KIND_CASE:
            o = self.obj
            if o.applicant_id == user.pk:
                return True
            return (
                user.kind == "firm"
                and user.firm_id is not None
                and getattr(o, "firm_id", None) == user.firm_id
            )
        return False

    def owner(self):
        if self.kind == KIND_CASE:
            return getattr(self.obj, "applicant", None)
        if self.kind == KIND_WORK_ORDER:
            return getattr(self.obj, "caller", None) or getattr(self.obj, "applicant", None)
        return None

    def owner_phone(self) -> str:
        if self.kind == KIND_WORK_ORDER:
            if getattr(self.obj, "anonymous", False) or getattr(self.obj, "confidential", False):
                return ""  # a confidential caller stays unnamed in ratings too
            return getattr(self.obj, "caller_phone", "") or ""
        owner = self.owner()
        if owner is not None:
            return getattr(owner, "mobile", "") or ""
        return (
            getattr(self.obj, "applicant_phone", "") or getattr(self.obj, "contact_phone", "") or ""
        )

    # --- readiness -------------------------------------------------------------------------
    def check_ratable(self, point: str) -> None:
        if point not in self.points:
            raise DomainError("RATING_POINT_INVALID", _("该对象没有此评价节点"), status=400)
        status = getattr(self.obj, "status", "")
        if (
            self.kind == KIND_CASE
            and point == Point.DELIVER
            and status not in ("delivered", "closed")
        ):
            raise DomainError("RATING_NOT_YET", _("办件办结后才能进行办结评价"))
        if (
            self.kind == KIND_CASE
            and point == Point.ACCEPT
            and getattr(self.obj, "accepted_at", None) is None
        ):
            raise DomainError("RATING_NOT_YET", _("办件受理后才能进行受理评价"))
        if (
            self.kind == KIND_CASE
            and point == Point.RECEIVE
            and getattr(self.obj, "received_at", None) is None
        ):
            raise DomainError("RATING_NOT_YET", _("办件接件后才能进行接件评价"))
        if self.kind == KIND_WORK_ORDER and status != "closed":
            raise DomainError("RATING_NOT_YET", _("工单办结后才能评价"))


def for_visit(visit: WindowVisit) -> Target:
    return Target(KIND_VISIT, visit)


def for_case(case) -> Target:
    return Target(KIND_CASE, case)


def for_work_order(order) -> Target:
    return Target(KIND_WORK_ORDER, order)


def load(kind: str, pk) -> Target | None:
    """The target named in a signed link, or None when it does not exist (any more)."""
    model = {
        KIND_VISIT: WindowVisit,
        KIND_CASE: case_model(),
        KIND_WORK_ORDER: work_order_model(),
    }.get(kind)
    if model is None:
        return None
    obj = model._default_manager.filter(pk=pk).first()
    return Target(kind, obj) if obj is not None else None
