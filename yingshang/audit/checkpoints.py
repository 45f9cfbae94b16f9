"""Signed checkpoints of the audit chain, written outside the database (docs/audit.md).

A checkpoint is one JSON line: the head of the event chain (seq, hash, count), the head of the
chain of return records, the first keyed event, the time, the key's public id and an HMAC-SHA256
over all of it with a sub-key of the audit key. Lines are appended to
AUDIT_CHECKPOINT_DIR/checkpoints.jsonl every AUDIT_CHECKPOINT_SECONDS (tasks.py) and by
`yingshang audit checkpoint`; copy or publish the file. Whoever rewrites the database cannot
change what a checkpoint says: deleting the newest events leaves the database shorter than a
checkpoint, recomputing the chain changes the hash at a checkpoint's seq.

A checkpoint is only written over a chain that verifies from the previous checkpoint (the whole
chain for the first one), so it never vouches for a chain that was already broken.
"""

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from yingshang.audit import keys
from yingshang.audit.chain import GENESIS

FORMAT = "yingshang-audit-checkpoint/1"
FILENAME = "checkpoints.jsonl"
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class CheckpointError(Exception):
    pass


@dataclass
class Checkpoint:
    seq: int
    head: str
    count: int
    returns_seq: int
    returns_head: str
    keyed_from: int | None
    at: str
    key_id: str
    mac: str = ""
    format: str = FORMAT
    source: str = ""  # file:line it was read from (not signed)

    def signed_fields(self) -> dict:
        fields = asdict(self)
        fields.pop("mac")
        fields.pop("source")
        return fields

    def compute_mac(self) -> str:
        return keys.checkpoint_mac().hexdigest(_ENCODER.encode(self.signed_fields()).encode())

    def line(self) -> str:
        return _ENCODER.encode({**self.signed_fields(), "mac": self.mac})


def directory() -> Path | None:
    """The checkpoint folder; None only in tests that give none (settings.py)."""
    return Path(settings.AUDIT_CHECKPOINT_DIR) if settings.AUDIT_CHECKPOINT_DIR else None


def default_files() -> list[Path]:
    folder = directory()
    return sorted(folder.glob("*.jsonl")) if folder is not None and folder.is_dir() else []


