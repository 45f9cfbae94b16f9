import time

from django.core.management.base import BaseCommand, CommandError

from yingshang.demo.registry import SCALES, DemoContext, Scale, generate, load_demo


class Command(BaseCommand):
    help = "Generate a realistic volume of records (a county-year or more) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            default="small",
            help=f"one of {', '.join(SCALES)} or a number (county-years)",
        )
        parser.add_argument("--seed", type=int, default=20261122)

    def handle(self, *args, scale, seed, **options):
        if scale in SCALES:
            chosen = Scale(scale, SCALES[scale])
        else:
            try:
                chosen = Scale(scale, float(scale))
            except ValueError:
                raise CommandError(f"unknown scale {scale!r}") from None
        # the demo records, then the chosen volume (not the demo's three months on top of it)
        ctx = DemoContext(seed=seed, stdout=self.stdout, history=False)
        ctx.rng.seed(seed)
        started = time.perf_counter()
        load_demo(ctx)
        made = generate(ctx, chosen)
        self.stdout.write(
            self.style.SUCCESS(f"done in {time.perf_counter() - started:.1f}s: {made}")
        )
