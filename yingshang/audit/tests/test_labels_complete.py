"""Every audited action reads as Chinese in the timelines: each action code written by the
application's services has a label registered (an unlabelled one would show its code, e.g.
"firm.create", to the people reading the history)."""

import re
from pathlib import Path

from yingshang.audit import labels

ROOT = Path(__file__).resolve().parents[2]
# audit.record(actor=…, action="x.y"…), workflow.record(actor, "x.y", …), record_many(action=…)
PATTERNS = (
    re.compile(
        r'(?:workflow\.record|audit\.record|record_many)\(\s*[\w.]+,\s*"([a-z_]+\.[a-z_]+)"'
    ),
    re.compile(r'\baction="([a-z_]+\.[a-z_]+)"'),
)


def _written_actions() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & {"tests", "migrations", "testing"}:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            for match in pattern.finditer(text):
                found.setdefault(match.group(1), str(path.relative_to(ROOT)))
    return found


def test_every_written_action_has_a_chinese_label():
    written = _written_actions()
    assert len(written) > 100  # the scan finds the services' actions
    missing = {code: where for code, where in written.items() if labels.label(code) == code}
    assert missing == {}
