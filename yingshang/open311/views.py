"""Open311 GeoReport v2 at /open311/v2/ (reference/peers.md §1), plain Django views.

Services are the active hotline topics (leaves of the tree); a service request is a work
order. Reads are public and anonymous, so they never carry the caller: no name, phone or
e-mail ever; phone and ID numbers written into the text are masked; confidential orders show
nothing but their number, service, status and dates."""

import datetime as dt
import functools
import re

from django.conf import settings
from django.db.models import Case, Exists, F, Func, OuterRef, Subquery, TextField, When
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from yingshang import inputs
from yingshang.hotline.models import Topic, WorkOrder, WorkOrderAttachment
from yingshang.open311.formats import FORMATS, ListOf, errors, parse_w3c, render, w3c
from yingshang.org import masking
from yingshang.processcache import TTLCache

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-22T00:00:00+08:00"  # when this endpoint's behaviour last changed
MAX_ROWS = 1000
WINDOW = dt.timedelta(days=90)
MAX_DESCRIPTION = 4000
FIELD_MAX = 200  # every other argument: names, phone, address, ids, e-mail, media_url
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
_ATTR = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def _fmt_ok(fmt: str):
    if fmt not in FORMATS:
        return errors("xml", 400, _("不支持的格式：%(f)s（仅支持 xml 与 json）") % {"f": fmt})
    return None


def _not_allowed(fmt: str, allow: str):
    """405 with the methods the resource takes (PUT, DELETE, … are not part of GeoReport v2)."""
    response = errors(fmt, 405, _("此资源只支持 %(m)s 请求") % {"m": allow})
    response["Allow"] = allow
    return response


