"""Open311 GeoReport v2 wire formats: XML (required) and JSON (the "Spark convention" mapping of
the XML: wrapping list elements disappear, lists become arrays), W3C datetimes with a zone."""

import datetime as dt
import json
import re
from decimal import Decimal
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'


class ListOf:
    """A list serialised in XML as <wrapper><item>…</item>…</wrapper> and in JSON as an array."""

    def __init__(self, item: str, items):
        self.item = item
        self.items = list(items)


def w3c(value: dt.datetime | None, tz=None) -> str | None:
    """2026-11-22T09:00:00+08:00 (local time of the county, always with its zone). `tz`: the
    current time zone, when the caller looked it up once for many values."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = timezone.make_aware(value)
    return (
        value.astimezone(tz or timezone.get_current_timezone()).replace(microsecond=0).isoformat()
    )


def parse_w3c(value: str) -> dt.datetime | None:
    """A W3C datetime (zone optional: a missing zone means county time); a bare date means its
    start. Tolerates a '+' decoded to a space by careless clients. None if unparseable."""
    value = (value or "").strip()
    if not value:
        return None
    candidates = [value]
    if " " in value:
        head, _sep, tail = value.rpartition(" ")
        candidates.append(f"{head}+{tail}")
    for candidate in candidates:
        try:
            parsed = parse_datetime(candidate)
        except ValueError:
            parsed = None
        if parsed is not None:
            return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is not None:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return None


def _json_default(value):
    """The types the JSON encoder calls back for (it writes dicts, lists, strings, numbers,
    booleans and None itself): lists, datetimes in W3C form, decimals as numbers."""
    if isinstance(value, ListOf):
        return value.items
    if isinstance(value, dt.datetime):
        return w3c(value)
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what escaping changes


def _xml_scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c(value)
    return escape(_CONTROL.sub("", str(value)))  # characters XML 1.0 cannot carry


def _xml(name: str, value, out: list[str]) -> None:
    if isinstance(value, ListOf):
        out.append(f"<{name}>")
        for item in value.items:
            _xml(value.item, item, out)
        out.append(f"</{name}>")
    elif isinstance(value, dict):
        out.append(f"<{name}>")
        for key, child in value.items():
            # the common scalars inline, with the same text as _xml_scalar
            kind = child.__class__
            if kind is str:
                if _SPECIAL.search(child):
                    child = escape(_CONTROL.sub("", child))
                out.append(f"<{key}>{child}</{key}>")
            elif child is None:
                out.append(f"<{key}></{key}>")
            elif kind is float or kind is int:
                out.append(f"<{key}>{child!s}</{key}>")
            else:
                _xml(key, child, out)
        out.append(f"</{name}>")
    elif isinstance(value, list):  # repeated elements without a wrapper
        for item in value:
            _xml(name, item, out)
    else:
        text = _xml_scalar(value)
        out.append(f"<{name}>{text}</{name}>" if text else f"<{name}></{name}>")


def render(fmt: str, root: str, body, status: int = 200) -> HttpResponse:
    """`body` is a ListOf (for list documents) or a dict (single documents); `root` is the XML
    root element name (services, service_definition, service_requests, errors, discovery)."""
    if fmt == "json":
        payload = _JSON.encode(body)
    else:
        out = [XML_DECLARATION]
        _xml(root, body, out)
        payload = "".join(out)
    return HttpResponse(
        payload.encode("utf-8"),
        status=status,
        content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["xml"]),
    )


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    body = ListOf("error", [{"code": status, "description": d} for d in descriptions])
    return render(fmt if fmt in FORMATS else "xml", "errors", body, status=status)
