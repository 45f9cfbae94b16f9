"""企业宁静日 (cn_rules §8): no on-site inspection on a quiet day (default days 1–20 of each
month) unless an exception from the fixed list was filed at least 3 working days ahead —
emergencies the same day, reviewed afterwards. Firms report inspections that broke the rule;
each report becomes a 12345 work order."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit, workflow
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.inspections import transitions as t
from yingshang.inspections.models import Inspection, QuietComplaint, QuietException
from yingshang.inspections.services.registers import config
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.workcal import calendar

C = QuietException.Category


def is_quiet_day(day: dt.date) -> bool:
    cfg = config()
    return cfg.quiet_from <= day.day <= cfg.quiet_to


def exception_for(inspection: Inspection, day: dt.date) -> QuietException | None:
    """A filed exception covering the visit (the joint host's covers the joined inspection)."""
    ids = [inspection.pk] + ([inspection.joint_with_id] if inspection.joint_with_id else [])
    return (
        QuietException.objects.filter(inspection_id__in=ids, planned_on=day)
        .exclude(review=QuietException.Review.REJECTED)
        .first()
    )


def check_quiet_day(inspection: Inspection, day: dt.date) -> None:
    if is_quiet_day(day) and exception_for(inspection, day) is None:
        cfg = config()
        raise DomainError(
            "INSPECTIONS_QUIET_DAY",
            _(
                "%(day)s是企业宁静日（每月%(a)d日至%(b)d日），不安排入企检查；确需检查的，请先按例外事由报备"
            )
            % {"day": day.isoformat(), "a": cfg.quiet_from, "b": cfg.quiet_to},
            details={"field": "scheduled_on", "day": day.isoformat()},
        )


@transaction.atomic
def inspection_file_exception(
    *,
    actor,
    inspection: Inspection,
    planned_on: dt.date,
    category: str,
    reason: str,
    at: dt.datetime | None = None,
) -> QuietException:
    """入企行政执法报备. Filed ≥ lead days (working) before the visit; an emergency is filed on
    the day itself and reviewed afterwards."""
    inspection = workflow.lock(actor, inspection, action="file_exception", table=t.INSPECTION)
    at = at or timezone.now()
    today = calendar.local_date(at)
    if category not in C.values:
        raise InvalidInput(
            "INSPECTIONS_EXCEPTION_CATEGORY_INVALID",
            _("例外事由须从规定的清单中选择"),
            details={"field": "category"},
        )
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput(
            "INSPECTIONS_EXCEPTION_REASON_REQUIRED",
            _("请具体说明例外检查的原因（至少4个字）"),
            details={"field": "reason"},
        )
    if not is_quiet_day(planned_on):
        raise InvalidInput(
            "INSPECTIONS_EXCEPTION_NOT_NEEDED",
            _("该日期不是企业宁静日，无需报备"),
            details={"field": "planned_on"},
        )
    plan = inspection.plan
    if not plan.window_start <= planned_on <= plan.window_end:
        raise InvalidInput(
            "INSPECTIONS_DATE_OUTSIDE_WINDOW",
            _("检查日期不在计划的检查时段内"),
            details={"field": "planned_on"},
        )
    lead = config().exception_lead_days
    if category == C.EMERGENCY:
        if planned_on != today:
            raise InvalidInput(
                "INSPECTIONS_EMERGENCY_SAME_DAY",
                _("突发事件应急处置的例外只能在检查当日报备"),
                details={"field": "planned_on"},
            )
        review = QuietException.Review.PENDING
    else:
        ahead = calendar.working_days_between(today, planned_on)
        if ahead < lead:
            raise InvalidInput(
                "INSPECTIONS_EXCEPTION_TOO_LATE",
                _("宁静日例外检查须至少提前%(n)d个工作日报备（现距检查日仅%(d)d个工作日）")
                % {"n": lead, "d": max(ahead, 0)},
                details={"field": "planned_on", "required": lead, "ahead": ahead},
            )
        review = QuietException.Review.NOT_NEEDED
    exc = QuietException.objects.create(
        inspection=inspection,
        unit=inspection.plan.lead_unit,
        planned_on=planned_on,
        category=category,
        reason=reason,
        filed_by=actor,
        filed_at=at,
        review=review,
    )
    workflow.record(
        actor,
        "inspections.file_exception",
        inspection,
        after={"planned_on": planned_on, "category": category, "review": review},
        reason=reason,
    )
    return exc


@transaction.atomic
def exception_review(
    *, actor, exception: QuietException, confirmed: bool, note: str = ""
) -> QuietException:
    """事后审查 of an emergency exception, by the 营商办 (supervisors) or an admin."""
    if not scope.grants(actor).has(Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDeniedError(
            "INSPECTIONS_REVIEW_FORBIDDEN", _("仅营商办督查人员可以审查例外报备")
        )
    exception = QuietException.objects.select_for_update().get(pk=exception.pk)
    if exception.review != QuietException.Review.PENDING:
        raise DomainError("INSPECTIONS_REVIEW_NOT_PENDING", _("该报备无需或已完成事后审查"))
    if not confirmed and not (note or "").strip():
        raise InvalidInput(
            "INSPECTIONS_REVIEW_NOTE_REQUIRED",
            _("不予认可时请写明审查意见"),
            details={"field": "note"},
        )
    before = workflow.snapshot(exception, "review")
    exception.review = (
        QuietException.Review.CONFIRMED if confirmed else QuietException.Review.REJECTED
    )
    exception.review_note = (note or "").strip()[:300]
    exception.save(update_fields=["review", "review_note"])
    workflow.record(
        actor,
        "inspections.exception_review",
        exception.inspection,
        before=before,
        after={"review": exception.review},
        reason=exception.review_note,
    )
    return exception


@transaction.atomic
def quiet_complaint_file(
    *, actor, inspected_on: dt.date, unit_name: str, text: str
) -> QuietComplaint:
    """A firm reports a visit that broke the quiet-day rule: registered as a 12345 complaint."""
    from yingshang.hotline.models import WorkOrder
    from yingshang.hotline.services import workorder_register

    firm = getattr(actor, "firm", None)
    if firm is None:
        raise PermissionDeniedError("INSPECTIONS_FIRM_ONLY", _("请使用企业账号登录后反映"))
    if inspected_on > timezone.localdate():
        raise InvalidInput(
            "INSPECTIONS_DATE_IN_FUTURE",
            _("被检查日期不能晚于今天"),
            details={"field": "inspected_on"},
        )
    unit_name = (unit_name or "").strip()
    text = (text or "").strip()
    if not unit_name:
        raise InvalidInput(
            "INSPECTIONS_FIELD_REQUIRED", _("请填写检查单位"), details={"field": "unit_name"}
        )
    if len(text) < 5:
        raise InvalidInput(
            "INSPECTIONS_FIELD_REQUIRED",
            _("请说明检查情况（至少5个字）"),
            details={"field": "text"},
        )
    phone = getattr(actor, "mobile", "") or firm.contact_phone
    order = workorder_register(
        actor=actor,
        content=_("企业反映宁静日违规入企检查：%(firm)s于%(day)s被%(unit)s入企检查。%(text)s")
        % {
            "firm": firm.name,
            "day": inspected_on.isoformat(),
            "unit": unit_name[:100],
            "text": text,
        },
        channel=WorkOrder.Channel.WEB,
        category=WorkOrder.Category.COMPLAINT,
        caller_name=getattr(actor, "display_name", "") or firm.name,
        caller_phone=phone,
        anonymous=not phone,
        firm=firm,
        title=_("宁静日违规入企检查反映"),
    )
    complaint = QuietComplaint.objects.create(
        firm=firm,
        filed_by=actor,
        inspected_on=inspected_on,
        unit_name=unit_name[:100],
        text=text,
        work_order=order,
        filed_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="inspections.quiet_complaint",
        obj=complaint,
        after={"work_order": order.number, "inspected_on": inspected_on, "unit_name": unit_name},
    )
    return complaint


def exceptions_of_month(year: int, month: int):
    """The monthly report: every exception with a visit in that month (published on the portal)."""
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return (
        QuietException.objects.filter(planned_on__range=(first, last))
        .select_related("unit", "inspection__firm")
        .order_by("planned_on", "pk")
    )
