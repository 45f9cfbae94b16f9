"""Audit events as a person reads them: Chinese sentences, local time, labelled fields and
formatted values (DESIGN.md §4: "Every object page shows its history as a timeline, in Chinese,
in local time").

`entries(events)` turns events into `Entry` rows for the timelines, the search page and its
export. It never fails on what is stored: `changes` is normally {key: [before, after]}, but older
or hand-written events hold plain values, lists or strings, and each still reads as text.
"""

import datetime as dt
import re
import string
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from yingshang.audit import labels

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def local_datetime(value) -> str:
    """2026年12月6日 14:05 in Asia/Shanghai (the locale's DATETIME_FORMAT)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


@dataclass
class Entry:
    event: Any
    at: str
    actor: str
    unit: str
    title: str
    object_label: str
    sentence: str = ""
    lines: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def text(self) -> str:
        """The whole change as one line (exports)."""
        return "；".join(p for p in [self.sentence, *self.lines] if p)


@dataclass
class _Change:
    key: str
    before: Any
    after: Any


def _changes(raw) -> list[_Change]:
    """Any stored shape → a list of changes; a key of "" is an unlabelled note."""
    if _empty(raw):
        return []
    if isinstance(raw, dict):
        out = []
        for key, value in raw.items():
            if isinstance(value, list) and len(value) == 2:
                out.append(_Change(str(key), value[0], value[1]))
            else:  # a value recorded as it is, not as [before, after]
                out.append(_Change(str(key), None, value))
        # the state first, then the rest in their recorded order
        return sorted(out, key=lambda c: c.key != "status")
    if isinstance(raw, list):
        return [_Change("", None, item) for item in raw]
    return [_Change("", None, raw)]


def _atoms(value) -> Iterable:
    if isinstance(value, list):
        for item in value:
            yield from _atoms(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _atoms(item)
    elif not _empty(value):
        yield value


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class _Formatter:
    """Formats the values of many events, resolving related objects (units, users, materials)
    with one query per field for the whole page."""

    def __init__(self, events: list):
        self.specs: dict[tuple[str, str], labels.Field | None] = {}
        wanted: dict[tuple[str, str], set] = defaultdict(set)
        for event in events:
            for change in _changes(event.changes):
                spec = self.spec(event.object_type, change.key)
                if spec is not None and spec.lookup is not None:
                    for atom in (*_atoms(change.before), *_atoms(change.after)):
                        if _hashable(atom):
                            wanted[(event.object_type, change.key)].add(atom)
        self.resolved: dict[tuple[str, str], dict] = {}
        for key, values in wanted.items():
            spec = self.specs[key]
            try:
                self.resolved[key] = dict(spec.lookup(values)) if spec and spec.lookup else {}
            except (ValueError, TypeError):  # a stored value the lookup cannot take
                self.resolved[key] = {}

    def spec(self, object_type: str, key: str) -> labels.Field | None:
        if (object_type, key) not in self.specs:
            self.specs[(object_type, key)] = labels.field(object_type, key) if key else None
        return self.specs[(object_type, key)]

    def label(self, object_type: str, key: str) -> str:
        spec = self.spec(object_type, key)
        return str(spec.label) if spec is not None else key

    def value(self, object_type: str, key: str, value) -> str:
        spec = self.spec(object_type, key)
        resolved = self.resolved.get((object_type, key), {})
        return self._format(value, spec, resolved)

    def _format(self, value, spec, resolved) -> str:
        if _empty(value):
            return ""
        if isinstance(value, list):
            parts = (self._format(v, spec, resolved) for v in value)
            return "、".join(p for p in parts if p)
        if isinstance(value, dict):
            parts = (self._format(v, spec, resolved) for v in value.values())
            return "，".join(p for p in parts if p)
        if spec is not None and _hashable(value):
            choices = spec.value_labels()
            # bool is an int in Python: True must not find the label of choice 1
            for candidate, lbl in choices.items():
                if candidate == value and isinstance(candidate, bool) == isinstance(value, bool):
                    return str(lbl)
            if value in resolved and not isinstance(value, bool):
                return resolved[value]
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if spec is not None and spec.percent:
            try:
                return f"{float(value) * 100:.0f}%"
            except (TypeError, ValueError):
                pass
        if isinstance(value, str):
            if _ISO_DATETIME.match(value) and parse_datetime(value) is not None:
                return local_datetime(value)
            if _ISO_DATE.match(value) and parse_date(value) is not None:
                return local_datetime(parse_date(value))
        return str(value)


def _sentence(template: str, values: dict[str, str]) -> tuple[str, set[str]]:
    """Fill an action's sentence; ("", set()) when a value it names is missing."""
    used = set()
    try:
        names = [n for _t, n, _f, _c in string.Formatter().parse(template) if n]
    except ValueError:
        return "", set()
    for name in names:
        if not values.get(name):
            return "", set()
        used.add(name.removesuffix("__before"))
    try:
        return template.format(**values), used
    except (KeyError, IndexError, ValueError):
        return "", set()


def _describe(event, fmt: _Formatter, hidden: set[str]) -> Entry:
    ot = event.object_type
    changes = _changes(event.changes)
    values: dict[str, str] = {}
    for c in changes:
        if c.key and c.key not in hidden:
            values[c.key] = fmt.value(ot, c.key, c.after)
            values[f"{c.key}__before"] = fmt.value(ot, c.key, c.before)
    sentence, used = _sentence(labels.sentence(event.action), values)
    lines = []
    for c in changes:
        if c.key in used:
            continue
        name = fmt.label(ot, c.key)
        if c.key and c.key in hidden:
            lines.append(_("%(field)s：（已隐藏）") % {"field": name})
            continue
        old, new = fmt.value(ot, c.key, c.before), fmt.value(ot, c.key, c.after)
        if not c.key:
            line = new
        elif old and new:
            line = _("%(field)s由“%(old)s”改为“%(new)s”") % {"field": name, "old": old, "new": new}
        elif new:
            line = _("%(field)s：%(new)s") % {"field": name, "new": new}
        elif old:
            line = _("%(field)s：已清除（原为“%(old)s”）") % {"field": name, "old": old}
        else:
            line = ""  # nothing meaningful on either side: no "— → —"
        if line:
            lines.append(line)
    unit = getattr(event, "unit", None) if getattr(event, "unit_id", None) else None
    return Entry(
        event=event,
        at=local_datetime(event.created_at),
        actor=event.actor_name or _("系统"),
        unit=unit.name if unit is not None else "",
        title=labels.label(event.action),
        object_label=labels.object_type_label(ot),
        sentence=sentence,
        lines=lines,
        reason=event.reason or "",
    )


def entries(events: Iterable, hidden: Iterable[str] = ()) -> list[Entry]:
    """Events (a queryset or list, already scoped by the caller) → readable entries. Keys in
    `hidden` are shown as changed without their values."""
    events = list(events)
    fmt = _Formatter(events)
    hidden = set(hidden)
    return [_describe(e, fmt, hidden) for e in events]
