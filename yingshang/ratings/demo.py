"""Demo ratings of 示范县: a few hundred ratings over the last two months at the service centre's
windows (window pad, QR code, terminal) and of delivered demo cases when the cases app made
some, with 差评 whose rectifications are in every state (待核实, 整改中, 待复核, 已办结, 申诉核减)
and appeals pending/rejected. Idempotent: runs once per database.

`generate` bulk-creates the benchmark volume (visits + ratings + rectifications) without
services or audit events."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yingshang.errors import DomainError
from yingshang.org.models import RoleAssignment, Unit, User, Window
from yingshang.org.roles import Role
from yingshang.ratings import schemes
from yingshang.ratings import targets as T
from yingshang.ratings.models import (
    BAD_LEVELS,
    Appeal,
    Channel,
    Outcome,
    Point,
    Rating,
    RatingScheme,
    Rectification,
    WindowVisit,
)

# weights of levels 5..1: a county reporting 99%+ satisfaction still has some 差评
LEVEL_WEIGHTS = [(5, 78), (4, 14), (3, 4), (2, 2), (1, 2)]
ONSITE_CHANNELS = [(Channel.WINDOW_PAD, 80), (Channel.QR, 15), (Channel.TERMINAL, 5)]
COMMENTS = [
    "窗口人员态度很好，一次就办成了",
    "排队时间有点长",
    "材料一次性告知，很方便",
    "希望增加周末服务时间",
    "",
]


def _pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for value, w in weighted:
        x -= w
        if x <= 0:
            return value
    return weighted[-1][0]


def _user(username):
    return User.objects.filter(username=username).first()


def load_demo(ctx) -> None:
    if Rating.objects.exists():
        return
    from yingshang.ratings import rectifications as R
    from yingshang.ratings import services

    centre = Unit.objects.filter(code="centre").first()
    windows = (
        list(Window.objects.filter(hall=centre, is_active=True).order_by("number"))
        if centre
        else []
    )
    clerk = _user("clerk")
    supervisor = _user("supervisor")
    if not windows or clerk is None:
        ctx.log("    (no demo windows or clerk: skipped)")
        return
    rng = ctx.rng
    now = timezone.now()
    bad = []
    with transaction.atomic():
        # on-site: visits at the windows over the last 60 days, each rated (or not) once
        for i in range(260):
            at = now - dt.timedelta(
                days=rng.randint(0, 59), hours=rng.randint(0, 7), minutes=rng.randint(0, 59)
            )
            window = windows[i % len(windows)]
            visit = WindowVisit.objects.create(
                window=window,
                clerk=window.clerk or clerk,
                unit=centre,
                started_at=at,
                ended_at=at + dt.timedelta(minutes=rng.randint(3, 25)),
            )
            if rng.random() < 0.12:
                continue  # not every visit is rated: rating coverage < 100%
            level = _pick(rng, LEVEL_WEIGHTS)
            rating = services.rating_submit(
                actor=None,
                target=T.for_visit(visit),
                level=level,
                channel=_pick(rng, ONSITE_CHANNELS),
                visit_token=visit.token,
                at=visit.ended_at,
                problems=[rng.choice(["long_wait", "attitude", "not_once"])]
                if level in BAD_LEVELS
                else [],
                comment=rng.choice(COMMENTS),
            )
            if rating.is_bad:
                bad.append(rating)
        # online: delivered demo cases rated by their applicants (real name)
        Case = T.case_model()
        if Case is not None:
            for case in Case.objects.filter(
                status__in=("delivered", "closed"), delivered_at__isnull=False
            )[:80]:
                level = _pick(rng, LEVEL_WEIGHTS)
                try:
                    rating = services.rating_submit(
                        actor=case.applicant,
                        target=T.for_case(case),
                        level=level,
                        channel=Channel.WEB,
                        problems=["slow"] if level in BAD_LEVELS else [],
                        at=case.delivered_at + dt.timedelta(hours=2),
                    )
                except DomainError:  # a demo case that cannot be rated (no unit …) is skipped
                    continue
                if rating.is_bad:
                    bad.append(rating)
    # walk the 差评 through the loop so every state is on screen
    heads = {
        ra.unit_id: ra.user
        for ra in RoleAssignment.objects.filter(
            role__in=(Role.DEPT_HANDLER, Role.DEPT_HEAD), revoked_at__isnull=True
        ).select_related("user")
    }
    centre_staff = heads.get(centre.pk)
    if centre_staff is None:
        # the centre's own 差评 are handled by the 行政审批局 head (the centre's managing unit in the demo)
        from yingshang.org import services as org_services

        xzsp_head, admin = _user("xzsp_head"), ctx.data.get("admin") or _user("admin")
        if xzsp_head is not None and admin is not None:
            with transaction.atomic():
                org_services.role_grant(
                    actor=admin, user=xzsp_head, role=Role.DEPT_HEAD, unit=centre
                )
            heads[centre.pk] = xzsp_head
    for i, rating in enumerate(sorted(bad, key=lambda r: r.created_at)):
        rect = rating.rectification
        handler = heads.get(rect.unit_id)
        if handler is None or supervisor is None:
            continue
        stage = i % 6
        t0 = rating.created_at

        def at(hours, t0=t0):  # the loop's steps happen after the rating, never in the future
            return min(now, t0 + dt.timedelta(hours=hours))

        try:
            if stage == 0:
                continue  # 待核实
            R.rectification_verify(
                actor=handler,
                rectification=rect,
                note="已调阅窗口录像并与当事人核实，情况属实。",
                at=at(3),
            )
            if stage == 1:
                continue  # 整改中
            if stage == 5:
                appeal = R.appeal_submit(
                    actor=handler,
                    rating=rating,
                    kind=Appeal.Kind.MISTAKEN,
                    reason="评价人在评价器上误触，现场已口头表示满意。",
                    at=at(4),
                )
                R.appeal_decide(
                    actor=supervisor,
                    appeal=appeal,
                    upheld=True,
                    reason="经调取录像核实，属误评。",
                    at=at(26),
                )
                continue  # 申诉核减
            outcome = [Outcome.FIXED_NOW, Outcome.EXPLAINED, Outcome.FIXED_BY_PLAN][i % 3]
            R.rectification_reply(
                actor=handler,
                rectification=rect,
                outcome=outcome,
                reply="已对窗口人员进行批评教育，增设取号引导岗，高峰时段增开窗口。",
                at=at(30),
            )
            if rect.callback_required:
                R.rectification_callback(
                    actor=handler,
                    rectification=rect,
                    result="satisfied",
                    note="电话回访，群众对整改结果表示满意。",
                    at=at(32),
                )
            if stage == 2:
                continue  # 待复核
            R.rectification_close(
                actor=supervisor, rectification=rect, note="整改到位，同意办结。", at=at(50)
            )
        except Exception as exc:  # a demo step refused by a rule is reported, not fatal
            ctx.log(f"    rectification {rect.pk}: {exc}")
    # the 12345 callbacks the hotline demo recorded become work-order ratings
    services.import_hotline_callbacks()
    ctx.log(f"    {Rating.objects.count()} ratings, {Rectification.objects.count()} rectifications")


def generate(ctx, scale) -> dict:
    """`scale.n(300_000)` ratings, bulk-created: a window visit per on-site rating spread over the
    departments serving at the centre's windows, the last 12 months, and a rectification per
    差评 in a realistic mix of states."""
    from yingshang.workcal import calendar

    n = scale.n(300_000)
    if n <= 0:
        return {"ratings": 0}
    rng = ctx.rng
    units = list(
        Unit.objects.filter(
            kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWN, Unit.Kind.CENTRE]
        ).values_list("pk", flat=True)
    ) or list(Unit.objects.values_list("pk", flat=True)[:1])
    windows = list(Window.objects.values_list("pk", "hall_id", "clerk_id"))
    if not units or not windows:
        return {"ratings": 0}
    onsite = schemes.current(RatingScheme.Kind.ONSITE)
    cal = calendar.get_calendar()
    now = timezone.now()
    made = bad_made = 0
    batch = 5000
    while made < n:
        size = min(batch, n - made)
        visits, ratings = [], []
        for _ in range(size):
            at = now - dt.timedelta(seconds=rng.randint(0, 365 * 86400))
            wpk, _hall, clerk = rng.choice(windows)
            visits.append(
                WindowVisit(
                    window_id=wpk,
                    clerk_id=clerk,
                    unit_id=rng.choice(units),
                    started_at=at,
                    ended_at=at + dt.timedelta(minutes=10),
                )
            )
        with transaction.atomic():
            WindowVisit.objects.bulk_create(visits, batch_size=batch)
            for v in visits:
                level = _pick(rng, LEVEL_WEIGHTS)
                ratings.append(
                    Rating(
                        level=level,
                        is_bad=level in BAD_LEVELS,
                        scheme=onsite,
                        channel=_pick(rng, ONSITE_CHANNELS),
                        point=Point.VISIT,
                        anonymous=True,
                        visit_id=v.pk,
                        unit_id=v.unit_id,
                        staff_id=v.clerk_id,
                        window_id=v.window_id,
                        created_at=v.ended_at,
                        problems=["long_wait"] if level in BAD_LEVELS else [],
                    )
                )
            Rating.objects.bulk_create(ratings, batch_size=batch)
            rects = []
            for r in ratings:
                if not r.is_bad:
                    continue
                day = calendar.local_date(r.created_at)
                verify_due = calendar.end_of_day(cal.add_working_days(day, 1))
                reply_due = calendar.end_of_day(cal.add_working_days(day, 5))
                closed = reply_due < now
                rects.append(
                    Rectification(
                        rating_id=r.pk,
                        unit_id=r.unit_id,
                        created_at=r.created_at,
                        verify_due_at=verify_due,
                        reply_due_at=reply_due,
                        status=Rectification.Status.CLOSED
                        if closed
                        else Rectification.Status.VERIFYING,
                        verified_at=r.created_at if closed else None,
                        verified_on_time=True if closed else None,
                        replied_at=r.created_at if closed else None,
                        replied_on_time=True if closed else None,
                        outcome=Outcome.FIXED_NOW if closed else "",
                        reply="已整改" if closed else "",
                        closed_at=reply_due if closed else None,
                    )
                )
            Rectification.objects.bulk_create(rects, batch_size=batch)
        made += size
        bad_made += len(rects)
        ctx.log(f"    ratings {made}/{n}")
    return {"ratings": made, "rectifications": bad_made, "visits": made}