def _get(request, name: str) -> str:
    """An optional argument: empty counts as absent (spec §1.1). POST body first, then query."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None or value == "":
        value = request.GET.get(name, "")
    return (value or "").strip()


# --- services ---------------------------------------------------------------------------------
def _public_topics():
    """Active topics without active children: what a citizen can pick."""
    qs = Topic.objects.filter(is_active=True)
    if any(f.name == "is_public" for f in Topic._meta.get_fields()):
        qs = qs.filter(is_public=True)
    has_children = Topic.objects.filter(parent=OuterRef("pk"), is_active=True)
    return (
        qs.annotate(_has_children=Exists(has_children))
        .filter(_has_children=False)
        .select_related("parent")
    )


def _service(topic: Topic) -> dict:
    return {
        "service_code": topic.code,
        "service_name": topic.name,
        "description": topic.description or str(topic),
        "metadata": bool(topic.extra_fields),
        "type": "realtime",
        "keywords": ",".join(
            w.strip() for w in re.split(r"[,，、\s]+", topic.keywords or "") if w.strip()
        ),
        "group": topic.parent.name if topic.parent_id else topic.name,
    }


def _attributes(topic: Topic) -> list[dict]:
    out = []
    for i, field in enumerate(topic.extra_fields or [], start=1):
        datatype = field.get("datatype") or "string"
        if datatype not in DATATYPES:
            datatype = "string"
        attr = {
            "variable": bool(field.get("variable", True)),
            "code": str(field.get("code", "")),
            "datatype": datatype,
            "required": bool(field.get("required", False)),
            "datatype_description": field.get("datatype_description") or None,
            "order": int(field.get("order") or i),
            "description": field.get("description")
            or field.get("label")
            or str(field.get("code", "")),
        }
        if datatype in ("singlevaluelist", "multivaluelist"):
            attr["values"] = ListOf(
                "value",
                [
                    {"key": str(v.get("key", "")), "name": str(v.get("name", v.get("key", "")))}
                    for v in field.get("values") or []
                ],
            )
        out.append(attr)
    return sorted(out, key=lambda a: a["order"])


@csrf_exempt  # an API of api_keys, no session: a PUT gets its 405, not a CSRF page
def service_list(request, fmt):
    if bad := _fmt_ok(fmt):
        return bad
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(fmt, "GET, HEAD")
    topics = _public_topics().order_by("sort_order", "id")
    return render(fmt, "services", ListOf("service", [_service(t) for t in topics]))


@csrf_exempt  # an API of api_keys, no session: a PUT gets its 405, not a CSRF page
def service_definition(request, code, fmt):
    if bad := _fmt_ok(fmt):
        return bad
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(fmt, "GET, HEAD")
    topic = _public_topics().filter(code=code).first()
    if topic is None:
        return errors(fmt, 404, _("服务代码不存在：%(c)s") % {"c": code})
    body = {"service_code": topic.code, "attributes": ListOf("attribute", _attributes(topic))}
    return render(fmt, "service_definition", body)


@csrf_exempt  # an API of api_keys, no session: a PUT gets its 405, not a CSRF page
def discovery(request, fmt):
    if bad := _fmt_ok(fmt):
        return bad
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(fmt, "GET, HEAD")
    base = request.build_absolute_uri("/open311/v2/")
    changed = CHANGESET
    contact = getattr(settings, "OPEN311_CONTACT", "") or _("12345政务服务便民热线分中心")
    body = {
        "changeset": changed,
        "contact": contact,
        "key_service": getattr(settings, "OPEN311_KEY_SERVICE", "")
        or _("向县营商环境建设局申请系统集成密钥"),
        "endpoints": ListOf(
            "endpoint",
            [
                {
                    "specification": SPEC_URL,
                    "url": base.rstrip("/"),
                    "changeset": changed,
                    "type": "production",
                    "formats": ListOf("format", ["text/xml", "application/json"]),
                }
            ],
        ),
    }
    return render(fmt, "discovery", body)


# --- reading requests -------------------------------------------------------------------------
# The masked texts, kept per process (processcache): a pure function of the text and the name,
# so an entry never goes stale. A list answers with 2,000 texts and its readers poll the same
# window again and again; masking them took 12 of the 26 ms of a response on 1,000 rows whose
# texts carry long numbers (bench/analysis.md, session 16).
_MASKED = TTLCache("open311.masked", max_entries=8192, seconds=3600)


def _scrub(text: str, caller_name: str) -> str:
    # the one masking of public free text (org.masking): numbers in any spelling, the caller's name
    return _MASKED.get((text, caller_name), lambda: masking.mask_text(text, names=[caller_name]))


ROW_FIELDS = (
    "number",
    "status",
    "reply",
    "content",
    "confidential",
    "caller_name",
    "_media_attr",
    "topic__name",
    "topic__code",
    "main_unit__name",
    "_registered",
    "_updated",
    "_expected",
    "address",
    "lat",
    "lng",
    "_media",
)


class _ShownTime(Func):
    """A datetime as text for _when. PostgreSQL writes it in the given IANA zone, cut to the
    second, with the zone's offset in seconds at that instant ('2026-11-22T09:00:00|28800'), so
    that Python only appends the offset; elsewhere (or for a zone without an IANA name) the
    datetime as text, parsed and converted by _when."""

    output_field = TextField()

    def __init__(self, expression, zone: str | None):
        super().__init__(expression)
        self.zone = zone

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({sql}) AS text)", params

    def as_postgresql(self, compiler, connection, **extra):
        if not self.zone:
            return self.as_sql(compiler, connection, **extra)
        sql, params = compiler.compile(self.source_expressions[0])
        local = f"({sql}) AT TIME ZONE %s"
        return (
            f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || '|' || "
            f"(EXTRACT(EPOCH FROM {local}) - EXTRACT(EPOCH FROM ({sql})))::int",
            [*params, self.zone, *params, self.zone, *params],
        )


def _row_values(qs, tz):
    """One tuple per order (ROW_FIELDS). The dates shown are picked in SQL (closed orders:
    closed, else last changed; expected: handling deadline, else the overall one) and read as
    text (_ShownTime): the driver's datetime loader and the conversion for 3,000 values per
    response cost more than the rest of the row."""
    zone = getattr(tz, "key", None)  # an IANA name PostgreSQL knows, e.g. Asia/Shanghai
    closed = WorkOrder.Status.CLOSED
    return qs.annotate(
        _registered=_ShownTime(F("registered_at"), zone),
        _updated=_ShownTime(
            Case(
                When(status=closed, then=Coalesce("closed_at", "updated_at")),
                default=F("updated_at"),
            ),
            zone,
        ),
        _expected=_ShownTime(Coalesce("handle_due_at", "due_at"), zone),
        # attributes["media_url"] (None when attributes is not an object or lacks the key)
        _media_attr=KeyTransform("media_url", "attributes"),
        # the first attachment with a media URL (one index probe per row)
        _media=Subquery(
            WorkOrderAttachment.objects.filter(order_id=OuterRef("pk"))
            .exclude(media_url="")
            .order_by("pk")
            .values("media_url")[:1]
        ),
    ).values_list(*ROW_FIELDS)


@functools.cache
def _offset(seconds: int) -> str:
    """An offset as datetime.isoformat writes it: +08:00 (seconds only when there are some)."""
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _when(text: str | None, tz) -> str | None:
    """A datetime read by _ShownTime, as formats.w3c writes it. PostgreSQL's plain text form is
    '2026-11-22 01:00:00.5+00' (ISO DateStyle, which psycopg needs for any datetime it reads
    anyway); SQLite stores naive UTC."""
    if text is None:
        return None
    local, bar, offset = text.partition("|")
    if bar:
        return local + _offset(int(offset))
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return w3c(value, tz)


class _Labels:
    """Translated texts and the time zone looked up once per response, not once per row."""

    def __init__(self):
        self.status = {k: str(v) for k, v in WorkOrder.Status.choices}
        self.hidden = _("（保密工单，内容不公开）")
        self.tz = timezone.get_current_timezone()


def _request_row(o: tuple, labels: _Labels) -> dict:
    (
        number,
        status,
        reply,
        content,
        confidential,
        caller_name,
        media_attr,
        topic_name,
        topic_code,
        unit_name,
        registered_at,
        updated_at,
        expected_at,
        address,
        lat,
        lng,
        attachment_url,
    ) = o
    closed = status == WorkOrder.Status.CLOSED
    notes = labels.status.get(status, status)
    if closed and reply and not confidential:
        notes = f"{notes}：{_scrub(reply, caller_name)}"
    media_url = ""
    if not confidential:
        media_url = media_attr or attachment_url or ""
    tz = labels.tz
    return {
        "service_request_id": number,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": topic_name or "",
        "service_code": topic_code or "",
        "description": labels.hidden if confidential else _scrub(content, caller_name),
        "agency_responsible": unit_name or "",
        "service_notice": "",
        "requested_datetime": _when(registered_at, tz),
        "updated_datetime": _when(updated_at, tz),
        "expected_datetime": _when(expected_at, tz),
        "address": "" if confidential else _scrub(address or "", caller_name),
        "address_id": "",
        "zipcode": "",
        "lat": None if confidential or lat is None else float(lat),
        "long": None if confidential or lng is None else float(lng),
        "media_url": media_url,
    }


def _orders():
    """The public projection of work orders (Open311 reads are anonymous by the spec; what
    is shown is limited to the fields of _request_row, not by the staff scope rules)."""
    return WorkOrder.objects.all()


def _rows(qs) -> ListOf:
    labels = _Labels()
    return ListOf("request", [_request_row(r, labels) for r in _row_values(qs, labels.tz)])


def _in_range(when: dt.datetime) -> bool:
    return inputs.DATE_MIN <= when.date() <= inputs.DATE_MAX


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@csrf_exempt
def request_list(request, fmt):
    if bad := _fmt_ok(fmt):
        return bad
    if request.method == "POST":
        from yingshang.open311.submit import create_request

        return create_request(request, fmt)
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(fmt, "GET, HEAD, POST")
    ids = _split(_get(request, "service_request_id"))
    if ids:  # overrides every other filter
        return render(
            fmt,
            "service_requests",
            _rows(_orders().filter(number__in=ids[:MAX_ROWS]).order_by("-registered_at", "-pk")),
        )
    problems = []
    start_raw, end_raw = _get(request, "start_date"), _get(request, "end_date")
    start = parse_w3c(start_raw) if start_raw else None
    end = parse_w3c(end_raw) if end_raw else None
    # a date outside the years anything happens in is as unusable as an unparseable one (and
    # year 1 minus the 90-day window would overflow)
    start = start if start is None or _in_range(start) else None
    end = end if end is None or _in_range(end) else None
    if start_raw and start is None:
        problems.append(_("start_date 不是有效的 W3C 日期时间（如 2026-11-01T00:00:00+08:00）"))
    if end_raw and end is None:
        problems.append(_("end_date 不是有效的 W3C 日期时间（如 2026-11-22T23:59:59+08:00）"))
    statuses = [s.lower() for s in _split(_get(request, "status"))]
    bad_status = [s for s in statuses if s not in ("open", "closed")]
    if bad_status:
        problems.append(_("status 只能是 open 或 closed：%(s)s") % {"s": ",".join(bad_status)})
    if problems:
        return errors(fmt, 400, *problems)
    if start and end and end < start:
        return errors(fmt, 400, _("end_date 不能早于 start_date"))
    if start and end and end - start > WINDOW:
        return errors(fmt, 400, _("start_date 与 end_date 的间隔不能超过90天"))
    if start is None and end is None:
        end = timezone.now()
        start = end - WINDOW
    elif start is None:
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    qs = _orders().filter(registered_at__gte=start, registered_at__lte=end)
    codes = _split(_get(request, "service_code"))
    if codes:
        qs = qs.filter(topic__code__in=codes)
    if statuses and set(statuses) != {"open", "closed"}:
        qs = (
            qs.filter(status=WorkOrder.Status.CLOSED)
            if statuses[0] == "closed"
            else qs.exclude(status=WorkOrder.Status.CLOSED)
        )
    return render(fmt, "service_requests", _rows(qs.order_by("-registered_at", "-pk")[:MAX_ROWS]))


@csrf_exempt  # an API of api_keys, no session: a PUT gets its 405, not a CSRF page
def request_detail(request, request_id, fmt):
    if bad := _fmt_ok(fmt):
        return bad
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(fmt, "GET, HEAD")
    rows = _rows(_orders().filter(number=request_id))
    if not rows.items:
        return errors(fmt, 404, _("服务请求不存在：%(i)s") % {"i": request_id})
    return render(fmt, "service_requests", rows)


@csrf_exempt  # an API of api_keys, no session: a PUT gets its 405, not a CSRF page
def token(request, token, fmt):
    """We are a realtime back end and answer with the id at once, so a token is only ever
    the request id itself; anything else is unknown (404)."""
    if bad := _fmt_ok(fmt):
        return bad
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(fmt, "GET, HEAD")
    number = WorkOrder.objects.filter(number=token).values_list("number", flat=True).first()
    if number is None:
        return errors(fmt, 404, _("令牌不存在：%(t)s") % {"t": token})
    return render(
        fmt, "service_requests", ListOf("request", [{"service_request_id": number, "token": token}])
    )
