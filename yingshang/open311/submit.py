"""Open311 GeoReport v2: POST /requests (creating a service request = registering a work
order through the hotline's service, with the api_key's integration account)."""

from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from yingshang.apiaccess import keys, ratelimit
from yingshang.apiaccess.models import ApiToken
from yingshang.apiaccess.services import authenticate
from yingshang.errors import DomainError
from yingshang.hotline.models import Topic, WorkOrder
from yingshang.open311.formats import ListOf, errors, parse_w3c, render
from yingshang.open311.views import (
    _ATTR,
    FIELD_MAX,
    MAX_DESCRIPTION,
    _attributes,
    _fmt_ok,
    _get,
    _not_allowed,
    _public_topics,
)


# --- creating a request -----------------------------------------------------------------------
def _submitted_attributes(request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for source in (request.GET, request.POST):
        for key in source:
            m = _ATTR.match(key)
            if m:
                values = [v for v in source.getlist(key) if v != ""]
                if values:
                    found.setdefault(m.group(1), []).extend(values)
    return found


def _validate_attributes(topic: Topic, submitted: dict[str, list[str]]) -> tuple[dict, list[str]]:
    problems, clean = [], {}
    for attr in _attributes(topic):
        code, datatype = attr["code"], attr["datatype"]
        values = submitted.get(code, [])
        if not attr["variable"]:
            continue
        if not values:
            if attr["required"]:
                problems.append(
                    _("缺少必填属性 attribute[%(c)s]（%(d)s）")
                    % {"c": code, "d": attr["description"]}
                )
            continue
        if datatype == "multivaluelist":
            keys = {v["key"] for v in attr["values"].items}
            wrong = [v for v in values if v not in keys]
            if wrong:
                problems.append(
                    _("attribute[%(c)s] 的取值无效：%(v)s") % {"c": code, "v": ",".join(wrong)}
                )
            else:
                clean[code] = list(dict.fromkeys(values))
            continue
        if len(values) > 1:
            problems.append(_("attribute[%(c)s] 只能有一个值") % {"c": code})
            continue
        value = values[0]
        if datatype == "singlevaluelist":
            if value not in {v["key"] for v in attr["values"].items}:
                problems.append(_("attribute[%(c)s] 的取值无效：%(v)s") % {"c": code, "v": value})
                continue
        elif datatype == "number":
            try:
                float(value)
            except ValueError:
                problems.append(_("attribute[%(c)s] 应为数字") % {"c": code})
                continue
        elif datatype == "datetime" and parse_w3c(value) is None:
            problems.append(_("attribute[%(c)s] 应为 W3C 日期时间") % {"c": code})
            continue
        clean[code] = value
    return clean, problems


def _coordinate(value: str, low: float, high: float):
    try:
        number = float(value)
    except ValueError:
        return None
    return number if low <= number <= high else None


@csrf_exempt
def create_request(request, fmt):
    if bad := _fmt_ok(fmt):
        return bad
    if request.method != "POST":
        return _not_allowed(fmt, "POST")
    user = authenticate(_get(request, "api_key"))
    token = getattr(user, "_api_token", None)
    if user is None or token is None or token.kind != ApiToken.Kind.INTEGRATION:
        # personal access tokens act as a person; only a system integration key may post
        return errors(fmt, 403, _("api_key 缺失或无效"))
    if not keys.permits(user, request.path):
        return errors(fmt, 403, _("该 api_key 无权调用 Open311 接口"))
    try:
        ratelimit.api_write(request, user)
    except DomainError as exc:
        return errors(fmt, 429, exc.message)
    too_long = [
        name
        for name, values in request.POST.lists()
        if name != "description" and any(len(v) > FIELD_MAX for v in values)
    ]
    if too_long:
        return errors(
            fmt,
            400,
            _("以下字段过长（最多%(n)d个字符）：%(f)s")
            % {"n": FIELD_MAX, "f": "、".join(too_long)},
        )
    code = _get(request, "service_code")
    if not code:
        return errors(fmt, 400, _("缺少 service_code"))
    topic = _public_topics().filter(code=code).first()
    if topic is None:
        return errors(fmt, 404, _("服务代码不存在：%(c)s") % {"c": code})
    problems = []
    lat_raw, long_raw = _get(request, "lat"), _get(request, "long")
    address, address_id = _get(request, "address_string"), _get(request, "address_id")
    lat = lng = None
    if lat_raw or long_raw:
        lat, lng = _coordinate(lat_raw, -90, 90), _coordinate(long_raw, -180, 180)
        if lat is None or lng is None:
            problems.append(_("lat 与 long 须同时提供且为有效的 WGS84 坐标"))
    elif not address and not address_id:
        problems.append(_("须提供位置：lat 与 long，或 address_string，或 address_id"))
    description = _get(request, "description")
    if len(description) > MAX_DESCRIPTION:
        problems.append(_("description 不能超过4000个字符"))
    attributes, attr_problems = _validate_attributes(topic, _submitted_attributes(request))
    problems.extend(attr_problems)
    if problems:
        return errors(fmt, 400, *problems)
    name = (_get(request, "last_name") + _get(request, "first_name")).strip()
    phone = _get(request, "phone")
    extra = {
        k: _get(request, k)
        for k in ("email", "device_id", "account_id", "media_url")
        if _get(request, k)
    }
    if address_id:
        extra["address_id"] = address_id
    # stored text stays Chinese whatever language the client asked for
    content = description or "【{}】{}".format(topic.name, address or address_id or "见定位")
    if len(content) < 5:
        content = f"{topic.name}：{content}"
    try:
        order = _register(
            user, topic, content, name, phone, address or address_id, lat, lng, attributes, extra
        )
    except DomainError as exc:
        status = exc.status if exc.status in (400, 403, 404) else 400
        return errors(fmt, status, exc.message)
    row = {
        "service_request_id": order.number,
        "service_notice": _("已受理，将由12345热线分中心派单办理"),
    }
    if extra.get("account_id"):
        row["account_id"] = extra["account_id"]
    return render(fmt, "service_requests", ListOf("request", [row]), status=201)


def _register(user, topic, content, name, phone, address, lat, lng, attributes, extra):
    from decimal import Decimal

    from yingshang.hotline import services as hotline

    data = dict(attributes)
    if extra:
        data["_open311"] = extra
        if extra.get("media_url"):
            data["media_url"] = extra["media_url"]
    return hotline.workorder_register(
        actor=user,
        content=content,
        channel=WorkOrder.Channel.OPEN311,
        topic=topic,
        caller_name=name,
        caller_phone=phone,
        anonymous=not phone,
        address=address,
        lat=None if lat is None else Decimal(str(round(lat, 6))),
        lng=None if lng is None else Decimal(str(round(lng, 6))),
        attributes=data,
    )
