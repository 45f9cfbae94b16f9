"""Unit names for display in API answers of hot paths (a rating's unit, a work order's unit),
kept per process for PROCESS_CACHE_SECONDS (yingshang.processcache); a saved unit clears the
cache in its process (org.signals)."""

from yingshang.processcache import TTLCache

UNIT_NAMES = TTLCache("org.unit_names")


def unit_name(pk) -> str:
    """The unit's name ("" for None or a unit that does not exist)."""
    if pk is None:
        return ""

    def load() -> str:
        from yingshang.org.models import Unit

        return Unit.objects.filter(pk=pk).values_list("name", flat=True).first() or ""

    return UNIT_NAMES.get(pk, load)


def unit_stub(pk):
    """A Unit carrying only id and name (the other fields deferred: reading one loads it), for
    answers that name the unit of a row just written."""
    from yingshang.org.models import Unit

    if pk is None:
        return None
    return Unit.from_db(None, ["id", "name"], (pk, unit_name(pk)))
