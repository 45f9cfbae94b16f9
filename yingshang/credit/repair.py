"""信用修复 (cn_rules §9): the subject applies after the minimum publicity period with the
materials (application form, pledge, proof of performance); the credit administrator reviews
within a working-day limit (workcal clock) and accepts, returns for more, or refuses with
reasons. An accepted repair stops the record being public (and lifts the 联合惩戒 it caused);
the record is kept. Every step is audited and shown to the firm."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import numbering, uploads, workflow
from yingshang.credit import transitions as t
from yingshang.credit.models import (
    DishonestListing,
    Penalty,
    RepairApplication,
    RepairMaterial,
)
from yingshang.credit.scopes import owns
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.notify import services as notify
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.workcal import calendar, clocks

REVIEW_DAYS = getattr(settings, "CREDIT_REPAIR_REVIEW_WORKING_DAYS", 5)
PURPOSE = "credit.repair_review"
REQUIRED = (RepairMaterial.Kind.FORM, RepairMaterial.Kind.PLEDGE, RepairMaterial.Kind.PROOF)
OPEN = (t.SUBMITTED, t.RETURNED)


def _save_materials(app, files: dict, round_: int, *, require_all: bool) -> list[RepairMaterial]:
    files = {k: [f for f in (v or []) if f] for k, v in (files or {}).items()}
    unknown = set(files) - set(RepairMaterial.Kind.values)
    if unknown:
        raise InvalidInput("REPAIR_MATERIAL_KIND_INVALID", _("材料类型无效"))
    if require_all:
        missing = [RepairMaterial.Kind(k).label for k in REQUIRED if not files.get(k)]
        if missing:
            raise InvalidInput(
                "REPAIR_MATERIALS_MISSING",
                _("请上传：%(items)s") % {"items": "、".join(str(m) for m in missing)},
                details={"missing": [k for k in REQUIRED if not files.get(k)]},
            )
    elif not any(files.values()):
        raise InvalidInput("REPAIR_MATERIALS_MISSING", _("请上传补充的材料"))
    checked = uploads.check_all(files, field_prefix="material_")
    saved = []
    for kind, items in checked.items():
        for c in items:
            m = RepairMaterial(
                application=app,
                kind=kind,
                round=round_,
                original_name=c.name,
                content_type=c.content_type,
                size=c.size,
                sha256=c.sha256,
            )
            m.file.save(c.name, c.file, save=False)
            m.save()
            saved.append(m)
    return saved


def _in_force(record) -> bool:
    if isinstance(record, Penalty):
        return record.is_public
    return record.status == t.LISTED and record.active


def _start_clock(app, at) -> None:
    clock = clocks.clock_start(
        owner=app, purpose=PURPOSE, amount=REVIEW_DAYS, unit="working_days", started_at=at
    )
    app.mirror(clock)


def repair_apply(*, actor, record, statement: str, files: dict, at=None) -> RepairApplication:
    """`record` is a Penalty or a DishonestListing of the actor's own credit file."""
    workflow.require_actor(actor)
    at = at or timezone.now()
    if not isinstance(record, Penalty | DishonestListing):
        raise InvalidInput("REPAIR_RECORD_INVALID", _("请选择要修复的信用记录"))
    if not owns(grants(actor), record.subject_id):
        raise PermissionDeniedError(
            "REPAIR_NOT_APPLICANT", _("只能为本企业（本人）的信用记录申请修复")
        )
    statement = (statement or "").strip()
    if not statement:
        raise InvalidInput("REPAIR_STATEMENT_REQUIRED", _("请填写修复申请说明（履行情况）"))
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        if not _in_force(record):
            raise DomainError("REPAIR_NOT_NEEDED", _("该记录已不在公示期内或已修复，无需申请"))
        today = calendar.local_date(at)
        if record.repair_from and today < record.repair_from:
            raise DomainError(
                "REPAIR_TOO_EARLY",
                _("最短公示期未满，%(date)s起方可申请信用修复")
                % {"date": f"{record.repair_from:%Y年%-m月%-d日}"},
                details={"possible_from": record.repair_from.isoformat()},
            )
        field = "penalty" if isinstance(record, Penalty) else "listing"
        if RepairApplication.objects.filter(**{field: record}, status__in=OPEN).exists():
            raise DomainError("REPAIR_PENDING", _("该记录已有正在办理的修复申请"))
        day = calendar.local_date(at)
        app = RepairApplication(
            number=f"XF{day:%Y%m%d}{numbering.take(f'credit-repair:{day.isoformat()}'):04d}",
            subject_id=record.subject_id,
            unit_id=record.unit_id,
            applicant=actor,
            statement=statement,
            pledge=True,
            submitted_at=at,
            **{field: record},
        )
        app.save()
        materials = _save_materials(app, files, 1, require_all=True)
        _start_clock(app, at)
        app.save(update_fields=["due_at", "clock_state"])
        workflow.record(
            actor,
            "credit.repair_apply",
            app,
            after={
                "status": app.status,
                "due_at": app.due_at,
                "materials": [m.original_name for m in materials],
            },
            reason=statement,
        )
        _tell_reviewers(app, _("新的信用修复申请 %(no)s 待审核") % {"no": app.number})
    return app


def _tell_reviewers(app, body: str) -> None:
    from yingshang.org.staff import staff_of

    reviewers = staff_of(None, [Role.SUPERVISOR])
    notify.send_to(reviewers, body=body, related=app)


