import time

from django.core.management.base import BaseCommand, CommandError

from yingshang.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `yingshang audit verify` checks the whole hash chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        started = time.perf_counter()
        result = verify_chain()
        elapsed = time.perf_counter() - started
        if not result.ok:
            raise CommandError(
                f"审计链断裂 / audit chain broken at event #{result.broken_seq} (id {result.broken_id}): "
                f"{result.problem}; {result.checked} events before it are intact"
            )
        rate = result.checked / elapsed if elapsed else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"审计链完整 / audit chain intact: {result.checked} events in {elapsed:.2f}s ({rate:,.0f}/s)"
            )
        )
