"""Staff pages of the ratings themselves: the list (with its export), a rating's page (where
the unit appeals), the loop's settings and the printable window QR codes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.models import Window
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.paging import CappedPaginator
from yingshang.ratings import selectors, services
from yingshang.ratings.models import (
    Appeal,
    Channel,
    Level,
    Rating,
    RatingSettings,
    Rectification,
)
from yingshang.ratings.views.common import LEVELS, STAFF_ROLES, object_display, rater_display
from yingshang.workbench.access import staff_required


@staff_required(*STAFF_ROLES)
def rating_list(request):
    qs, applied = selectors.filter_ratings(request.user, request.GET)
    if request.GET.get("export") == "xlsx":
        from yingshang.spreadsheets import xlsx_response

        rows = (
            (
                r.pk,
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
                r.get_level_display(),
                r.get_channel_display(),
                r.get_point_display(),
                r.unit.name,
                r.matter.name_cache if r.matter_id else "",
                r.staff.display_name if r.staff_id else "",
                str(r.window) if r.window_id else "",
                object_display(r),
                rater_display(r),
                "、".join(r.problem_labels),
                r.comment,
                _("是") if r.excluded else "",
            )
            for r in qs[:100000]
        )
        return xlsx_response(
            f"好差评-{timezone.localdate():%Y%m%d}.xlsx",
            _("好差评"),
            [
                _("编号"),
                _("时间"),
                _("等级"),
                _("渠道"),
                _("节点"),
                _("单位"),
                _("事项"),
                _("人员"),
                _("窗口"),
                _("对象"),
                _("评价人"),
                _("问题"),
                _("意见建议"),
                _("申诉核减"),
            ],
            rows,
        )
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.rater_display, r.object_display = rater_display(r), object_display(r)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ratings/staff/list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "applied": applied,
            "levels": LEVELS,
            "channels": Channel.choices,
        },
    )


@staff_required(*STAFF_ROLES)
def rating_detail(request, pk: int):
    return _rating_detail(request, pk)


def _rating_detail(request, pk: int, typed=None):
    rating = scope.get_for(
        request.user,
        Rating,
        pk,
        queryset=Rating.objects.select_related(
            "unit", "matter", "staff", "window", "rater", "case", "work_order", "scheme"
        ),
    )
    rect = Rectification.objects.filter(rating=rating).first()
    return render(
        request,
        "ratings/staff/detail.html",
        {
            "rating": rating,
            "rect": rect,
            "appeals": rating.appeals.select_related("submitted_by", "decided_by"),
            "rater_display": rater_display(rating),
            "object_display": object_display(rating),
            "dimension_rows": [
                (d["label"], Level(rating.dimensions[d["code"]]).label)
                for d in rating.scheme.dimensions
                if d["code"] in rating.dimensions
            ],
            # every 差评 has its rectification; the appeal is allowed while the loop is open
            "can_appeal": rect is not None and scope.abilities(request.user, rect)["appeal"],
            "appeal_kinds": Appeal.Kind.choices,
            "typed": typed or {},
        },
    )


@staff_required(Role.DEPT_HANDLER, Role.DEPT_HEAD)
@require_POST
def appeal_submit(request, pk: int):
    rating = scope.get_for(request.user, Rating, pk)
    try:
        services.appeal_submit(
            actor=request.user,
            rating=rating,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _rating_detail(request, pk, typed=request.POST)  # what was typed stays in the form
    messages.success(request, _("申诉已提交，等待督查人员审核"))
    return redirect("ratings:detail", pk=rating.pk)


# --- settings ---------------------------------------------------------------------------------
@staff_required(Role.ADMIN, Role.SUPERVISOR)
def settings_page(request):
    row = RatingSettings.current()
    fields = [
        (name, RatingSettings._meta.get_field(name).verbose_name)
        for name in services.SETTINGS_FIELDS
    ]
    values = {name: getattr(row, name) for name in services.SETTINGS_FIELDS}
    if request.method == "POST":
        typed = {name: request.POST.get(name, "").strip() for name in services.SETTINGS_FIELDS}
        values = typed
        try:
            parsed = {}
            for name, raw in typed.items():
                if not raw.isdigit():
                    raise DomainError("RATING_SETTINGS_INVALID", _("设置值必须是1到1000之间的整数"))
                parsed[name] = int(raw)
            services.rating_settings_update(
                actor=request.user, reason=request.POST.get("reason", ""), **parsed
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存，新的时限适用于此后收到的差评"))
            return redirect("ratings:settings")
    return render(
        request,
        "ratings/staff/settings.html",
        {
            "rows": [(name, label, values[name]) for name, label in fields],
            "can_edit": True,
        },
    )


@staff_required(Role.WINDOW_CLERK, Role.ADMIN, Role.SUPERVISOR, Role.DEPT_HEAD)
def qr_sheet(request):
    """Printable QR codes, one per window (posted at the counter: 一次一评 by phone)."""
    windows = (
        scope.visible_to(request.user, Window)
        .filter(is_active=True)
        .select_related("hall", "clerk")
    )
    g = grants(request.user)
    if not g.sees_all:
        windows = windows.filter(hall_id__in=g.units())
    return render(
        request,
        "ratings/staff/qr_sheet.html",
        {"windows": windows.order_by("hall__sort_order", "number")},
    )
