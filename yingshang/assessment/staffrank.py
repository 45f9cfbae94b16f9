"""Window staff ranking (窗口工作人员排名), per period and per service centre: each clerk's
好差评 (ratings of them, upheld appeals excluded), on-time rate of the cases they received and
the window visits they served.

    满意率      = ratings at level ≥ 3 ÷ ratings                 (min. MIN_RATINGS ratings)
    按时办结率  = cases decided in the period not late ÷ cases decided (min. 1 case)
    score       = 60 % × 满意率 + 40 % × 按时办结率                (scoring.rank_group)
Below either minimum: shown as 样本不足, never ranked. Two or more 差评 in the period: marked
“不宜评优” (the rule that repeated complaints cost 评优). Scope: supervisors, leaders and admins
see every centre; the head of a centre (部门负责人 in a 政务服务中心) sees that centre's clerks;
a clerk sees their own row."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.assessment import scoring
from yingshang.assessment.registry import Figure, rate
from yingshang.org import scope
from yingshang.org.models import RoleAssignment, Unit
from yingshang.org.roles import Role
from yingshang.workcal.calendar import TZ

MIN_RATINGS = 5
METRICS = [
    {
        "code": "staff_satisfaction",
        "label": _("满意率"),
        "weight": Decimal(60),
        "direction": "higher",
        "normalisation": "rate",
        "min_sample": MIN_RATINGS,
    },
    {
        "code": "staff_on_time",
        "label": _("按时办结率"),
        "weight": Decimal(40),
        "direction": "higher",
        "normalisation": "rate",
        "min_sample": 1,
    },
]
REPEATED_BAD = 2


def visible_centres(user) -> list[Unit] | None:
    """The centres whose clerks `user` may see: None = all; [] with `own_only` handled by
    `clerks()`."""
    g = scope.grants(user)
    if g.sees_all:
        return None
    heads = Unit.objects.filter(pk__in=g.units(Role.DEPT_HEAD), kind=Unit.Kind.CENTRE)
    return list(heads)


def clerks(user) -> list[tuple[int, str, int, str]]:
    """(user id, name, centre id, centre name) of the window clerks in `user`'s scope."""
    g = scope.grants(user)
    qs = scope.within_reach(
        g,
        RoleAssignment,
        RoleAssignment.objects.filter(
            role=Role.WINDOW_CLERK, revoked_at__isnull=True, unit__isnull=False
        ),
    )
    if not g.sees_all:
        centres = visible_centres(user)
        q = Q(user_id=user.pk)
        for c in centres or []:
            q |= Q(unit__path__startswith=c.path) if c.path else Q(unit_id=c.pk)
        qs = qs.filter(q)
    seen, out = set(), []
    for a in qs.select_related("user", "unit").order_by("unit__sort_order", "unit_id", "user_id"):
        if a.user_id in seen:
            continue
        seen.add(a.user_id)
        name = a.user.real_name or a.user.username
        out.append((a.user_id, name, a.unit_id, a.unit.name))
    return out


def _bounds(period) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(period.first, dt.time.min, tzinfo=TZ)
    end = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)
    return start, end


def figures(ids: list[int], period) -> tuple[dict, dict]:
    from yingshang.cases.models import Case
    from yingshang.ratings.models import Rating, WindowVisit

    start, end = _bounds(period)
    ratings = {
        r["staff_id"]: r
        for r in Rating.objects.filter(
            staff_id__in=ids, created_at__gte=start, created_at__lt=end, excluded=False
        )
        .values("staff_id")
        .order_by()
        .annotate(
            total=Count("id"),
            satisfied=Count("id", filter=Q(level__gte=3)),
            bad=Count("id", filter=Q(is_bad=True)),
        )
    }
    cases = {
        r["received_by_id"]: r
        for r in Case.objects.filter(
            received_by_id__in=ids, decided_at__gte=start, decided_at__lt=end
        )
        .values("received_by_id")
        .order_by()
        .annotate(total=Count("id"), on_time=Count("id", filter=Q(late=False)))
    }
    visits = dict(
        WindowVisit.objects.filter(clerk_id__in=ids, started_at__gte=start, started_at__lt=end)
        .values("clerk_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("clerk_id", "n")
    )
    figs = {"staff_satisfaction": {}, "staff_on_time": {}}
    extra = {}
    for uid in ids:
        r, c = ratings.get(uid), cases.get(uid)
        if r:
            figs["staff_satisfaction"][uid] = Figure(
                rate(r["satisfied"], r["total"]), r["total"], r["satisfied"], r["total"]
            )
        if c:
            figs["staff_on_time"][uid] = Figure(
                rate(c["on_time"], c["total"]), c["total"], c["on_time"], c["total"]
            )
        extra[uid] = {"bad": r["bad"] if r else 0, "visits": visits.get(uid, 0)}
    return figs, extra


def ranking(user, period) -> list[dict]:
    """One group per centre: rows ranked as the unit ranking is (ties share a place)."""
    people = clerks(user)
    figs, extra = figures([p[0] for p in people], period)
    by_centre: dict[int, dict] = {}
    for uid, name, centre_id, centre in people:
        by_centre.setdefault(centre_id, {"centre_id": centre_id, "name": centre, "people": []})
        by_centre[centre_id]["people"].append((uid, name))
    start, end = period.first.isoformat(), period.last.isoformat()
    groups = []
    for g in by_centre.values():
        rows = scoring.rank_group(METRICS, g["people"], figs, {})
        for r in rows:
            r.update(extra[r["unit_id"]])
            r["no_praise"] = r["bad"] >= REPEATED_BAD
            q = {"staff": r["unit_id"], "start": start, "end": end}
            r["ratings_url"] = f"{reverse('ratings:list')}?{urlencode(q)}"
            r["bad_url"] = f"{reverse('ratings:list')}?{urlencode({**q, 'bad': 1})}"
        groups.append({**g, "rows": rows})
    return groups
