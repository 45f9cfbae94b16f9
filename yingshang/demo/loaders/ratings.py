"""Demo ratings of 示范县 (data/ratings/demo.yaml): a few hundred ratings over the last two months
at the service centre's windows (window pad, QR code, terminal), of most delivered cases and of
every 12345 callback of the demo history, with 差评 whose rectifications are in every state
(待核实, 整改中, 待复核, 已办结, 申诉核减; the old 12345 ones mostly finished) and appeals
pending/rejected — all through the ratings services.
Idempotent: runs once per database.

`generate` bulk-creates the benchmark volume (visits + ratings + rectifications) without
services or audit events, with the loop's limits from RatingSettings as the services use them."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yingshang.demo.registry import load_yaml
from yingshang.errors import DomainError
from yingshang.org.models import RoleAssignment, Unit, User, Window
from yingshang.org.roles import Role
from yingshang.ratings import schemes, services
from yingshang.ratings import targets as T
from yingshang.ratings.models import (
    BAD_LEVELS,
    Channel,
    Outcome,
    Point,
    Rating,
    RatingScheme,
    RatingSettings,
    Rectification,
    WindowVisit,
)


def _data() -> dict:
    return load_yaml("ratings", "demo.yaml")


def _weighted(pairs) -> list[tuple]:
    return [tuple(p) for p in pairs]


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
    data = _data()
    onsite, online, loop = data["onsite"], data["online"], data["loop"]
    level_weights = _weighted(data["level_weights"])
    onsite_channels = _weighted(onsite["channels"])
    hours = loop["hours"]
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
        for i in range(onsite["visits"]):
            at = now - dt.timedelta(
                days=rng.randint(0, onsite["days"] - 1),
                hours=rng.randint(0, 7),
                minutes=rng.randint(0, 59),
            )
            window = windows[i % len(windows)]
            visit = WindowVisit.objects.create(
                window=window,
                clerk=window.clerk or clerk,
                unit=centre,
                started_at=at,
                ended_at=at + dt.timedelta(minutes=rng.randint(3, 25)),
            )
            if rng.random() < onsite["unrated_share"]:
                continue  # not every visit is rated: rating coverage < 100%
            level = _pick(rng, level_weights)
            rating = services.rating_submit(
                actor=None,
                target=T.for_visit(visit),
                level=level,
                channel=_pick(rng, onsite_channels),
                visit_token=visit.token,
                pad=True,  # the demo plays the person served at the pad (or terminal, QR)
                at=visit.ended_at,
                problems=[rng.choice(onsite["bad_problems"])] if level in BAD_LEVELS else [],
                comment=rng.choice(onsite["comments"]),
            )
            if rating.is_bad:
                bad.append(rating)
        # online: delivered demo cases rated by their applicants (real name)
        Case = T.case_model()
        if Case is not None:
            for case in Case.objects.filter(
                status__in=("delivered", "closed"), delivered_at__isnull=False
            )[: online["cases"]]:
                level = _pick(rng, level_weights)
                try:
                    rating = services.rating_submit(
                        actor=case.applicant,
                        target=T.for_case(case),
                        level=level,
                        channel=Channel.WEB,
                        problems=online["bad_problems"] if level in BAD_LEVELS else [],
                        at=min(
                            now,
                            case.delivered_at + dt.timedelta(hours=online["hours_after_delivery"]),
                        ),
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
    # the 12345 callbacks the hotline demo recorded become work-order ratings (their 不满意 are
    # 差评 of the unit, walked through the loop below with the others)
    services.rating_import_hotline_callbacks(limit=20_000)
    bad += list(
        Rating.objects.filter(
            work_order__isnull=False,
            is_bad=True,
            rectification__status=Rectification.Status.VERIFYING,
        ).select_related("rectification")
    )
    for i, rating in enumerate(sorted(bad, key=lambda r: r.created_at)):
        rect = rating.rectification
        handler = heads.get(rect.unit_id)
        if handler is None or supervisor is None:
            continue
        # the centre's and the cases' 差评 are in every state in turn; the 12345 callbacks by age
        stage = i % 6 if rating.work_order_id is None else _stage(i, rect, now)
        t0 = rating.created_at

        def at(hours, t0=t0):  # the loop's steps happen after the rating, never in the future
            return min(now, t0 + dt.timedelta(hours=hours))

        try:
            if stage == 0:
                continue  # 待核实
            services.rectification_verify(
                actor=handler, rectification=rect, note=loop["verify_note"], at=at(hours["verify"])
            )
            if stage == 1:
                continue  # 整改中
            if stage == 5:
                appeal = services.appeal_submit(
                    actor=handler,
                    rating=rating,
                    kind=loop["appeal"]["kind"],
                    reason=loop["appeal"]["reason"],
                    at=at(hours["appeal"]),
                )
                services.appeal_decide(
                    actor=supervisor,
                    appeal=appeal,
                    upheld=True,
                    reason=loop["appeal"]["decision"],
                    at=at(hours["decide"]),
                )
                continue  # 申诉核减
            # a rectification by plan opens a ledger problem: a few of them, not one in three
            outcomes = loop["outcomes"] if _recent(rect, now) else loop["outcomes"][:2]
            services.rectification_reply(
                actor=handler,
                rectification=rect,
                outcome=outcomes[i % len(outcomes)],
                reply=loop["reply"],
                at=at(hours["reply"]),
            )
            if rect.callback_required:
                services.rectification_callback(
                    actor=supervisor,  # never the rated unit itself (separation of duty)
                    rectification=rect,
                    result="satisfied",
                    note=loop["callback"],
                    at=at(hours["callback"]),
                )
            if stage == 2:
                continue  # 待复核
            services.rectification_close(
                actor=supervisor, rectification=rect, note=loop["close_note"], at=at(hours["close"])
            )
        except Exception as exc:  # a demo step refused by a rule is reported, not fatal
            ctx.log(f"    rectification {rect.pk}: {exc}")
    ctx.log(f"    {Rating.objects.count()} ratings, {Rectification.objects.count()} rectifications")


def _recent(rect: Rectification, now) -> bool:
    return rect.reply_due_at is None or rect.reply_due_at > now - dt.timedelta(days=7)


def _stage(i: int, rect: Rectification, now) -> int:
    """How far the i-th 差评 of a 12345 callback has gone: 0 待核实, 1 整改中, 2 待复核, 3 and 4
    已办结, 5 申诉核减. Recent ones are spread over every state; those whose reply was
    due long ago are mostly finished, a few still open (overdue) or appealed."""
    if _recent(rect, now):
        return i % 6
    return {0: 1, 10: 5, 20: 2}.get(i % 30, 4)


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
    onsite = schemes.active(RatingScheme.Kind.ONSITE)
    data = _data()
    level_weights = _weighted(data["level_weights"])
    onsite_channels = _weighted(data["onsite"]["channels"])
    conf = RatingSettings.current()  # the limits rectification_open gives a 差评
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
                level = _pick(rng, level_weights)
                ratings.append(
                    Rating(
                        level=level,
                        is_bad=level in BAD_LEVELS,
                        scheme_id=onsite.id,
                        channel=_pick(rng, onsite_channels),
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
                verify_due = calendar.end_of_day(cal.add_working_days(day, conf.verify_days))
                reply_due = calendar.end_of_day(cal.add_working_days(day, conf.reply_days))
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
