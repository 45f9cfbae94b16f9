"""The rating content page (评价指标): the current dimensions and problem options per kind with
their version, the past versions, and — for admins, who alone may publish (schemes.scheme_publish)
— a form to publish a new version. Ratings keep the version they were given under."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.ratings import schemes
from yingshang.ratings.models import RatingScheme
from yingshang.workbench.access import staff_required


def _line_errors(text: str, what: str) -> tuple[list[dict], list[str]]:
    """The items typed one a line, and the errors as “第n行：…” with n the line in the box."""
    items, numbers = schemes.parse_lines(text)
    cleaned, errors = schemes.check_items(items, what)
    messages_ = [
        (_("第%(n)s行：%(message)s") % {"n": numbers[n - 1], "message": m}) if n else m
        for n, m in errors
    ]
    return cleaned, messages_


@staff_required(Role.ADMIN, Role.SUPERVISOR)
def scheme_page(request):
    can_publish = scope.abilities(request.user, RatingScheme())["publish"]
    if request.method == "POST" and not can_publish:
        raise PermissionDenied  # supervisors read the content; only admins publish it
    posted_kind = request.POST.get("kind", "") if request.method == "POST" else ""
    form = {}
    if request.method == "POST":
        form = {
            "dimensions": request.POST.get("dimensions", ""),
            "problems": request.POST.get("problems", ""),
            "reason": request.POST.get("reason", "").strip(),
            "dimension_errors": [],
            "problem_errors": [],
            "error": None,
        }
        dimensions, form["dimension_errors"] = _line_errors(form["dimensions"], _("评价维度"))
        problems, form["problem_errors"] = _line_errors(form["problems"], _("问题选项"))
        if not (form["dimension_errors"] or form["problem_errors"]):
            try:
                new = schemes.scheme_publish(
                    actor=request.user,
                    kind=posted_kind,
                    dimensions=dimensions,
                    problems=problems,
                    reason=form["reason"],
                )
            except DomainError as exc:
                form["error"] = exc
            else:
                messages.success(
                    request,
                    _("已发布%(kind)s评价指标第%(version)s版，此后的评价使用新版本")
                    % {"kind": new.get_kind_display(), "version": new.version},
                )
                return redirect("ratings:schemes")
    kinds = []
    for value, label in RatingScheme.Kind.choices:
        schemes.current(value)
        versions = list(
            scope.visible_to(request.user, RatingScheme).filter(kind=value).order_by("-version")
        )
        current = next(v for v in versions if v.is_active)
        mine = form if posted_kind == value else {}
        kinds.append(
            {
                "kind": value,
                "label": label,
                "current": current,
                "versions": versions,
                "dimensions": mine.get("dimensions", schemes.as_lines(current.dimensions)),
                "problems": mine.get("problems", schemes.as_lines(current.problems)),
                "reason": mine.get("reason", ""),
                "dimension_errors": mine.get("dimension_errors", []),
                "problem_errors": mine.get("problem_errors", []),
                "error": mine.get("error"),
            }
        )
    invalid = any(k["dimension_errors"] or k["problem_errors"] or k["error"] for k in kinds)
    status = 200
    if invalid:
        err = next((k["error"] for k in kinds if k["error"]), None)
        status = err.status if err else 400
    return render(
        request,
        "ratings/staff/schemes.html",
        {"kinds": kinds, "can_publish": can_publish},
        status=status,
    )
