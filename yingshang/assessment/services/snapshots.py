"""Ranking snapshots: requested (on demand or on schedule), computed in the background with its
progress shown, published (frozen, with the rule ladder's lists), or discarded. A recomputation
is a new version with its diff from the previous one; no version is ever rewritten."""

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.assessment import registry, scoring
from yingshang.assessment.models import Adjustment, Exposure, Listing, Snapshot
from yingshang.assessment.services.schemes import in_force, require_manager
from yingshang.assessment.transitions import SNAPSHOT
from yingshang.errors import DomainError, InvalidInput
from yingshang.org import tenancy
from yingshang.org.models import Unit
from yingshang.workcal import periods

log = logging.getLogger(__name__)
RANKED_KINDS = ("week", "month", "quarter", "year")
STALE_AFTER = dt.timedelta(minutes=30)  # a computation still running after this has died


def parse_period(key: str) -> periods.Period:
    try:
        period = periods.parse(key)
    except ValueError:
        period = None
    if period is None or period.kind not in RANKED_KINDS:
        raise InvalidInput(
            "ASSESSMENT_BAD_PERIOD",
            _("期间格式应为 2026-W48、2026-11、2026-Q4 或 2026"),
            details={"period": key},
        )
    return period


def snapshot_request(
    *, actor, period_key: str, reason: str = "", tenant: str | None = None
) -> Snapshot:
    """A new version of the period's ranking, computed by the background task: the ranking of
    the actor's county (`tenant`, for the scheduled job acting as the system), or the city's."""
    workflow.require_actor(actor)
    require_manager(actor)
    period = parse_period(period_key)
    if period.first > periods.today():
        raise InvalidInput("ASSESSMENT_FUTURE_PERIOD", _("该期间尚未开始，无法排名"))
    if tenant is None:
        tenant = tenancy.home_of(actor)
    scheme = in_force(period.kind, period.first, tenant)
    if scheme is None:
        raise DomainError(
            "ASSESSMENT_NO_SCHEME",
            _("%(period)s没有生效的考核方案，请先启用一个%(kind)s考核方案")
            % {"period": period.label, "kind": dict(_kinds())[period.kind]},
        )
    with transaction.atomic():
        busy = (
            Snapshot.objects.select_for_update()
            .filter(tenant=tenant, period_kind=period.kind, period_key=period.key)
            .order_by("-version")
        )
        latest = busy.first()
        if latest is not None and latest.status == Snapshot.Status.COMPUTING:
            if latest.created_at > timezone.now() - STALE_AFTER:
                raise DomainError("ASSESSMENT_BUSY", _("该期间的排名正在计算，请稍候"))
            # a worker that died mid-way: the version is marked failed, a new one may start
            latest.status = Snapshot.Status.FAILED
            latest.message = _("计算超时未完成，已重新计算")
            latest.save(update_fields=["status", "message"])
        version = (busy.aggregate(v=Max("version"))["v"] or 0) + 1
        previous = (
            busy.exclude(status__in=[Snapshot.Status.FAILED, Snapshot.Status.DISCARDED])
            .order_by("-version")
            .first()
        )
        snapshot = Snapshot.objects.create(
            scheme=scheme,
            tenant=tenant,
            period_kind=period.kind,
            period_key=period.key,
            period_first=period.first,
            period_last=period.last,
            version=version,
            previous=previous,
            reason=(reason or "").strip()[:200],
            created_by=actor or None,
        )
        workflow.record(
            actor,
            "assessment.snapshot_compute",
            snapshot,
            after={"period_key": period.key, "version": version},
            reason=snapshot.reason,
        )
        from yingshang.assessment.tasks import compute_snapshot

        pk = snapshot.pk
        transaction.on_commit(lambda: compute_snapshot.enqueue(pk))
    return snapshot


def _kinds():
    from yingshang.assessment.models import PERIOD_KINDS

    return [(k, str(v)) for k, v in PERIOD_KINDS]