def _tell_applicant(app, body: str) -> None:
    notify.send_to([app.applicant], body=body, related=app)


def _review(actor, app, action: str, reason: str, at) -> tuple[RepairApplication, dict]:
    app = workflow.lock(actor, app, action=action, table=t.REPAIR)
    before = workflow.snapshot(app, "status")
    on_time = app.due_at is None or at <= app.due_at
    app.on_time = on_time if app.on_time is None else (app.on_time and on_time)
    clocks.clock_stop_open(app, PURPOSE, at=at)
    app.status = t.REPAIR.target(action, app.status)
    app.decision_reason = reason
    app.due_at, app.clock_state = None, ""
    return app, before


def repair_return(*, actor, application: RepairApplication, reason: str, at=None):
    """Return for more materials (退回补充): the clock stops; resubmission starts a new one."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REPAIR_REASON_REQUIRED", _("请写明需要补充的材料或退回原因"))
    at = at or timezone.now()
    with transaction.atomic():
        app, before = _review(actor, application, "return", reason, at)
        app.save()
        workflow.record(
            actor,
            "credit.repair_return",
            app,
            before=before,
            after={"status": app.status},
            reason=reason,
        )
        _tell_applicant(
            app, _("您的信用修复申请 %(no)s 需补充材料：%(r)s") % {"no": app.number, "r": reason}
        )
    return app


def repair_resubmit(
    *, actor, application: RepairApplication, files: dict, statement: str = "", at=None
):
    at = at or timezone.now()
    with transaction.atomic():
        app = workflow.lock(actor, application, action="resubmit", table=t.REPAIR)
        before = workflow.snapshot(app, "status")
        app.rounds += 1
        materials = _save_materials(app, files, app.rounds, require_all=False)
        if (statement or "").strip():
            app.statement = statement.strip()
        app.status = t.REPAIR.target("resubmit", app.status)
        app.submitted_at = at
        _start_clock(app, at)
        app.save()
        workflow.record(
            actor,
            "credit.repair_resubmit",
            app,
            before=before,
            after={
                "status": app.status,
                "due_at": app.due_at,
                "materials": [m.original_name for m in materials],
            },
            reason=statement or "",
        )
        _tell_reviewers(app, _("信用修复申请 %(no)s 已补充材料，待审核") % {"no": app.number})
    return app


def repair_accept(*, actor, application: RepairApplication, reason: str = "", at=None):
    """Accept: the record stops being public and no longer blocks benefits; it is kept."""
    at = at or timezone.now()
    reason = (reason or "").strip() or _("材料齐全，已履行完毕，同意信用修复")
    with transaction.atomic():
        app, before = _review(actor, application, "accept", reason, at)
        app.decided_at = at
        app.save()
        record = type(app.record).objects.select_for_update().get(pk=app.record.pk)
        if isinstance(record, Penalty):
            rec_before = {"status": record.status}
            record.status, record.ended_at = Penalty.Status.REPAIRED, at
            record.save(update_fields=["status", "ended_at"])
        else:
            rec_before = {"status": record.status, "active": record.active}
            record.status, record.active = t.REPAIRED, False
            record.delisted_at, record.delisted_by = at, actor
            record.delist_reason = _("信用修复（%(no)s）") % {"no": app.number}
            record.save(
                update_fields=["status", "active", "delisted_at", "delisted_by", "delist_reason"]
            )
        workflow.record(
            actor,
            "credit.repair_accept",
            app,
            before=before,
            after={"status": app.status},
            reason=reason,
        )
        workflow.record(
            actor,
            "credit.repaired",
            record,
            before=rec_before,
            after={"status": record.status},
            reason=app.number,
        )
        _tell_applicant(
            app, _("您的信用修复申请 %(no)s 已通过，相关记录已停止公示") % {"no": app.number}
        )
    return app


def repair_refuse(*, actor, application: RepairApplication, reason: str, at=None):
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REPAIR_REASON_REQUIRED", _("请写明不予修复的理由"))
    at = at or timezone.now()
    with transaction.atomic():
        app, before = _review(actor, application, "refuse", reason, at)
        app.decided_at = at
        app.save()
        workflow.record(
            actor,
            "credit.repair_refuse",
            app,
            before=before,
            after={"status": app.status},
            reason=reason,
        )
        _tell_applicant(
            app, _("您的信用修复申请 %(no)s 未通过：%(r)s") % {"no": app.number, "r": reason}
        )
    return app


def repair_withdraw(*, actor, application: RepairApplication, reason: str = "", at=None):
    at = at or timezone.now()
    with transaction.atomic():
        app = workflow.lock(actor, application, action="withdraw", table=t.REPAIR)
        before = workflow.snapshot(app, "status")
        clocks.clock_stop_open(app, PURPOSE, at=at)
        app.status, app.due_at, app.clock_state = t.WITHDRAWN, None, ""
        app.save()
        workflow.record(
            actor,
            "credit.repair_withdraw",
            app,
            before=before,
            after={"status": app.status},
            reason=reason or "",
        )
    return app


def on_clock_transition(new_state: str, moved) -> None:
    ids = [int(m.owner_id) for m in moved if m.purpose == PURPOSE]
    RepairApplication.objects.filter(pk__in=ids, status=t.SUBMITTED).update(clock_state=new_state)
