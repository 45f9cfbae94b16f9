"""一单两库一细则: the county's rules, the matters list, the inspector register with declared
conflicts of interest, and the detailed rules. The entity register is the firm registry itself
(enterprises.Firm), graded by inspections.risk when a draw is committed."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.errors import InvalidInput, PermissionDeniedError
from yingshang.inspections.models import Config, Conflict, Inspector, Matter, RuleDoc
from yingshang.org import scope
from yingshang.org.roles import Role

WORKERS = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def config() -> Config:
    """The saved rules, or the defaults (5 %, days 1–20, 3 working days, 20 working days)."""
    return Config.objects.order_by("pk").first() or Config()


def require_unit_worker(actor, unit) -> None:
    g = scope.grants(actor)
    if not (g.has(Role.ADMIN) or unit.pk in g.units(*WORKERS)):
        raise PermissionDeniedError(
            "INSPECTIONS_NOT_UNIT_STAFF", _("仅本单位的经办人、负责人可以维护本单位的名录")
        )


def _text(value, field: str, label: str, *, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(
            "INSPECTIONS_FIELD_REQUIRED",
            _("请填写%(label)s") % {"label": label},
            details={"field": field},
        )
    if len(value) > max_length:
        raise InvalidInput(
            "INSPECTIONS_FIELD_TOO_LONG",
            _("%(label)s不能超过%(n)d个字") % {"label": label, "n": max_length},
            details={"field": field},
        )
    return value


@transaction.atomic
def config_save(
    *,
    actor,
    min_ratio_bp: int,
    quiet_from: int,
    quiet_to: int,
    exception_lead_days: int = 3,
    publish_days: int = 20,
) -> Config:
    if not scope.grants(actor).has(Role.ADMIN, Role.SUPERVISOR):
        raise PermissionDeniedError(
            "INSPECTIONS_CONFIG_FORBIDDEN", _("仅营商办和管理员可以修改抽查规则")
        )
    if not 1 <= min_ratio_bp <= 10000:
        raise InvalidInput("INSPECTIONS_RATIO_INVALID", _("最低抽查比例应在0.01%到100%之间"))
    if not (1 <= quiet_from <= quiet_to <= 31):
        raise InvalidInput(
            "INSPECTIONS_QUIET_RANGE_INVALID",
            _("宁静日应为每月1日到31日之间的连续日期，且起始日不晚于截止日"),
        )
    if not 0 <= exception_lead_days <= 30 or not 1 <= publish_days <= 60:
        raise InvalidInput(
            "INSPECTIONS_CONFIG_INVALID", _("提前报备天数应为0–30，公示时限应为1–60个工作日")
        )
    cfg = Config.objects.select_for_update().order_by("pk").first() or Config()
    before = {
        f: getattr(cfg, f)
        for f in ("min_ratio_bp", "quiet_from", "quiet_to", "exception_lead_days", "publish_days")
    }
    cfg.min_ratio_bp, cfg.quiet_from, cfg.quiet_to = min_ratio_bp, quiet_from, quiet_to
    cfg.exception_lead_days, cfg.publish_days = exception_lead_days, publish_days
    cfg.save()
    after = {f: getattr(cfg, f) for f in before}
    audit.record(actor=actor, action="inspections.config", obj=cfg, before=before, after=after)
    return cfg


@transaction.atomic
def matter_add(*, actor, unit, code: str, name: str, legal_basis: str, checklist=()) -> Matter:
    require_unit_worker(actor, unit)
    code = _text(code, "code", _("事项编码"), max_length=40)
    items = [str(i).strip()[:200] for i in checklist or () if str(i).strip()]
    if not items:
        raise InvalidInput(
            "INSPECTIONS_CHECKLIST_REQUIRED",
            _("请至少填写一项检查要点"),
            details={"field": "checklist"},
        )
    if Matter.objects.filter(code=code).exists():
        raise InvalidInput(
            "INSPECTIONS_MATTER_CODE_TAKEN", _("事项编码已存在"), details={"field": "code"}
        )
    matter = Matter.objects.create(
        unit=unit,
        code=code,
        name=_text(name, "name", _("抽查事项名称"), max_length=120),
        legal_basis=_text(legal_basis, "legal_basis", _("法律依据"), max_length=2000),
        checklist=items,
    )
    audit.record(
        actor=actor,
        action="inspections.matter_add",
        obj=matter,
        after={"code": code, "name": matter.name},
    )
    return matter


@transaction.atomic
def inspector_add(
    *, actor, unit, code: str, name: str, region_code: str = "", qualifications: str = "", user=None
) -> Inspector:
    require_unit_worker(actor, unit)
    code = _text(code, "code", _("执法证号"), max_length=40)
    if Inspector.objects.filter(code=code).exists():
        raise InvalidInput(
            "INSPECTIONS_INSPECTOR_CODE_TAKEN", _("执法证号已在名录库中"), details={"field": "code"}
        )
    inspector = Inspector.objects.create(
        unit=unit,
        code=code,
        name=_text(name, "name", _("姓名"), max_length=40),
        region_code=(region_code or "").strip()[:12],
        qualifications=(qualifications or "").strip()[:200],
        user=user,
    )
    audit.record(
        actor=actor,
        action="inspections.inspector_add",
        obj=inspector,
        after={"code": code, "name": inspector.name},
    )
    return inspector


@transaction.atomic
def inspector_withdraw(*, actor, inspector: Inspector, reason: str) -> Inspector:
    """Out of the register (调离、退休): kept, no longer drawn."""
    require_unit_worker(actor, inspector.unit)
    reason = _text(reason, "reason", _("出库原因"), max_length=300)
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    inspector.active = False
    inspector.save(update_fields=["active"])
    audit.record(
        actor=actor,
        action="inspections.inspector_withdraw",
        obj=inspector,
        after={"active": False},
        reason=reason,
    )
    return inspector


@transaction.atomic
def conflict_declare(*, actor, inspector: Inspector, firm, reason: str) -> Conflict:
    """利益冲突申报: the inspector (or their unit) declares a firm they must withdraw from."""
    own = inspector.user_id is not None and inspector.user_id == actor.pk
    if not own:
        require_unit_worker(actor, inspector.unit)
    reason = _text(reason, "reason", _("回避事由"), max_length=200)
    try:
        with transaction.atomic():
            conflict = Conflict.objects.create(
                inspector=inspector, firm=firm, reason=reason, declared_at=timezone.now()
            )
    except IntegrityError:
        raise InvalidInput(
            "INSPECTIONS_CONFLICT_EXISTS", _("已申报过对该企业的回避"), details={"field": "firm"}
        ) from None
    audit.record(
        actor=actor,
        action="inspections.conflict_declare",
        obj=inspector,
        after={"firm": firm.name, "reason": reason},
    )
    return conflict


@transaction.atomic
def rule_publish(*, actor, unit, title: str, body: str) -> RuleDoc:
    require_unit_worker(actor, unit)
    doc = RuleDoc.objects.create(
        unit=unit,
        title=_text(title, "title", _("标题"), max_length=120),
        body=_text(body, "body", _("内容"), max_length=20000),
        published_at=timezone.now(),
    )
    audit.record(
        actor=actor, action="inspections.rule_publish", obj=doc, after={"title": doc.title}
    )
    return doc
