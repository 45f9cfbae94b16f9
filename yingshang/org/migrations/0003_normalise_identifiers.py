"""Store every account's ID number and mobile in the normalised form of org.identifiers (NFKC:
full-width → ASCII, no spaces or dashes, upper case; a mobile without +86), so that the unique
constraints hold on the normalised value: the same person typed twice is one account.

The normalisation is copied here, frozen: a migration must do the same thing whenever it runs.
A row whose normalised value already belongs to another account is left as it is and named in
the migration's output (which account is the person's real one is a decision for an admin)."""

import re
import unicodedata

from django.db import migrations

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−]+")


def _normalise(value):
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()


def _mobile(value):
    code = _normalise(value)
    for prefix in ("+86", "0086", "86"):
        if code.startswith(prefix) and len(code) == len(prefix) + 11:
            return code[len(prefix) :]
    return code


def normalise(apps, schema_editor):
    User = apps.get_model("org", "User")
    for field, clean_of in (("id_number", _normalise), ("mobile", _mobile)):
        rows = list(
            User.objects.exclude(**{f"{field}__isnull": True})
            .values_list("pk", field)
            .order_by("pk")
        )
        taken = {value for _pk, value in rows}
        for pk, value in rows:
            clean = clean_of(value)
            if clean == value:
                continue
            if clean in taken:
                print(f"\n  org.User {pk}: {field} {value!r} → {clean!r} is taken; kept")
                continue
            User.objects.filter(pk=pk).update(**{field: clean})
            taken.discard(value)
            taken.add(clean)


class Migration(migrations.Migration):
    dependencies = [("org", "0002_user_roles_version")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
