"""The 双随机 draw, deterministic given (seed, snapshots, plan): docs/inspections_draw.md is its
specification, and this module is the reference implementation. It is pure Python on purpose —
no Django, no database, no `random` — so `yingshang inspections verify-draw FILE` (and any other
implementation of the document) re-runs it from the exported draw file alone.

Inputs (all canonical JSON values):
  plan        {"ratios": {"A": bp, "B": bp, "C": bp, "D": bp}, "per_entity": k,
               "exclude_same_region": bool, ...}   ratios in basis points (500 = 5 %)
  entities    [[uscc, region_code, grade], …]      sorted by uscc
  inspectors  [[code, unit, region_code, [conflicted uscc, …]], …]   sorted by code
  seed        64 hex digits (32 bytes)
"""

import hashlib
import hmac
import json
from collections import OrderedDict

FORMAT = "yingshang-draw/1"
GRADES = ("A", "B", "C", "D")
DOMAIN = b"yingshang-draw-v1"


class DrawError(ValueError):
    """The inputs cannot give a draw (an entity with fewer than k eligible inspectors)."""

    def __init__(self, code: str, message: str, details: dict):
        super().__init__(message)
        self.code = code
        self.details = details


# --- canonical form and hashes ---------------------------------------------------------------
def canonical(value) -> bytes:
    """JSON with sorted keys, no spaces, UTF-8 (not \\u escapes): one byte string per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(value) -> str:
    return sha256_hex(canonical(value))


def seed_hash(seed: str) -> str:
    """The commitment to the seed: SHA-256 of its 32 bytes (not of the hex text)."""
    return sha256_hex(bytes.fromhex(seed))


# --- the random stream -------------------------------------------------------------------------
class Stream:
    """HMAC-SHA256 counter stream: block i = HMAC(key=seed bytes, DOMAIN ‖ i as 8-byte big
    endian); 64-bit words are read big-endian, four per block, in order."""

    def __init__(self, seed: str):
        self._key = bytes.fromhex(seed)
        if len(self._key) != 32:
            raise ValueError("the seed is 32 bytes (64 hex digits)")
        self._counter = 0
        self._words: list[int] = []

    def _refill(self) -> None:
        block = hmac.new(
            self._key, DOMAIN + self._counter.to_bytes(8, "big"), hashlib.sha256
        ).digest()
        self._counter += 1
        # reversed so that pop() hands them out in order
        self._words = [int.from_bytes(block[i : i + 8], "big") for i in (24, 16, 8, 0)]

    def word(self) -> int:
        if not self._words:
            self._refill()
        return self._words.pop()

    def below(self, n: int) -> int:
        """Uniform in [0, n) by rejection: words ≥ the largest multiple of n are skipped."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            x = self.word()
            if x < limit:
                return x % n