def _progress(snapshot: Snapshot, percent: int, message: str = "") -> None:
    Snapshot.objects.filter(pk=snapshot.pk).update(progress=percent, message=message[:200])


def snapshot_compute(snapshot_id: int) -> Snapshot:
    """Compute a requested snapshot (the background task): one step per metric, the progress
    written as it goes so the page's bar moves; a failure leaves the snapshot "failed" with a
    message and never a half-written ranking."""
    snapshot = Snapshot.objects.select_related("scheme").get(pk=snapshot_id)
    if snapshot.status != Snapshot.Status.COMPUTING:
        return snapshot
    try:
        results = _compute(snapshot)
    except Exception:
        log.exception("assessment snapshot %s failed", snapshot_id)
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=Snapshot.Status.FAILED, message=_("计算失败，请重新计算或联系管理员")
        )
        snapshot.refresh_from_db()
        return snapshot
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
        if snapshot.status != Snapshot.Status.COMPUTING:  # given up on meanwhile (stale)
            return snapshot
        snapshot.results = results
        snapshot.diff = _diff(snapshot.previous, results) if snapshot.previous_id else []
        snapshot.status = Snapshot.Status.DRAFT
        snapshot.progress = 100
        snapshot.message = ""
        snapshot.computed_at = timezone.now()
        snapshot.save()
    return snapshot


def _units(kind: str, tenant: str) -> list[tuple[int, str]]:
    """The units a group ranks: of the scheme's county, or (a city's scheme) of the city."""
    units = Unit.objects.filter(kind=kind, is_active=True)
    if tenant:
        units = units.filter(tenant=tenant)
    return list(units.order_by("sort_order", "id").values_list("pk", "name"))


def _compute(snapshot: Snapshot) -> dict:
    scheme = snapshot.scheme
    period = periods.Period(snapshot.period_kind, snapshot.period_first, snapshot.period_last)
    known = registry.discover()
    metrics = [
        {
            "code": m.code,
            "label": str(known[m.code].label) if m.code in known else m.code,
            "module": known[m.code].module if m.code in known else "",
            "kind": known[m.code].kind if m.code in known else "rate",
            "weight": m.weight,
            "direction": m.direction,
            "normalisation": m.normalisation,
            "min_sample": m.min_sample,
        }
        for m in scheme.metrics.all()
    ]
    ctx: dict = {}
    figures: dict = {}
    for i, m in enumerate(metrics):
        plugin = known.get(m["code"])
        _progress(snapshot, int(80 * i / max(len(metrics), 1)), _("正在计算：%s") % m["label"])
        figures[m["code"]] = plugin.compute(period, ctx) if plugin else {}
    scheme_groups = list(scheme.groups.all())
    if any(g.unit_kind == "county" for g in scheme_groups):
        # a city ranking its counties: each county's figures from its units' (org.tenancy)
        counties = dict(Unit.objects.filter(kind=Unit.Kind.COUNTY).values_list("path", "pk"))
        county_of = {
            pk: counties[tenant]
            for pk, tenant in Unit.objects.exclude(tenant="").values_list("pk", "tenant")
            if tenant in counties
        }
        for m in metrics:
            figures[m["code"]] = {
                **figures[m["code"]],
                **scoring.county_figures(figures[m["code"]], m["kind"], county_of),
            }
    _progress(snapshot, 85, _("正在计算加减分与名次"))
    bonus: dict = {}
    items = Adjustment.objects.filter(
        status=Adjustment.Status.ACTIVE,
        occurred_on__gte=period.first,
        occurred_on__lte=period.last,
    ).order_by("occurred_on", "id")
    for a in items:
        bonus.setdefault(a.unit_id, []).append(
            {
                "id": a.pk,
                "kind": a.kind,
                "kind_label": str(a.get_kind_display()),
                "points": a.points,
                "reason": a.reason,
                "occurred_on": a.occurred_on.isoformat(),
            }
        )
    groups = []
    for g in scheme_groups:
        rows = scoring.rank_group(metrics, _units(g.unit_kind, snapshot.tenant), figures, bonus)
        lad = scoring.ladder(rows, praise_top=scheme.praise_top) if scheme.ladder else {}
        groups.append(
            {
                "name": g.name,
                "unit_kind": g.unit_kind,
                "rows": rows,
                "top": [r["unit_id"] for r in lad.get("top", [])],
                "last": [r["unit_id"] for r in lad.get("last", [])],
            }
        )
    return _jsonable(
        {
            "period": {
                "kind": period.kind,
                "key": period.key,
                "label": period.label,
                "first": period.first.isoformat(),
                "last": period.last.isoformat(),
            },
            "scheme": {
                "id": scheme.pk,
                "code": scheme.code,
                "version": scheme.version,
                "name": scheme.name,
                "praise_top": scheme.praise_top,
            },
            "metrics": metrics,
            "groups": groups,
            "exposures": _exposures(period),
        }
    )


