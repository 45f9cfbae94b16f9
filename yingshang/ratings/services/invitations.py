"""智能邀评: invite the people served to rate a completed case or work order by SMS (亳州: three
days after completion), with a signed one-click link."""

import datetime as dt

from django.conf import settings as dj_settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.notify import services as notify
from yingshang.ratings import links
from yingshang.ratings import targets as T
from yingshang.ratings.models import Point, RatingInvitation, RatingSettings
from yingshang.workcal import calendar


def invitation_link(target: T.Target, point: str) -> str:
    return reverse("ratings:link", args=[links.make_token(target.kind, target.pk, point)])


def rating_invite_due(now: dt.datetime | None = None, *, limit: int = 2000) -> int:
    """Invite the applicants of cases delivered N days ago (and the callers of closed work
    orders) that have no rating yet (亳州: SMS invitation 3 days after completion)."""
    now = now or timezone.now()
    conf = RatingSettings.current()
    cutoff = calendar.get_calendar().subtract(now, conf.invite_after_days, "natural_days")
    expires = calendar.deadline(now, conf.link_valid_days, "natural_days").due_at
    sent = 0
    Case = T.case_model()
    if Case is not None:
        cases = (
            Case.objects.filter(
                status__in=("delivered", "closed"),
                delivered_at__isnull=False,
                delivered_at__lte=cutoff,
            )
            .exclude(ratings__point=Point.DELIVER)
            .exclude(
                pk__in=RatingInvitation.objects.filter(
                    case__isnull=False, point=Point.DELIVER
                ).values("case_id")
            )
            .select_related("applicant")[:limit]
        )
        for case in cases:
            sent += _invite(T.for_case(case), Point.DELIVER, now, expires)
    WorkOrder = T.work_order_model()
    if WorkOrder is not None:
        orders = (
            # a caller who answered the 12345 callback has given their rating there (imported)
            WorkOrder.objects.filter(
                status="closed",
                closed_at__isnull=False,
                closed_at__lte=cutoff,
                anonymous=False,
                confidential=False,
                satisfied__isnull=True,
            )
            .exclude(caller_phone="")
            .exclude(ratings__isnull=False)
            .exclude(
                pk__in=RatingInvitation.objects.filter(work_order__isnull=False).values(
                    "work_order_id"
                )
            )[:limit]
        )
        for order in orders:
            sent += _invite(T.for_work_order(order), Point.WORKORDER, now, expires)
    return sent


def _invite(target: T.Target, point: str, now, expires) -> int:
    try:
        with transaction.atomic():
            RatingInvitation.objects.create(
                case=target.obj if target.kind == T.KIND_CASE else None,
                work_order=target.obj if target.kind == T.KIND_WORK_ORDER else None,
                point=point,
                sent_at=now,
                expires_at=expires,
            )
            link = invitation_link(target, point)
            base = getattr(dj_settings, "SITE_URL", "").rstrip("/")
            body = _("您办理的%(what)s已办结，请对本次服务进行评价：%(link)s") % {
                "what": target.label,
                "link": base + link,
            }
            owner = target.owner()
            if owner is not None:
                notify.send_to(
                    [owner], subject=_("邀请您评价"), body=body, link=link, related=target.obj
                )
            phone = target.owner_phone()
            if phone:
                notify.send(channel="sms", address=phone, body=body, related=target.obj)
    except IntegrityError:
        return 0
    return 1
