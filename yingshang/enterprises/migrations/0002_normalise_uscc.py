"""Store every firm's USCC in the normalised form of org.identifiers (NFKC: full-width → ASCII,
no spaces or dashes, upper case), so that the unique constraint holds on the normalised value.

The normalisation is copied here, frozen: a migration must do the same thing whenever it runs.
A row whose normalised code already belongs to another firm is left as it is and named in the
migration's output: merging two firm profiles is a decision for a person, not a migration."""

import re
import unicodedata

from django.db import migrations

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−]+")


def _normalise(value):
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def normalise_uscc(apps, schema_editor):
    Firm = apps.get_model("enterprises", "Firm")
    taken = set(Firm.objects.values_list("uscc", flat=True))
    for pk, code in Firm.objects.values_list("pk", "uscc").order_by("pk"):
        clean = _normalise(code)
        if clean == code:
            continue
        if clean in taken:
            print(f"\n  enterprises.Firm {pk}: {code!r} normalises to {clean!r}, already taken; kept")
            continue
        Firm.objects.filter(pk=pk).update(uscc=clean)
        taken.discard(code)
        taken.add(clean)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(normalise_uscc, migrations.RunPython.noop)]
