"""Window appointments (预约), including off-hours (错时延时) slots, with capacity per slot."""

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.cases.models import Appointment, AppointmentSlot
from yingshang.errors import DomainError, PermissionDeniedError
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


def appointment_book(*, actor, slot, matter=None, package=None) -> Appointment:
    if actor is None or not actor.is_authenticated:
        raise PermissionDeniedError("LOGIN_REQUIRED", _("请先登录再预约"))
    with transaction.atomic():
        slot = AppointmentSlot.objects.select_for_update().get(pk=getattr(slot, "pk", slot))
        if slot.date < timezone.localdate():
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