def _exposures(period) -> list[dict]:
    """The 曝光台 cases published in the period, frozen with the snapshot as the public text
    (personal data already removed): the bulletin names them."""
    published = Exposure.objects.filter(
        status=Exposure.Status.PUBLISHED,
        published_at__date__gte=period.first,
        published_at__date__lte=period.last,
    ).select_related("unit")
    return [
        {
            "id": e.pk,
            "kind": e.kind,
            "kind_label": str(e.get_kind_display()),
            "title": e.title,
            "unit_name": e.unit.name,
            "occurred_on": e.occurred_on.isoformat(),
            "text": e.public_body,
        }
        for e in published.order_by("kind", "published_at", "pk")
    ]


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _index(results: dict) -> dict:
    return {
        (g["name"], r["unit_id"]): r for g in results.get("groups", []) for r in g.get("rows", [])
    }


def _diff(previous: Snapshot, results: dict) -> list[dict]:
    """Units whose rank or score changed from the previous version (or that appeared)."""
    before, after = _index(previous.results or {}), _index(results)
    out = []
    for key, row in after.items():
        old = before.get(key)
        was = (old["rank"], old["score"]) if old else (None, None)
        if was != (row["rank"], row["score"]):
            out.append(
                {
                    "group": key[0],
                    "unit_id": row["unit_id"],
                    "unit_name": row["unit_name"],
                    "rank_before": was[0],
                    "rank_after": row["rank"],
                    "score_before": was[1],
                    "score_after": row["score"],
                }
            )
    return out


def snapshot_publish(*, actor, snapshot: Snapshot, document_number: str = "") -> Snapshot:
    """Freeze the version and put units on the rule ladder's lists (who, when, why)."""
    with transaction.atomic():
        snapshot = workflow.lock(actor, snapshot, action="publish", table=SNAPSHOT)
        snapshot.status = SNAPSHOT.target("publish", snapshot.status)
        snapshot.published_at = timezone.now()
        snapshot.published_by = actor or None
        if document_number.strip():
            snapshot.document_number = document_number.strip()[:60]
        snapshot.save(update_fields=["status", "published_at", "published_by", "document_number"])
        workflow.record(
            actor,
            "assessment.snapshot_publish",
            snapshot,
            after={"status": snapshot.status, "document_number": snapshot.document_number},
        )
        _list(actor, snapshot)
    return snapshot


