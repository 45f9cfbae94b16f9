"""`yingshang calendar_recompute [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: replay the open clocks
that the days from..to can touch on the current calendar (by default from today to the end of
next year). Run it once after upgrading to the provisional calendar, so clocks started before
it (computed with weekends only for a year not yet entered) get the statutory holidays and their
“预计” flag; entering a year or editing a day does this by itself. Each changed clock gets a clock
event and an audit event."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from yingshang import workflow
from yingshang.workcal import calendar, recompute


class Command(BaseCommand):
    help = "Recompute open clocks on the current working calendar."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", default="")
        parser.add_argument("--to", dest="last", default="")

    def handle(self, *args, first="", last="", **options):
        today = dt.datetime.now(calendar.TZ).date()
        try:
            start = dt.date.fromisoformat(first) if first else today
            end = dt.date.fromisoformat(last) if last else dt.date(today.year + 1, 12, 31)
        except ValueError as exc:
            raise CommandError("dates are written YYYY-MM-DD") from exc
        if end < start:
            raise CommandError("--to is before --from")
        changed = recompute.recompute_open(
            actor=workflow.SYSTEM,
            first=start,
            last=end,
            reason="按当前工作日历（含预计日历）重算",
            detail={"from": start.isoformat(), "to": end.isoformat()},
        )
        self.stdout.write(f"recomputed {changed} clock(s)")
