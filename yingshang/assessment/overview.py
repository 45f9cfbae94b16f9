"""The rankings' section of the county overview (workbench.overview): the latest published
monthly ranking — first and last of each group, each a link to the ranking — and the lists
waiting for their follow-up."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yingshang.workbench.overview import Figure, Section, count


def section(user, period) -> Section:
    from yingshang.assessment import selectors
    from yingshang.assessment.models import Listing

    # the overview's month when its ranking is published, else the latest one before it
    snapshot = (
        selectors.snapshots(user)
        .filter(
            period_kind="month",
            status="published",
            period_first__lte=period.first,
        )
        .order_by("-period_first", "-version")
        .first()
    )
    figures = []
    url = reverse("assessment:index")
    if snapshot is not None:
        url = selectors.detail_url(snapshot)
        label = snapshot.results.get("period", {}).get("label", snapshot.period_key)
        for g in snapshot.results.get("groups", []):
            ranked = [r for r in g["rows"] if r["rank"] is not None]
            if not ranked:
                continue
            figures.append(
                Figure(
                    _("%(group)s第一") % {"group": g["name"]},
                    f"{ranked[0]['unit_name']} {ranked[0]['score']}",
                    url,
                    _("%(period)s月排名") % {"period": label},
                )
            )
            figures.append(
                Figure(
                    _("%(group)s末位") % {"group": g["name"]},
                    f"{ranked[-1]['unit_name']} {ranked[-1]['score']}",
                    url,
                    _("%(period)s月排名") % {"period": label},
                    alert=True,
                )
            )
    pending = selectors.listings(user, {"status": Listing.Status.PENDING}).exclude(
        kind=Listing.Kind.PRAISE
    )
    n = pending.count()
    figures.append(
        Figure(
            _("待落实的表态发言/约谈"),
            count(n),
            f"{reverse('assessment:listings')}?status=pending",
            alert=n > 0,
        )
    )
    return Section(key="assessment", title=_("考核排名"), icon="trophy", url=url, figures=figures)