# --- the draw ----------------------------------------------------------------------------------
def sample_size(population: int, ratio_bp: int) -> int:
    """ceil(population × ratio / 10000), in integers."""
    return -(-population * ratio_bp // 10000)


def eligible_count_problems(plan: dict, entities: list, inspectors: list) -> list[dict]:
    """Entities of the population with fewer than k eligible inspectors (checked before the
    commitment, so a committed draw never fails)."""
    k = plan["per_entity"]
    same_region = plan["exclude_same_region"]
    by_region: dict[str, int] = {}
    conflicts: dict[str, list[str]] = {}
    for _code, _unit, region, conflicted in inspectors:
        by_region[region] = by_region.get(region, 0) + 1
        for uscc in conflicted:
            conflicts.setdefault(uscc, []).append(region)
    total = len(inspectors)
    problems = []
    for uscc, region, _grade in entities:
        excluded = by_region.get(region, 0) if same_region else 0
        for r in conflicts.get(uscc, ()):
            if not (same_region and r == region):
                excluded += 1
        if total - excluded < k:
            problems.append({"uscc": uscc, "eligible": total - excluded})
    return problems


def run(plan: dict, entities: list, inspectors: list, seed: str) -> list[dict]:
    """The draw. Returns [{"uscc", "grade", "inspectors": [code, …]}, …] in drawing order."""
    stream = Stream(seed)
    k = int(plan["per_entity"])
    same_region = bool(plan["exclude_same_region"])
    # 1. entities: per grade in the order A, B, C, D, a partial Fisher–Yates shuffle of the
    #    grade's entities (in snapshot order) picks ceil(n × ratio) of them
    picked: list[list] = []
    for grade in GRADES:
        pool = [e for e in entities if e[2] == grade]
        count = min(len(pool), sample_size(len(pool), int(plan["ratios"].get(grade, 0))))
        for i in range(count):
            j = i + stream.below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        picked.extend(pool[:count])
    # 2. the order of visits: a full Fisher–Yates shuffle of the picked entities
    for i in range(len(picked) - 1, 0, -1):
        j = stream.below(i + 1)
        picked[i], picked[j] = picked[j], picked[i]
    # 3. inspectors: a full Fisher–Yates shuffle gives the rotation; each entity takes the first
    #    k eligible inspectors of the rotation, who then move to its end (round robin: loads
    #    differ by at most one among inspectors eligible for the same entities)
    order = list(inspectors)
    for i in range(len(order) - 1, 0, -1):
        j = stream.below(i + 1)
        order[i], order[j] = order[j], order[i]
    rotation: OrderedDict[str, tuple[str, frozenset]] = OrderedDict(
        (code, (region, frozenset(conflicted))) for code, _unit, region, conflicted in order
    )
    result = []
    for uscc, region, grade in picked:
        chosen: list[str] = []
        for code, (insp_region, conflicted) in rotation.items():
            if uscc in conflicted or (same_region and insp_region == region):
                continue
            chosen.append(code)
            if len(chosen) == k:
                break
        if len(chosen) < k:
            raise DrawError(
                "INSPECTIONS_TOO_FEW_INSPECTORS",
                f"{uscc}: fewer than {k} eligible inspectors",
                {"uscc": uscc, "eligible": len(chosen), "required": k},
            )
        for code in chosen:
            rotation.move_to_end(code)
        result.append({"uscc": uscc, "grade": grade, "inspectors": chosen})
    return result


# --- the exported file -------------------------------------------------------------------------
def export(
    *, plan: dict, entities: list, inspectors: list, seed: str, result: list, meta: dict
) -> dict:
    return {
        "format": FORMAT,
        "meta": meta,
        "plan": plan,
        "plan_hash": digest(plan),
        "entities": entities,
        "entities_hash": digest(entities),
        "inspectors": inspectors,
        "inspectors_hash": digest(inspectors),
        "seed": seed,
        "seed_hash": seed_hash(seed),
        "result": result,
        "result_hash": digest(result),
    }


def verify(document: dict) -> list[str]:
    """What does not match in an exported draw (empty: everything matches). Recomputes every
    hash from the content and re-runs the draw."""
    problems = []
    if document.get("format") != FORMAT:
        return [f"format is {document.get('format')!r}, expected {FORMAT!r}"]
    for part in ("plan", "entities", "inspectors", "result"):
        if digest(document[part]) != document[f"{part}_hash"]:
            problems.append(f"{part}_hash does not match the {part}")
    try:
        if seed_hash(document["seed"]) != document["seed_hash"]:
            problems.append("seed_hash does not match the seed")
        again = run(
            document["plan"], document["entities"], document["inspectors"], document["seed"]
        )
    except (ValueError, KeyError, TypeError) as exc:
        return [*problems, f"the draw cannot be re-run: {exc}"]
    if again != document["result"]:
        first = next(
            (i for i, (a, b) in enumerate(zip(again, document["result"], strict=False)) if a != b),
            min(len(again), len(document["result"])),
        )
        problems.append(
            f"re-running the draw gives a different result (first difference at position {first};"
            f" {len(again)} entities re-drawn, {len(document['result'])} published)"
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    """`python draw.py FILE`: verify an exported draw with nothing but the standard library."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: draw.py EXPORTED_DRAW.json", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as fh:
        problems = verify(json.load(fh))
    for line in problems:
        print(f"MISMATCH: {line}")
    if not problems:
        print("MATCH")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
