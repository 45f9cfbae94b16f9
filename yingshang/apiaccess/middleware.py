"""The edge: requests no view should ever see, refused with a 4xx in the format of the part of
the site they were sent to (the API's {code, message, details}, Open311's error list, or a
page), before any form, schema or query reads them.

- NUL characters in the path, the query, a form field or a JSON body: PostgreSQL cannot store
  or compare text holding one, and no person types one (400).
- A whole number beyond 64 bits in the path or in an id argument of the query (`id`, `…_id`,
  `ids`), or a negative or oversized paging argument (offset, limit, page): no row has such an
  id, no list such a page, and the database refuses to compare with it (400). Free text (`q`)
  may hold any digits.
- A date (a value that is one, in the query or a form) outside inputs.DATE_MIN..DATE_MAX: the
  year 1 shifted to UTC, or 9999 plus a deadline, overflows (400).
- A multipart body without its boundary (400); a body over DATA_UPLOAD_MAX_MEMORY_SIZE that is
  not a file upload (413).
- A single text value longer than inputs.FIELD_MAX characters in a form or a JSON body (400),
  except a file sent as base64 (a key ending in `base64`): the ceiling under every field; the
  schemas and forms set each field's own, lower max_length.

PublicWriteLimitMiddleware: every write from the public (anonymous or an applicant) to a page
counts against its address and its account (apiaccess.ratelimit.page_write); the API and
Open311 count their own writes (they know the account only after authentication).

StaffAreaMiddleware: the staff area (/staff/) is for staff; an applicant logged in there sees
a 403 page, whatever the view behind the URL checks (a page that shows nothing is still a
staff page). The few /staff/ pages every account uses are listed in APPLICANT_PAGES.
"""

import json
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

INT_MAX = 2**63 - 1
PAGING = frozenset({"offset", "limit", "page", "page_size", "per_page"})
_INTEGER = re.compile(r"^[+-]?\d+$")
_ID_NAME = re.compile(r"(^|_)ids?$")
_DATE = re.compile(r"^(\d{4,})-\d{1,2}-\d{1,2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$")
_BODY_TYPES = ("application/json", "application/x-www-form-urlencoded")


