"""The REST API under /api/v1/: one NinjaAPI, one error format, routers from each app's api.py.

Error body everywhere: {"code": "STABLE_CODE", "message": "中文说明", "details": {...}}.
Validation errors → 422 naming the fields; domain errors → 409 (or their own status);
out-of-scope and missing → 404 alike; unauthenticated → 401; malformed or oversized requests →
400/413; too many writes → 429. No input a client can send yields a 500.

Every write is counted against its account and its address (apiaccess.ratelimit.api_write),
whichever way it authenticates. The OpenAPI document lists the error responses of every
operation with the error schema (`_document_errors`)."""

import logging
from decimal import InvalidOperation
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, include, path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from yingshang.apiaccess import keys, ratelimit
from yingshang.apiaccess.services import authenticate
from yingshang.errors import DomainError

log = logging.getLogger(__name__)


def _authenticated(request, user):
    if user is not None:
        keys.check(user, request.path)  # an integration key only within its areas (403)
        request.user = user
        ratelimit.api_write(request, user)  # raises RATE_LIMITED (429) past the limits
    return user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        return _authenticated(request, authenticate(token))


class ApiKeyHeader(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        return _authenticated(request, authenticate(key))


class Session(SessionAuth):
    """The browser's session, with its CSRF check. Without a logged-in session the request is
    unauthenticated (401) before any CSRF question arises: a 403 would tell an anonymous
    client it is forbidden when it is only not logged in."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        return _authenticated(request, request.user if request.user.is_authenticated else None)


# a bearer token / API key (systems) or the session (browser, with its CSRF check). Token
# authenticators come first: ninja's session auth runs the CSRF check on every POST before it
# looks for a session and would refuse a token-authenticated POST; a request without a token
# header still falls through to the session auth and its CSRF check.
AUTH = [BearerToken(), ApiKeyHeader(), Session()]


class ErrorOut(Schema):
    """The one error body of the API."""

    code: str
    message: str
    details: dict = {}


def error(request, status: int, code: str, message: str, details: dict | None = None):
    return api.create_response(
        request, {"code": code, "message": message, "details": details or {}}, status=status
    )


class Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return _document_errors(super().get_openapi_schema(**kwargs))


api = Api(
    title="营商通 Yingshang API",
    version="1",
    description=_("县级营商环境平台接口。错误统一为 {code, message, details}。"),
    urls_namespace="api",
    docs_url="/docs",
    auth=AUTH,
)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    fields = {}
    for item in exc.errors:
        loc = [
            str(p)
            for p in item.get("loc", [])
            if p not in ("body", "query", "path", "payload", "form")
        ]
        fields[".".join(loc) or "_"] = item.get("msg", "")
    return error(
        request,
        422,
        "VALIDATION_ERROR",
        _("提交的数据有误：%(fields)s") % {"fields": "、".join(fields)},
        {"fields": fields},
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, 404, "NOT_FOUND", _("对象不存在或无权访问"))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error(request, 401, "UNAUTHENTICATED", _("请先登录或提供有效的接口令牌"))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    codes = {403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 429: "RATE_LIMITED"}
    return error(
        request, exc.status_code, codes.get(exc.status_code, "HTTP_ERROR"), str(exc.message)
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return error(request, 413, "REQUEST_TOO_LARGE", _("提交的数据过大"))


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(MultiPartParserError)
def _malformed(request, exc):
    return error(request, 400, "MALFORMED_REQUEST", _("请求格式有误，无法解析"))


@api.exception_handler(DataError)
@api.exception_handler(InvalidOperation)
@api.exception_handler(OverflowError)
def _out_of_range(request, exc):
    """A value the schema let through but the database cannot hold (a number out of range, a
    character it refuses): the client's input, not our fault."""
    log.warning("API input refused by the database: %s", exc)
    return error(request, 400, "INVALID_VALUE", _("提交的数值或字符超出允许范围"))


@api.exception_handler(Exception)
def _unexpected(request, exc):
    log.exception("unhandled API error")
    return error(request, 500, "INTERNAL_ERROR", _("服务器内部错误，请稍后重试"))


def unknown_path(request, *args, **kwargs):
    """A path under /api/v1/ that no endpoint has (a mistyped action, an old client)."""
    from django.http import JsonResponse

    return JsonResponse(
        {
            "code": "NOT_FOUND",
            "message": _("接口地址不存在"),
            "details": {"path": request.path[:200]},
        },
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


@api.get("/health", auth=None, tags=["system"], summary="健康检查")
def health(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}


def _mount_app_routers() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("yingshang."):
            continue
        module_name = f"{config.name}.api"
        if find_spec(module_name) is None:
            continue
        module = import_module(module_name)
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router(getattr(module, "PREFIX", f"/{config.label}"), router)


_mount_app_routers()


# --- the error responses in the OpenAPI document ------------------------------------------------
ERROR_RESPONSES = {
    "400": "请求格式或内容有误（code 说明原因）",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "对象不存在或无权访问",
    "409": "当前状态不允许此操作",
    "413": "提交的数据过大",
    "422": "字段校验失败（details.fields 列出字段）",
    "429": "操作过于频繁",
}


def _document_errors(schema: dict) -> dict:
    """Every operation answers with the error format on these statuses; say so once, for all of
    them, instead of on each route (401 only where the operation needs authentication)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
        ErrorOut.model_json_schema()
    )
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_RESPONSES.items():
                if status == "401" and not operation.get("security"):
                    continue
                operation["responses"].setdefault(int(status), {"description": description, **ref})
    return schema


# --- the URL patterns, grouped ------------------------------------------------------------------
def urls():
    """`api.urls` with its operations grouped under their first path segment (`hotline/`,
    `cases/`, …), names and views unchanged. Django tries patterns in order, and ninja lists
    every operation (325 in December 2026) flat: resolving a work order's creation walked some
    80 patterns; grouped, it tries the groups, then one group's own (32 → 21 µs, a rating
    41 → 23 µs, a case's submission 25 → 16 µs). No route begins with a path parameter, so a
    path reaches the same route either way (yingshang/tests/test_urls.py resolves every
    operation's path)."""
    patterns, app_name, namespace = api.urls
    grouped: list = []
    groups: dict[str, list] = {}
    for pattern in patterns:
        route = str(pattern.pattern)
        head, slash, rest = route.partition("/")
        if not slash or not isinstance(pattern, URLPattern) or head.startswith("<"):
            grouped.append(pattern)  # "health", "docs" …: kept as they are, in their place
            continue
        if head not in groups:
            groups[head] = []
            grouped.append(path(f"{head}/", include(groups[head])))
        groups[head].append(
            path(rest, pattern.callback, kwargs=pattern.default_args, name=pattern.name)
        )
    return grouped, app_name, namespace
