"""The REST API under /api/v1/: one NinjaAPI, one error format, routers from each app's api.py.

Error body everywhere: {"code": "STABLE_CODE", "message": "中文说明", "details": {...}}.
Validation errors → 422 naming the fields; domain errors → 409 (or their own status);
out-of-scope and missing → 404 alike; unauthenticated → 401."""

import logging
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from yingshang.apiaccess.services import authenticate
from yingshang.errors import DomainError

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = authenticate(token)
        if user is not None:
            request.user = user
        return user


class ApiKeyHeader(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        user = authenticate(key)
        if user is not None:
            request.user = user
        return user


# a bearer token / API key (systems) or the session (browser, with its CSRF check). Token
# authenticators come first: ninja's session auth runs the CSRF check on every POST before it
# looks for a session and would refuse a token-authenticated POST; a request without a token
# header still falls through to the session auth and its CSRF check.
AUTH = [BearerToken(), ApiKeyHeader(), django_auth]


def error(request, status: int, code: str, message: str, details: dict | None = None):
    return api.create_response(
        request, {"code": code, "message": message, "details": details or {}}, status=status
    )


api = NinjaAPI(
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
