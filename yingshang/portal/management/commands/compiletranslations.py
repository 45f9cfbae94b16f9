"""Compile every .po file of the project into .mo with Babel (pure Python), so building needs
no GNU gettext on the machine. `makemessages` (a developer's tool) still needs gettext."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po → .mo)."

    def handle(self, *args, **options):
        compiled = 0
        for po_path in sorted(Path(settings.BASE_DIR).rglob("locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=po_path.parent.parent.name)
            with mo_path.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            compiled += 1
        self.stdout.write(f"compiled {compiled} translation catalogue(s)")