def _refuse(request, status: int, code: str, message: str) -> HttpResponse:
    path = request.path_info
    if path.startswith("/api/"):
        return JsonResponse(
            {"code": code, "message": message, "details": {}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    if path.startswith("/open311/"):
        from yingshang.open311.formats import errors

        return errors("json" if path.endswith(".json") else "xml", status, message)
    from django.shortcuts import render

    title = _("提交的数据过大") if status == 413 else _("请求有误")
    return render(
        request,
        "portal/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def _has_nul(text: str) -> bool:
    return "\x00" in text


def _too_long(value, key: str = "") -> str | None:
    """The path of the first string in a parsed JSON value longer than FIELD_MAX, or None."""
    from yingshang.inputs import FIELD_MAX

    if isinstance(value, str):
        return key or "_" if len(value) > FIELD_MAX and not key.endswith("base64") else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for name, child in items:
        if len(str(name)) > FIELD_MAX:
            return key or "_"
        found = _too_long(child, f"{key}.{name}" if key else str(name))
        if found:
            return found
    return None


def _date_out_of_range(value: str) -> bool:
    from yingshang.inputs import DATE_MAX, DATE_MIN

    match = _DATE.match(value.strip())
    return bool(match) and not (DATE_MIN.year <= int(match.group(1)) <= DATE_MAX.year)


def _number_out_of_range(name: str, value: str) -> bool:
    """A path segment (name "") or an id or paging argument holding a whole number no row or
    page can have."""
    if name and name not in PAGING and not _ID_NAME.search(name):
        return False
    for part in value.split(",") if name else [value]:
        part = part.strip()
        if not _INTEGER.match(part):
            continue
        if len(part) > 25:
            return True
        number = int(part)
        if abs(number) > INT_MAX or (name in PAGING and number < 0):
            return True
    return False


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self._check(request)
        if problem is not None:
            return _refuse(request, *problem)
        return self.get_response(request)

    def _check(self, request):
        bad_text = (400, "INVALID_CHARACTER", _("提交的内容含有不允许的控制字符（NUL）"))
        bad_number = (400, "VALUE_OUT_OF_RANGE", _("数值超出允许范围"))
        bad_date = (400, "VALUE_OUT_OF_RANGE", _("日期超出允许范围"))
        path = request.path_info
        if _has_nul(path):
            return bad_text
        if any(_number_out_of_range("", part) for part in path.split("/")):
            return bad_number
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return bad_text
        for name, values in request.GET.lists():
            if _has_nul(name) or any(_has_nul(v) for v in values):
                return bad_text
            if any(_number_out_of_range(name, v) for v in values):
                return bad_number
            if any(_date_out_of_range(v) for v in values):
                return bad_date
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/"):
            if "boundary=" not in content_type:
                return (400, "MALFORMED_REQUEST", _("请求格式有误：multipart 缺少 boundary"))
            try:
                fields = request.POST  # the form fields; uploaded files are checked by the views
            except RequestDataTooBig:
                return (413, "REQUEST_TOO_LARGE", _("提交的数据过大"))
            except (MultiPartParserError, TooManyFieldsSent):
                return (400, "MALFORMED_REQUEST", _("请求格式有误，无法解析"))
            return self._check_fields(fields)
        if not content_type.startswith(_BODY_TYPES):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return (400, "MALFORMED_REQUEST", _("请求格式有误，无法解析"))
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return (413, "REQUEST_TOO_LARGE", _("提交的数据过大"))
        from yingshang.inputs import FIELD_MAX

        too_long = (400, "FIELD_TOO_LONG", _("提交的文字过长"))
        body = request.body
        if b"\x00" in body:
            return bad_text
        if content_type.startswith("application/json"):
            if b"\\u0000" in body:  # JSON spells NUL as an escape
                return bad_text
            if len(body) > FIELD_MAX:
                try:
                    if _too_long(json.loads(body)):
                        return too_long
                except ValueError:
                    return None  # the API answers malformed JSON itself
            return None
        return self._check_fields(request.POST)

    @staticmethod
    def _check_fields(fields):
        from yingshang.inputs import FIELD_MAX

        for name, values in fields.lists():
            if _has_nul(name) or any(_has_nul(v) for v in values):
                return (400, "INVALID_CHARACTER", _("提交的内容含有不允许的控制字符（NUL）"))
            if any(len(v) > FIELD_MAX for v in values):
                return (400, "FIELD_TOO_LONG", _("提交的文字过长"))
            if any(_date_out_of_range(v) for v in values):
                return (400, "VALUE_OUT_OF_RANGE", _("日期超出允许范围"))
        return None


# every account uses these /staff/ pages: its home (the menu of what it may do), its
# notifications, and its personal API tokens (an applicant's own app uses the API with one)
APPLICANT_PAGES = frozenset(
    {"workbench:home", "workbench:inbox", "workbench:tokens", "workbench:token_revoke"}
)


class StaffAreaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith("/staff/"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # the view sends them to the login page
        match = request.resolver_match
        if match is not None and match.view_name in APPLICANT_PAGES:
            return None
        from yingshang.org.roles import Role
        from yingshang.org.scope import grants

        if not (grants(user).roles - {Role.APPLICANT}):  # no role but being an applicant
            raise PermissionDenied
        return None


# counted elsewhere: the API and Open311 after authentication, the login by its own lockout
# (staff behind one office address log in at the same minute), the language switch is no write
NOT_PAGE_WRITES = ("/api/", "/open311/", "/login/", "/logout/", "/i18n/")


class PublicWriteLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS") and not request.path_info.startswith(
            NOT_PAGE_WRITES
        ):
            from yingshang.apiaccess import ratelimit
            from yingshang.errors import DomainError

            try:
                ratelimit.page_write(request, getattr(request, "user", None))
            except DomainError as exc:
                return _refuse(request, exc.status, exc.code, exc.message)
        return self.get_response(request)
