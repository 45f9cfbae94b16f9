"""The credit panel of the firm page (一企一档, enterprises/panels.py): commitments kept and
broken, penalties in publicity, the dishonest list, praise, 信用修复 applications and the
联合惩戒 in force. Staff see what their scope allows; the firm sees its own file."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingshang.credit import sanctions, selectors
from yingshang.credit.models import (
    Commitment,
    CreditSubject,
    DishonestListing,
    Penalty,
    Praise,
    RepairApplication,
)
from yingshang.credit.scopes import sees_file
from yingshang.enterprises.panels import LIMIT, Fact, FirmPanel, Panel, Row
from yingshang.org import scope


def build(firm, user, *, public: bool = False) -> Panel | None:
    subject = selectors.subject_for(firm)
    if subject is None:
        return Panel(key="credit", title=str(_("信用档案")), empty=str(_("暂无信用记录")), total=0)

    # Whoever sees the subject's credit file sees every record of it (credit.scopes): asked once
    # here, instead of the scope's subqueries on each of the five record tables (they were
    # 60 % of the firm page's time in the firms benchmark). Others see only the records their
    # own units decided, through the scope.
    whole_file = public or sees_file(scope.grants(user), subject)

    def mine(model):
        qs = model.objects.filter(subject=subject)
        return qs if whole_file else scope.visible_to(user, model, qs)

    today = timezone.localdate()
    penalties = mine(Penalty).select_related("unit").order_by("-decided_on", "-pk")
    listings = mine(DishonestListing).order_by("-listed_at", "-pk")
    # one aggregate per kind of record: the figures below are counts of the same rows
    penalty_n = penalties.aggregate(
        total=Count("pk"),
        public=Count("pk", filter=Q(status=Penalty.Status.PUBLIC, public_until__gt=today)),
        serious=Count(
            "pk",
            filter=Q(status=Penalty.Status.PUBLIC, public_until__gt=today, severity="serious"),
        ),
    )
    commitment_n = mine(Commitment).aggregate(
        total=Count("pk"),
        kept=Count("pk", filter=Q(status="kept")),
        broken=Count("pk", filter=Q(status__in=["broken", "false"])),
        false=Count("pk", filter=Q(status="false")),
    )
    praise_n = mine(Praise).filter(voided=False).count()
    repairs_open = mine(RepairApplication).filter(status__in=["submitted", "returned"]).count()
    listing_rows = list(listings[: LIMIT + 1])
    listing_n = len(listing_rows) if len(listing_rows) <= LIMIT else listings.count()
    if whole_file and len(listing_rows) <= LIMIT:  # every listing of the subject is in hand
        in_force = sum(
            1 for x in listing_rows if x.active and (x.until is None or x.until >= today)
        )
    else:
        in_force = selectors.active_listings(subject).count()
    if whole_file and not (in_force or commitment_n["broken"] or penalty_n["public"]):
        # none of the record kinds that block a benefit is in force (credit.sanctions: a
        # listing, a broken or false commitment, a penalty in publicity): no rule can apply
        blocked = []
    else:
        # what this panel has just counted is not asked again (only the whole file's counts)
        known = (
            {
                "listing": bool(in_force),
                "penalty": bool(penalty_n["public"]),
                "serious_penalty": bool(penalty_n["serious"]),
                "false_commitment": bool(commitment_n["false"]),
                "broken_commitment": bool(commitment_n["broken"] - commitment_n["false"]),
            }
            if whole_file
            else {}
        )
        blocked = [
            str(sanctions.BENEFITS[code])
            for code in sanctions.blocked_benefits(subject, known=known)
        ]
    file_url = reverse("credit:mine") if public else reverse("credit:subject", args=[subject.pk])
    facts = [
        Fact(str(_("公示中的行政处罚")), str(penalty_n["public"]), alert=bool(penalty_n["public"])),
        Fact(str(_("失信名单（有效）")), str(in_force), alert=bool(in_force)),
        Fact(
            str(_("信用承诺（已履行/违诺）")),
            f"{commitment_n['kept']}/{commitment_n['broken']}",
        ),
        Fact(str(_("守信激励")), str(praise_n)),
        Fact(str(_("修复申请办理中")), str(repairs_open)),
        Fact(str(_("受限事项")), "、".join(blocked) or str(_("无")), alert=bool(blocked)),
    ]
    rows = []
    for x in listing_rows[:LIMIT]:  # the list first: an entry in force matters most
        rows.append(
            Row(
                label=x.reason[:60],
                detail=f"{_('失信名单')!s} · {timezone.localdate(x.listed_at):%Y-%m-%d} · "
                f"{x.get_status_display()}",
                url="" if public else reverse("credit:listing_step", args=[x.pk]),
                alert=x.active,
            )
        )
    for p in penalties[: max(0, LIMIT - len(rows))] if penalty_n["total"] else []:
        rows.append(
            Row(
                label=p.decision_number,
                detail=f"{p.decided_on:%Y-%m-%d} · {p.unit.name} · {p.get_status_display()}",
                url="" if public else reverse("credit:penalty", args=[p.pk]),
                alert=p.is_public,
            )
        )
    total = penalty_n["total"] + listing_n + praise_n + commitment_n["total"]
    return Panel(
        key="credit",
        title=str(_("信用档案")),
        facts=facts,
        rows=rows,
        total=total,
        more_url=file_url,
        empty=str(_("暂无信用记录")),
    )


PANELS = [
    FirmPanel(
        "credit",
        gettext_lazy("信用档案"),
        build=build,
        order=40,
        sources=[
            (CreditSubject, "firm_id"),
            *((m, "subject__firm_id") for m in (Penalty, DishonestListing, Commitment, Praise)),
            (RepairApplication, "subject__firm_id"),
        ],
    )
]
