"""Window appointments (预约), including off-hours (错时延时) slots, with capacity per slot.

The citizen chooses a matter (or 一件事), a day and a time; the centre's windows that serve it
are pooled and the booking is assigned to one of them (the least booked). Windows that serve a
matter: active intake windows — a 综合窗口 serves every matter (一窗受理), a 专业窗口 those of its
own unit; 出件窗口 hand results over and take no appointments."""

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.cases.models import Appointment, AppointmentSlot
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org.models import Window
from yingshang.workcal import calendar

REGULAR = [
    (dt.time(9, 0), dt.time(10, 30)),
    (dt.time(10, 30), dt.time(12, 0)),
    (dt.time(13, 30), dt.time(15, 30)),
    (dt.time(15, 30), dt.time(17, 30)),
]
OFF_HOURS = [(dt.time(12, 0), dt.time(13, 30)), (dt.time(17, 30), dt.time(19, 0))]


def slots_ensure(*, window, days: int = 10, capacity: int = 4, start: dt.date | None = None) -> int:
    """Create the regular and off-hours slots of the next `days` working days (idempotent)."""
    day = start or timezone.localdate()
    made = 0
    for i in range(1, days + 1):
        d = calendar.add_working_days(day, i)
        for (s, e), off in [(x, False) for x in REGULAR] + [(x, True) for x in OFF_HOURS]:
            _slot, created = AppointmentSlot.objects.get_or_create(
                window=window,
                date=d,
                start=s,
                defaults={"end": e, "capacity": capacity, "off_hours": off},
            )
            made += created
    return made


# the word that names a window handing results over (出件窗口): no appointments there
PICKUP_WORD = "出件"


def serving_windows(*, matter=None, package=None):
    """The active intake windows that serve the matter (or the package's lead unit)."""
    unit_id = matter.unit_id if matter is not None else package.lead_unit_id
    return (
        Window.objects.filter(is_active=True)
        .exclude(name__contains=PICKUP_WORD)
        .filter(Q(kind=Window.Kind.GENERAL) | Q(kind=Window.Kind.SPECIALIST, hall__id=unit_id))
    )


def _check_target(matter, package) -> None:
    if (matter is None) == (package is None):
        raise InvalidInput("APPOINTMENT_MATTER_REQUIRED", _("请先选择要办理的事项"))
    if matter is not None:
        version = matter.current_version
        if not matter.is_active or version is None or not version.appointment:
            raise DomainError("MATTER_NO_APPOINTMENT", _("该事项不提供预约办理"))
    elif not package.is_active:
        raise DomainError("MATTER_NO_APPOINTMENT", _("该一件事不提供预约办理"))


def free_times(*, date: dt.date, matter=None, package=None) -> list[dict]:
    """The times of `date` with their free places, pooled over the serving windows."""
    rows = (
        AppointmentSlot.objects.filter(
            date=date, window__in=serving_windows(matter=matter, package=package)
        )
        .values("start", "end", "off_hours")
        .annotate(capacity=Sum("capacity"), booked=Sum("booked"))
        .order_by("start")
    )
    return [{**r, "free": max(r["capacity"] - r["booked"], 0)} for r in rows]


def bookable_dates(*, matter=None, package=None, limit: int = 10) -> list[dt.date]:
    """The coming days (from tomorrow) on which a serving window has a free place."""
    return list(
        AppointmentSlot.objects.filter(
            date__gt=timezone.localdate(),
            booked__lt=F("capacity"),
            window__in=serving_windows(matter=matter, package=package),
        )
        .values_list("date", flat=True)
        .distinct()
        .order_by("date")[:limit]
    )


def appointment_request(
    *, actor, date: dt.date, start: dt.time, matter=None, package=None
) -> Appointment:
    """Book a time for a matter: the centre assigns the least booked serving window."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDeniedError("LOGIN_REQUIRED", _("请先登录再预约"))
    _check_target(matter, package)
    with transaction.atomic():
        slots = AppointmentSlot.objects.select_for_update().filter(
            date=date, start=start, window__in=serving_windows(matter=matter, package=package)
        )
        if not slots.exists():
            raise DomainError("SLOT_NOT_FOUND", _("该时段不可预约，请重新选择"), status=404)
        if Appointment.objects.filter(
            slot__in=slots, user=actor, status=Appointment.Status.BOOKED
        ).exists():
            raise DomainError("SLOT_ALREADY_BOOKED", _("您已预约该时段"))
        slot = slots.filter(booked__lt=F("capacity")).order_by("booked", "window__number").first()
        if slot is None:
            raise DomainError("SLOT_FULL", _("该时段已约满，请选择其他时段"))
        return appointment_book(actor=actor, slot=slot, matter=matter, package=package)


def appointment_book(*, actor, slot, matter=None, package=None) -> Appointment:
    """Book one window's slot (appointment_request chooses the window)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDeniedError("LOGIN_REQUIRED", _("请先登录再预约"))
    with transaction.atomic():
        slot = AppointmentSlot.objects.select_for_update().get(pk=getattr(slot, "pk", slot))
        if slot.date <= timezone.localdate():
            raise DomainError("SLOT_PAST", _("该时段已过，请选择其他时段"))
        if Appointment.objects.filter(
            slot=slot, user=actor, status=Appointment.Status.BOOKED
        ).exists():
            raise DomainError("SLOT_ALREADY_BOOKED", _("您已预约该时段"))
        updated = AppointmentSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
        if not updated:
            raise DomainError("SLOT_FULL", _("该时段已约满，请选择其他时段"))
        appointment = Appointment.objects.create(
            slot=slot,
            user=actor,
            matter=matter,
            package=package,
            code=f"Y{slot.date:%m%d}{secrets.token_hex(3).upper()}",
        )
        audit.record(
            actor=actor,
            action="appointment.book",
            obj=appointment,
            after={
                "slot": f"{slot.date} {slot.start:%H:%M}",
                "window": slot.window_id,
                "matter": matter.pk if matter is not None else None,
                "package": package.pk if package is not None else None,
                "off_hours": slot.off_hours,
            },
        )
    return appointment


def appointment_cancel(*, actor, appointment, reason: str = "") -> Appointment:
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.user_id != actor.pk:
            raise PermissionDeniedError("APPOINTMENT_FORBIDDEN", _("只能取消本人的预约"))
        if appointment.status != Appointment.Status.BOOKED:
            raise DomainError("APPOINTMENT_NOT_BOOKED", _("该预约已取消"))
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = timezone.now()
        appointment.save()
        AppointmentSlot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(
            booked=F("booked") - 1
        )
        audit.record(
            actor=actor,
            action="appointment.cancel",
            obj=appointment,
            before={"status": "booked"},
            after={"status": "cancelled"},
            reason=reason,
        )
    return appointment