def read(path: Path) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints of one file and the problems with its lines (unreadable, bad MAC)."""
    found, problems = [], []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        return [], [f"checkpoint file {path}: cannot be read ({exc.strerror})"]
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        source = f"{path}:{number}"
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError
            cp = Checkpoint(**data, source=source)
        except (ValueError, TypeError):
            problems.append(f"checkpoint {source}: not a checkpoint line")
            continue
        if cp.key_id != keys.key_id():
            problems.append(
                f"checkpoint {source} was signed with audit key {cp.key_id}; this process has "
                f"key {keys.key_id()} ({keys.key_source()}): verify with the key in use then"
            )
        elif cp.mac != cp.compute_mac():
            problems.append(
                f"checkpoint {source}: signature does not match (the checkpoint was forged or "
                "altered)"
            )
        else:
            found.append(cp)
    return found, problems


def read_all(paths: list[Path]) -> tuple[list[Checkpoint], list[str]]:
    found, problems = [], []
    for path in paths:
        more, wrong = read(path)
        found += more
        problems += wrong
    return found, problems


def _values_at(table: str, key: str, value: str, positions: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    wanted = sorted(positions)
    for i in range(0, len(wanted), 500):
        part = wanted[i : i + 500]
        marks = ", ".join(["%s"] * len(part))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {key}, {value} FROM {table} WHERE {key} IN ({marks})",  # noqa: S608 - fixed names
                part,
            )
            out.update(cursor.fetchall())
    return out


def compare(checkpoints: list[Checkpoint], chain, returns) -> list[str]:
    """What the database contradicts in the checkpoints: `chain` and `returns` are the verified
    heads (verify.VerifyResult, verify.ReturnsResult)."""
    problems = []
    hashes = _values_at("audit_auditevent", "seq", "hash", {c.seq for c in checkpoints if c.seq})
    macs = _values_at(
        "audit_returnrecord", "rseq", "mac", {c.returns_seq for c in checkpoints if c.returns_seq}
    )
    for cp in sorted(checkpoints, key=lambda c: c.seq, reverse=True):
        said = f"checkpoint {cp.source} of {cp.at}"
        if cp.seq > chain.head_seq:
            problems.append(
                f"truncated: {said} recorded event #{cp.seq} (hash {cp.head[:16]}…, {cp.count} "
                f"events) but the database ends at #{chain.head_seq}: the newest "
                f"{cp.seq - chain.head_seq} event(s) were deleted"
            )
        elif cp.seq and hashes.get(cp.seq) != cp.head:
            problems.append(
                f"rewritten: event #{cp.seq} has hash {str(hashes.get(cp.seq))[:16]}… but {said} "
                f"recorded {cp.head[:16]}…: the chain was recomputed or replaced since"
            )
        elif cp.keyed_from is not None and chain.keyed_from != cp.keyed_from:
            problems.append(
                f"rewritten: the first keyed event is #{chain.keyed_from} but {said} recorded "
                f"#{cp.keyed_from}"
            )
        if cp.returns_seq > returns.head_rseq:
            problems.append(
                f"truncated: {said} recorded return record #{cp.returns_seq} but the database "
                f"ends at #{returns.head_rseq}: the newest return record(s) were deleted"
            )
        elif cp.returns_seq and macs.get(cp.returns_seq) != cp.returns_head:
            problems.append(
                f"rewritten: return record #{cp.returns_seq} differs from {said}: the return "
                "records were recomputed or replaced since"
            )
        if problems:
            break  # the newest checkpoint that disagrees says it; older ones repeat it
    return problems


def latest(checkpoints: list[Checkpoint]) -> Checkpoint | None:
    return max(checkpoints, key=lambda c: (c.seq, c.returns_seq, c.at), default=None)


def write() -> Checkpoint:
    """Check the chain since the last checkpoint of the checkpoint directory, then append a new
    signed line for its head. Raises CheckpointError (and writes nothing) if anything fails."""
    from yingshang.audit.verify import verify_chain, verify_returns

    folder = directory()
    if folder is None:
        raise CheckpointError("no checkpoint directory (AUDIT_CHECKPOINT_DIR) is configured")
    known, problems = read_all(default_files())
    last = latest(known)
    if not problems and last is not None:
        # the previous checkpoint still holds (same check as verify), then only newer events
        chain = verify_chain(after=(last.seq, last.head)) if last.seq else verify_chain()
        returns = verify_returns(after=(last.returns_seq, last.returns_head))
        if chain.ok and returns.ok:
            problems = compare(known, chain, returns)
    else:
        chain, returns = verify_chain(), verify_returns()
    if not chain.ok:
        problems.append(f"event #{chain.broken_seq}: {chain.problem}")
    if not returns.ok:
        problems.append(returns.problem)
    if problems:
        raise CheckpointError("; ".join(problems))
    # the count from the previous checkpoint's plus the events checked since (counting the whole
    # table took seconds at city scale: bench/bench_city.py)
    with connection.cursor() as cursor:
        if last is not None and last.seq <= chain.head_seq:
            cursor.execute(
                "SELECT COUNT(*) FROM audit_auditevent WHERE seq > %s AND seq <= %s",
                [last.seq, chain.head_seq],
            )
            count = last.count + cursor.fetchone()[0]
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM audit_auditevent WHERE seq <= %s", [chain.head_seq]
            )
            count = cursor.fetchone()[0]
    keyed_from = chain.keyed_from
    if keyed_from is None and last is not None:
        keyed_from = last.keyed_from
    cp = Checkpoint(
        seq=chain.head_seq,
        head=chain.head_hash if chain.head_seq else GENESIS,
        count=count,
        returns_seq=returns.head_rseq,
        returns_head=returns.head_mac,
        keyed_from=keyed_from,
        at=timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        key_id=keys.key_id(),
    )
    cp.mac = cp.compute_mac()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILENAME
    # one write() of one line with O_APPEND: concurrent writers never interleave
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, (cp.line() + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    cp.source = f"{path}:{sum(1 for _ in path.open(encoding='utf-8'))}"
    return cp
