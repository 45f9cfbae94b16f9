"""The firm page's panels, built once per version of the firm's records and reader.

Why (bench_firms, session 15): building the eight panels costs ~45 ms of CPU per request — the
ORM compiling ~25 statements, the SQL itself is a third of it — and ten readers at once on two
workers queued to p95 360–470 ms against the 300 ms target (sessions 11–13). What a panel shows
changes only when one of the records it reads is saved, so the built panels are kept in this
process (processcache) under the firm's version number:

- `FirmPanel.sources` names what each panel reads: (model, path to the firm's id). Saving or
  deleting such a row bumps its firm's `FirmStamp` after the commit (a reader between the write
  and the commit must not keep the old panels under the new number). Writes that bypass save()
  and change what a panel counts call `bump()` themselves (the inspections draw and redraw).
- The numbers live in a table, one row per firm, not in the shared cache as the indicators'
  single data version does (indicators/scorecache.py): on the embedded database cache an
  increment reads the entry, counts the cache table and writes (DatabaseCache.incr), where a
  bump here is one UPDATE, paid after each commit that touches a firm's records.
- The key is (firm, version, reader, reader's roles version, portal or staff, language, day):
  a reader's scope changes with their roles, and the panels count "in publicity today".
- An entry lives at most FIRM_PANELS_CACHE_SECONDS (settings, 60 s): what no save announces —
  a clock sweep turning a record overdue, the nightly publicity expiry, a unit renamed, a
  sanction rule changed, a record moved to another firm (the old firm is not bumped) — shows
  within that bound.
- Off in the test suite unless a test turns it on (0 there), like every per-process cache."""

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from yingshang.processcache import TTLCache

KEPT = TTLCache("enterprises.panels", max_entries=1000, setting="FIRM_PANELS_CACHE_SECONDS")
BUMP_CHUNK = 1000


def version(firm_id: int) -> int:
    from yingshang.enterprises.models import FirmStamp

    return FirmStamp.objects.filter(firm_id=firm_id).values_list("version", flat=True).first() or 0


def bump(firm_ids) -> None:
    """Give each firm a new version now (call it after the commit, or through
    `bump_after_commit`). A firm seen for the first time gets a row at version 1."""
    from yingshang.enterprises.models import FirmStamp

    ids = sorted({int(i) for i in firm_ids if i})
    for start in range(0, len(ids), BUMP_CHUNK):
        chunk = ids[start : start + BUMP_CHUNK]
        bumped = FirmStamp.objects.filter(firm_id__in=chunk).update(version=F("version") + 1)
        if bumped < len(chunk):
            # two first bumps of one firm at once leave it at 1 (both after their commits:
            # a reader who kept the panels at 1 in between sees them at most
            # FIRM_PANELS_CACHE_SECONDS)
            FirmStamp.objects.bulk_create(
                [FirmStamp(firm_id=i, version=1) for i in chunk], ignore_conflicts=True
            )


def bump_after_commit(firm_ids) -> None:
    if KEPT.lifetime() <= 0:  # nothing is kept (the test suite): no version to renew
        return
    ids = {int(i) for i in firm_ids if i}
    if ids:
        transaction.on_commit(lambda: bump(ids))


def panels(firm, user, *, public: bool, build):
    """`build()` makes the list of panels (frozen, plain data); kept per firm version and
    reader for at most FIRM_PANELS_CACHE_SECONDS."""
    if KEPT.lifetime() <= 0:
        return build()
    key = (
        firm.pk,
        version(firm.pk),
        user.pk,
        getattr(user, "roles_version", None),
        public,
        translation.get_language(),
        timezone.localdate(),
    )
    return KEPT.get(key, build)


def _firm_id(instance, path: str):
    value = instance
    for name in path.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def connect(sources) -> None:
    """Watch each (model, path to the firm id) that a panel reads."""
    for model, path in sources:

        def changed(sender, instance, path=path, **kwargs):
            if KEPT.lifetime() > 0:
                bump_after_commit([_firm_id(instance, path)])

        uid = f"firm-panels:{model._meta.label}:{path}"
        post_save.connect(changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
