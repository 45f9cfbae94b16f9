import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from yingshang.audit import checkpoints, keys, triggers
from yingshang.audit.verify import verify_chain, verify_returns


class Command(BaseCommand):
    help = (
        "Audit log tools (docs/audit.md). `verify` checks the keyed chain, the return records, "
        "the append-only triggers and the signed checkpoints (the checkpoint directory, or only "
        "the files given with --checkpoint); `checkpoint` writes a signed checkpoint now."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--checkpoint",
            action="append",
            type=Path,
            default=[],
            metavar="FILE",
            help="verify against these exported checkpoint files (JSON lines) only",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes checking the chain (default: by its length)",
        )

    def handle(self, *args, action, checkpoint, workers, **options):
        if action == "checkpoint":
            return self._checkpoint()
        return self._verify(checkpoint, workers)

    def _checkpoint(self):
        try:
            cp = checkpoints.write()
        except checkpoints.CheckpointError as exc:
            raise CommandError(
                f"审计链未通过校验，未写检查点 / no checkpoint written, the chain does not verify: {exc}"
            ) from None
        self.stdout.write(cp.line())
        self.stdout.write(
            self.style.SUCCESS(
                f"检查点已写入 / checkpoint written to {cp.source}: event #{cp.seq} "
                f"({cp.count} events), return record #{cp.returns_seq}"
            )
        )

    def _verify(self, files: list[Path], workers: int | None):
        paths = files or checkpoints.default_files()
        found, wrong = checkpoints.read_all(paths)
        other_key = [p for p in wrong if "signed with audit key" in p]
        if other_key:  # say so, rather than report every event as altered
            raise CommandError(f"审计密钥不符 / wrong audit key: {other_key[0]}")
        started = time.perf_counter()
        chain = verify_chain(workers=workers)
        elapsed = time.perf_counter() - started
        if not chain.ok:
            raise CommandError(
                f"审计链断裂 / audit chain broken at event #{chain.broken_seq} (id {chain.broken_id}): "
                f"{chain.problem}; {chain.checked} events before it are intact"
            )
        returns = verify_returns()
        rate = chain.checked / elapsed if elapsed else 0
        self.stdout.write(
            f"head: event #{chain.head_seq} hash {chain.head_hash} ({chain.checked} events, keyed "
            f"since #{chain.keyed_from or '-'}); return record #{returns.head_rseq} "
            f"({returns.legacy} from before the chain); key {keys.key_id()}"
        )
        problems = []
        if not returns.ok:
            problems.append(returns.problem)
        gone = triggers.missing(connection)
        if gone:
            problems.append(
                f"append-only trigger(s) missing or disabled: {', '.join(gone)} (recreate them: "
                "docs/audit.md)"
            )
        problems += wrong
        if files and not found and not wrong:
            problems.append(f"no checkpoint in {', '.join(map(str, files))}")
        if found and returns.ok:
            problems += checkpoints.compare(found, chain, returns)
        if problems:
            for problem in problems[1:]:
                self.stderr.write(problem)
            raise CommandError(f"审计日志被篡改 / audit log tampered with: {problems[0]}")
        newest = checkpoints.latest(found)
        if newest is None:
            self.stderr.write(
                self.style.WARNING(
                    f"没有检查点 / no checkpoint in {checkpoints.directory()}: deleting the newest "
                    "events or recomputing the chain cannot be detected; run `yingshang audit "
                    "checkpoint` and keep a copy of the file elsewhere"
                )
            )
        else:
            self.stdout.write(
                f"checkpoints: {len(found)} agree (newest: event #{newest.seq} at {newest.at}, "
                f"{newest.source})"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"审计链完整 / audit chain intact: {chain.checked} events in {elapsed:.2f}s ({rate:,.0f}/s)"
            )
        )