def _previous_last(snapshot: Snapshot) -> dict[str, set[int]]:
    """The units that were last in their group in each of the published rankings of the
    `talk_after − 1` periods before (with this one: last `talk_after` times in a row)."""
    period = periods.Period(snapshot.period_kind, snapshot.period_first, snapshot.period_last)
    needed = max(snapshot.scheme.talk_after - 1, 1)
    common: dict[str, set[int]] | None = None
    for _step in range(needed):
        period = period.previous()
        prev = (
            Snapshot.objects.filter(
                tenant=snapshot.tenant,
                period_kind=period.kind,
                period_key=period.key,
                status=Snapshot.Status.PUBLISHED,
            )
            .order_by("-version")
            .first()
        )
        if prev is None:
            return {}
        lasts = {g["name"]: set(g.get("last", [])) for g in prev.results.get("groups", [])}
        common = (
            lasts if common is None else {k: v & lasts.get(k, set()) for k, v in common.items()}
        )
    return common or {}


def _list(actor, snapshot: Snapshot) -> list[Listing]:
    label = snapshot.results["period"]["label"]
    twice = _previous_last(snapshot)
    already = set(
        Listing.objects.filter(
            snapshot__period_kind=snapshot.period_kind, snapshot__period_key=snapshot.period_key
        ).values_list("unit_id", "kind")
    )
    made = []
    for g in snapshot.results.get("groups", []):
        rows = {r["unit_id"]: r for r in g["rows"]}
        wanted = []
        for uid in g.get("top", []):
            r = rows[uid]
            wanted.append(
                (
                    uid,
                    Listing.Kind.PRAISE,
                    _("%(period)s%(group)s第%(rank)s名，得分%(score)s")
                    % {"period": label, "group": g["name"], "rank": r["rank"], "score": r["score"]},
                )
            )
        for uid in g.get("last", []):
            r = rows[uid]
            if uid in twice.get(g["name"], set()):
                kind = Listing.Kind.TALK
                why = _(
                    "%(period)s%(group)s排名末位（第%(rank)s名，得分%(score)s），"
                    "连续%(times)s次末位"
                )
            else:
                kind = Listing.Kind.STATEMENT
                why = _("%(period)s%(group)s排名末位（第%(rank)s名，得分%(score)s）")
            wanted.append(
                (
                    uid,
                    kind,
                    why
                    % {
                        "period": label,
                        "group": g["name"],
                        "rank": r["rank"],
                        "score": r["score"],
                        "times": snapshot.scheme.talk_after,
                    },
                )
            )
        for uid, kind, why in wanted:
            if (uid, kind) in already:
                continue
            already.add((uid, kind))
            listing = Listing.objects.create(
                snapshot=snapshot,
                unit_id=uid,
                group_name=g["name"],
                kind=kind,
                reason=why[:300],
                status=Listing.Status.PENDING,
                created_by=actor or None,
            )
            workflow.record(
                actor,
                "assessment.listing_add",
                listing,
                after={"kind": kind, "unit": uid},
                reason=listing.reason,
            )
            made.append(listing)
    return made


def snapshot_discard(*, actor, snapshot: Snapshot, reason: str) -> Snapshot:
    if not (reason or "").strip():
        raise InvalidInput("ASSESSMENT_REASON_REQUIRED", _("请填写废弃原因"))
    with transaction.atomic():
        snapshot = workflow.lock(actor, snapshot, action="discard", table=SNAPSHOT)
        snapshot.status = SNAPSHOT.target("discard", snapshot.status)
        snapshot.save(update_fields=["status"])
        workflow.record(
            actor,
            "assessment.snapshot_discard",
            snapshot,
            after={"status": snapshot.status},
            reason=reason,
        )
    return snapshot


def snapshot_set_number(*, actor, snapshot: Snapshot, document_number: str) -> Snapshot:
    """The 文号 of a draft; a published version is frozen (recompute makes a new one)."""
    with transaction.atomic():
        snapshot = workflow.lock(actor, snapshot, action="publish")
        if snapshot.status != Snapshot.Status.DRAFT:
            raise DomainError(
                "ASSESSMENT_SNAPSHOT_FROZEN",
                _("已发布的排名不能修改；如数据有变化，请重新计算生成新版本"),
            )
        snapshot.document_number = (document_number or "").strip()[:60]
        snapshot.save(update_fields=["document_number"])
    return snapshot
