"""Assessment schemes: created as drafts, activated, revised into a new version, retired."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.assessment import registry
from yingshang.assessment.models import PERIOD_KINDS, Scheme, SchemeGroup, SchemeMetric
from yingshang.assessment.scopes import manages
from yingshang.assessment.transitions import SCHEME
from yingshang.errors import InvalidInput, PermissionDeniedError
from yingshang.org import scope, tenancy


def require_manager(actor) -> None:
    if workflow.is_system(actor):
        return
    allowed = manages(scope.grants(actor))
    if not allowed:
        raise PermissionDeniedError(allowed.code, allowed.message)


def _clean_metrics(metrics: list[dict]) -> list[dict]:
    known = registry.discover()
    out, seen = [], set()
    for m in metrics:
        code = (m.get("code") or "").strip()
        if code not in known:
            raise InvalidInput(
                "ASSESSMENT_UNKNOWN_METRIC", _("未知的考核指标：%(code)s") % {"code": code}
            )
        if code in seen:
            raise InvalidInput(
                "ASSESSMENT_DUPLICATE_METRIC",
                _("指标“%(label)s”重复") % {"label": known[code].label},
            )
        seen.add(code)
        try:
            weight = Decimal(str(m.get("weight"))).quantize(Decimal("0.01"))
            min_sample = int(m.get("min_sample") or 0)
        except (InvalidOperation, ValueError, TypeError):
            raise InvalidInput(
                "ASSESSMENT_BAD_WEIGHT",
                _("指标“%(label)s”的权重或最小样本不是数字") % {"label": known[code].label},
            ) from None
        if weight <= 0 or min_sample < 0:
            raise InvalidInput(
                "ASSESSMENT_BAD_WEIGHT",
                _("指标“%(label)s”的权重须大于0，最小样本不能为负") % {"label": known[code].label},
            )
        direction = m.get("direction") or known[code].direction
        normalisation = m.get("normalisation") or known[code].normalisation
        if direction not in SchemeMetric.Direction.values or (
            normalisation not in SchemeMetric.Normalisation.values
        ):
            raise InvalidInput("ASSESSMENT_BAD_METRIC", _("指标的方向或标准化方式无效"))
        out.append(
            {
                "code": code,
                "weight": weight,
                "direction": direction,
                "normalisation": normalisation,
                "min_sample": min_sample,
            }
        )
    if not out:
        raise InvalidInput("ASSESSMENT_NO_METRIC", _("考核方案至少需要一项指标"))
    total = sum(m["weight"] for m in out)
    if total != 100:
        raise InvalidInput(
            "ASSESSMENT_WEIGHTS_NOT_100",
            _("各指标权重之和须为100，当前为%(total)s")
            % {"total": f"{total:f}".rstrip("0").rstrip(".")},
            details={"total": str(total)},
        )
    return out


def _clean_groups(groups: list[dict]) -> list[dict]:
    out = []
    for g in groups:
        kind = g.get("unit_kind")
        if kind not in SchemeGroup.Kind.values:
            raise InvalidInput("ASSESSMENT_BAD_GROUP", _("分组的单位类型无效"))
        name = (g.get("name") or "").strip() or str(SchemeGroup.Kind(kind).label)
        out.append({"name": name[:60], "unit_kind": kind})
    if not out:
        raise InvalidInput("ASSESSMENT_NO_GROUP", _("考核方案至少需要一个参评分组"))
    return out


def _fill(scheme: Scheme, metrics: list[dict], groups: list[dict]) -> None:
    SchemeMetric.objects.bulk_create(SchemeMetric(scheme=scheme, **m) for m in metrics)
    SchemeGroup.objects.bulk_create(SchemeGroup(scheme=scheme, **g) for g in groups)


def _check_head(name: str, period_kind: str, praise_top: int, talk_after: int = 2) -> None:
    if not (name or "").strip():
        raise InvalidInput("ASSESSMENT_NO_NAME", _("请填写方案名称"))
    if period_kind not in dict(PERIOD_KINDS):
        raise InvalidInput("ASSESSMENT_BAD_PERIOD_KIND", _("考核周期须为周、月、季度或年度"))
    if praise_top < 0 or praise_top > 10:
        raise InvalidInput("ASSESSMENT_BAD_PRAISE_TOP", _("表扬名次须在0到10之间"))
    if talk_after < 2 or talk_after > 6:
        raise InvalidInput("ASSESSMENT_BAD_TALK_AFTER", _("约谈所需的连续末位次数须在2到6之间"))


def scheme_create(
    *,
    actor,
    code: str,
    name: str,
    period_kind: str,
    effective_from,
    metrics: list[dict],
    groups: list[dict],
    praise_top: int = 1,
    ladder: bool = True,
    talk_after: int = 2,
    note: str = "",
) -> Scheme:
    workflow.require_actor(actor)
    require_manager(actor)
    _check_head(name, period_kind, praise_top, talk_after)
    code = (code or "").strip()
    if not code:
        raise InvalidInput("ASSESSMENT_NO_CODE", _("请填写方案代号"))
    clean_metrics, clean_groups = _clean_metrics(metrics), _clean_groups(groups)
    tenant = tenancy.home_of(actor)
    with transaction.atomic():
        if Scheme.objects.filter(tenant=tenant, code=code).exists():
            raise InvalidInput("ASSESSMENT_CODE_TAKEN", _("方案代号已存在，请修订该方案生成新版本"))
        scheme = Scheme.objects.create(
            code=code,
            version=1,
            name=name.strip(),
            period_kind=period_kind,
            effective_from=effective_from,
            praise_top=praise_top,
            ladder=ladder,
            talk_after=talk_after,
            note=note,
            created_by=actor or None,
            tenant=tenant,
        )
        _fill(scheme, clean_metrics, clean_groups)
        workflow.record(actor, "assessment.scheme_create", scheme, after=_summary(scheme))
    return scheme


def scheme_revise(
    *,
    actor,
    scheme: Scheme,
    name: str,
    effective_from,
    metrics: list[dict],
    groups: list[dict],
    praise_top: int = 1,
    ladder: bool = True,
    talk_after: int = 2,
    note: str = "",
) -> Scheme:
    """A new draft version of the scheme; the old versions stay as they were (periods already
    computed keep the version they were computed with)."""
    workflow.require_actor(actor)
    require_manager(actor)
    _check_head(name, scheme.period_kind, praise_top, talk_after)
    clean_metrics, clean_groups = _clean_metrics(metrics), _clean_groups(groups)
    with transaction.atomic():
        latest = (
            Scheme.objects.select_for_update()
            .filter(tenant=scheme.tenant, code=scheme.code)
            .order_by("-version")
            .first()
        )
        new = Scheme.objects.create(
            code=scheme.code,
            version=latest.version + 1,
            name=name.strip(),
            period_kind=scheme.period_kind,
            effective_from=effective_from,
            praise_top=praise_top,
            ladder=ladder,
            talk_after=talk_after,
            note=note,
            created_by=actor or None,
            tenant=scheme.tenant,
        )
        _fill(new, clean_metrics, clean_groups)
        workflow.record(
            actor, "assessment.scheme_revise", new, after={"from_version": scheme.version}
        )
    return new


def scheme_activate(*, actor, scheme: Scheme) -> Scheme:
    with transaction.atomic():
        scheme = workflow.lock(actor, scheme, action="activate", table=SCHEME)
        # the weights were checked when it was written; check again (a hand-edited row)
        _clean_metrics(list(scheme.metrics.values()))
        scheme.status = SCHEME.target("activate", scheme.status)
        scheme.save(update_fields=["status"])
        workflow.record(
            actor, "assessment.scheme_activate", scheme, after={"status": scheme.status}
        )
    return scheme


def scheme_retire(*, actor, scheme: Scheme, reason: str = "") -> Scheme:
    with transaction.atomic():
        scheme = workflow.lock(actor, scheme, action="retire", table=SCHEME)
        scheme.status = SCHEME.target("retire", scheme.status)
        scheme.save(update_fields=["status"])
        workflow.record(
            actor,
            "assessment.scheme_retire",
            scheme,
            after={"status": scheme.status},
            reason=reason,
        )
    return scheme


def _summary(scheme: Scheme) -> dict:
    return {
        "name": scheme.name,
        "period_kind": scheme.period_kind,
        "effective_from": scheme.effective_from.isoformat()
        if hasattr(scheme.effective_from, "isoformat")
        else str(scheme.effective_from),
        "metrics": [f"{m.code}:{m.weight}" for m in scheme.metrics.all()],
    }


def in_force(period_kind: str, first, tenant: str = "") -> Scheme | None:
    """The active version of `period_kind` whose effective date is the latest on or before
    `first` (the period's first day), among the schemes of `tenant` (a county of a city; "":
    the city's, or the one county's)."""
    return (
        Scheme.objects.filter(
            tenant=tenant,
            period_kind=period_kind,
            status=Scheme.Status.ACTIVE,
            effective_from__lte=first,
        )
        .order_by("-effective_from", "-version", "-id")
        .first()
    )
