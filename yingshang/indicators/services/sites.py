"""Sites (towns, service centres) and the per-site values of a site-measured leaf. The leaf's
value is the weighted mean of the site values (shown), its score the weighted mean of the site
scores (scoring.site_score) — the Doing Business multi-city method."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput
from yingshang.indicators import scorecache
from yingshang.indicators.models import Site, SiteValue, Value
from yingshang.indicators.services.tree import _decimal, _office
from yingshang.indicators.services.values import _lock, plausible


def _weight(raw) -> Decimal:
    weight = _decimal(raw, _("权重"), "weight")
    if weight is None or weight <= 0:
        raise InvalidInput(
            "INDICATOR_SITE_WEIGHT_INVALID",
            _("站点权重（如常住人口）必须大于0"),
            details={"field": "weight"},
        )
    return weight


@transaction.atomic
def site_create(*, actor, code: str, name: str, weight, kind: str = Site.Kind.TOWN) -> Site:
    _office(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise InvalidInput(
            "INDICATOR_SITE_INVALID", _("请填写站点代号和名称"), details={"field": "code"}
        )
    if kind not in Site.Kind.values:
        raise InvalidInput("INDICATOR_SITE_INVALID", _("站点类型无效"), details={"field": "kind"})
    if Site.objects.filter(code=code).exists():
        raise DomainError(
            "INDICATOR_SITE_EXISTS", _("站点代号“%(c)s”已存在") % {"c": code}, status=409
        )
    site = Site.objects.create(code=code, name=name, kind=kind, weight=_weight(weight))
    workflow.record(
        actor, "indicator.site_create", site, after={"name": name, "weight": str(site.weight)}
    )
    return site


@transaction.atomic
def site_update(*, actor, site: Site, weight=None, is_active=None, reason: str = "") -> Site:
    """New population figures, or a site taken out (kept; its past values keep their weight)."""
    _office(actor)
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = workflow.snapshot(site, "weight", "is_active")
    if weight is not None:
        site.weight = _weight(weight)
    if is_active is not None:
        if not is_active and not (reason or "").strip():
            raise InvalidInput("REASON_REQUIRED", _("请填写停用原因"), details={"field": "reason"})
        site.is_active = bool(is_active)
    site.save(update_fields=["weight", "is_active"])
    workflow.record(
        actor,
        "indicator.site_update",
        site,
        before={k: str(v) for k, v in before.items()},
        after={"weight": str(site.weight), "is_active": site.is_active},
        reason=reason,
    )
    return site


@transaction.atomic
def value_sites(*, actor, value: Value, numbers: dict) -> Value:
    """Enter the site values of a site-measured leaf ({site_id or code: number}); an empty
    number leaves that site out. The value becomes their weighted mean."""
    value = _lock(actor, value, "enter")
    ind = value.indicator
    if not ind.by_site:
        raise DomainError(
            "INDICATOR_NOT_BY_SITE", _("“%(n)s”不是分站点测算的指标") % {"n": ind.name}
        )
    sites = {str(s.pk): s for s in Site.objects.filter(is_active=True)}
    sites.update({s.code: s for s in sites.values()})
    parsed = []
    for key, raw in numbers.items():
        site = sites.get(str(key))
        if site is None:
            raise InvalidInput(
                "INDICATOR_SITE_UNKNOWN",
                _("未知或已停用的站点“%(s)s”") % {"s": key},
                details={"field": f"site_{key}"},
            )
        number = _decimal(raw, site.name, f"site_{site.pk}")
        if number is not None:
            try:
                plausible(ind, number)
            except InvalidInput as exc:
                raise InvalidInput(
                    exc.code,
                    _("站点“%(s)s”：%(m)s") % {"s": site.name, "m": exc.message},
                    details={"field": f"site_{site.pk}"},
                ) from None
            parsed.append((site, number))
    if not parsed:
        raise InvalidInput(
            "INDICATOR_SITE_VALUES_REQUIRED",
            _("请至少填写一个站点的数值"),
            details={"field": "sites"},
        )
    before = {sv.site.code: str(sv.number) for sv in value.site_values.select_related("site")}
    kept = {site.pk for site, _n in parsed}
    value.site_values.exclude(site_id__in=kept).update(number=None)  # left out, row kept
    scorecache.bump_after_commit()  # a bulk write: no signal
    for site, number in parsed:
        SiteValue.objects.update_or_create(
            value=value, site=site, defaults={"number": number, "weight": site.weight}
        )
    total = sum((s.weight for s, _n in parsed), Decimal(0))
    value.value = sum((s.weight * n for s, n in parsed), Decimal(0)) / total
    value.value = value.value.quantize(Decimal("0.0001"))
    value.save(update_fields=["value"])
    workflow.record(
        actor,
        "indicator.sites",
        value,
        before=before,
        after={s.code: str(n) for s, n in parsed} | {"value": str(value.value)},
    )
    return value
