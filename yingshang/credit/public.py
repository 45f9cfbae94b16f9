"""信用公示: what the public page shows — penalties inside their publicity period and the
dishonest list in force — searched by name or USCC, persons masked, paginated by keyset over
(decided_on, id) so a page costs the same on page 1 and page 10,000 (index
penalty_public_keyset)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from yingshang.credit.models import CreditSubject, DishonestListing, Penalty, PublicityRule
from yingshang.org import identifiers
from yingshang.org.masking import mask_id_number, mask_name, mask_text

PAGE = 20


@dataclass(frozen=True)
class Row:
    pk: int
    name: str
    code: str
    number: str
    date: dt.date
    types: str
    unit: str
    basis: str
    text: str
    until: dt.date


NAME_MATCHES = 1000  # subjects a name search narrows to (a broad word: the newest of them)


def _query(q: str) -> Q | None:
    """The filter of a search, or None when nothing can match. A USCC is matched exactly on
    the denormalised code (indexed); a name is looked up among the firms first (a small table),
    so a search that finds no firm costs one query and never scans the penalties."""
    q = (q or "").strip()[:60]
    if not q:
        return Q()
    code = identifiers.normalize_uscc(q)
    if len(code) == 18 and code.isalnum():
        return Q(subject_code=code)
    ids = list(
        CreditSubject.objects.filter(firm__name__icontains=q)
        .order_by("-pk")
        .values_list("pk", flat=True)[:NAME_MATCHES]
    )
    return Q(subject_id__in=ids) if ids else None


def parse_cursor(cursor: str) -> tuple[dt.date, int] | None:
    try:
        day, pk = (cursor or "").split("_", 1)
        return dt.date.fromisoformat(day), int(pk)
    except (ValueError, TypeError):
        return None


def penalties(q: str = "", cursor: str = "", limit: int = PAGE) -> tuple[list[Row], str]:
    """One page of public penalties, newest decision first, and the cursor of the next page."""
    today = timezone.localdate()
    match = _query(q)
    if match is None:
        return [], ""
    qs = Penalty.objects.filter(status=Penalty.Status.PUBLIC, public_until__gt=today).filter(match)
    after = parse_cursor(cursor)
    if after is not None:
        day, pk = after
        qs = qs.filter(Q(decided_on__lt=day) | Q(decided_on=day, id__lt=pk))
    rows = list(
        qs.order_by("-decided_on", "-id")
        .select_related("unit")
        .only(
            "id",
            "subject_name",
            "subject_code",
            "decision_number",
            "decided_on",
            "types",
            "unit__name",
            "legal_basis",
            "public_text",
            "public_until",
        )[: limit + 1]
    )
    names = dict(PublicityRule.objects.values_list("code", "name"))
    out = [
        Row(
            pk=p.pk,
            name=p.subject_name,
            code=p.subject_code,
            number=p.decision_number,
            date=p.decided_on,
            types="、".join(names.get(c, c) for c in p.types),
            unit=p.unit.name,
            basis=p.legal_basis,
            text=p.public_text,
            until=p.public_until - dt.timedelta(days=1),
        )
        for p in rows[:limit]
    ]
    more = (
        f"{rows[limit - 1].decided_on.isoformat()}_{rows[limit - 1].pk}"
        if len(rows) > limit
        else ""
    )
    return out, more


def listings(q: str = "", cursor: str = "", limit: int = PAGE) -> tuple[list[Row], str]:
    """The dishonest list in force (listed, not expired, not repaired), persons masked."""
    today = timezone.localdate()
    qs = DishonestListing.objects.filter(active=True, status=DishonestListing.Status.LISTED).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )
    q = (q or "").strip()[:60]
    if q:
        code = identifiers.normalize_uscc(q)
        qs = qs.filter(Q(subject__firm__name__icontains=q) | Q(subject__firm__uscc=code))
    if (cursor or "").isdigit():
        qs = qs.filter(id__lt=int(cursor))
    rows = list(
        qs.select_related("subject__firm", "subject__person", "unit").order_by("-id")[: limit + 1]
    )
    out = []
    for listing in rows[:limit]:
        subject = listing.subject
        if subject.firm_id:
            name, code, hide = subject.firm.name, subject.firm.uscc, []
        else:
            person = subject.person
            name, code = mask_name(person.display_name), mask_id_number(person.id_number or "")
            hide = [person.real_name or ""]
        out.append(
            Row(
                pk=listing.pk,
                name=name,
                code=code,
                number="",
                date=timezone.localdate(listing.listed_at),
                types="",
                unit=listing.unit.name if listing.unit_id else "",
                basis=listing.legal_basis,
                text=mask_text(listing.reason, names=hide),
                until=listing.until,
            )
        )
    return out, (str(rows[limit - 1].pk) if len(rows) > limit else "")
