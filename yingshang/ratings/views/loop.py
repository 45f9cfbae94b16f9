"""Staff pages of the 差评 loop: the rectifications (one page per rectification whose buttons
are the loop's actions) and the appeals."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.ratings import selectors
from yingshang.ratings.actions import APPEAL_ACTIONS, RECTIFICATION_ACTIONS
from yingshang.ratings.models import (
    Appeal,
    Outcome,
    Rectification,
)
from yingshang.ratings.scopes import is_supervisor, is_unit_staff
from yingshang.ratings.views.common import STAFF_ROLES, object_display, rater_display
from yingshang.workbench.access import staff_required


# --- staff: rectifications ------------------------------------------------------------------
@staff_required(*STAFF_ROLES)
def rectification_list(request):
    qs = scope.visible_to(request.user, Rectification).select_related("unit", "rating")
    status = request.GET.get("status", "open")
    if status == "open":
        qs = qs.filter(
            status__in=[
                Rectification.Status.VERIFYING,
                Rectification.Status.RECTIFYING,
                Rectification.Status.REVIEWING,
            ]
        )
    elif status in Rectification.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("unit", "").isdigit():  # the overview's per-unit links
        qs = qs.filter(unit_id=int(request.GET["unit"]))
    if request.GET.get("overdue") == "1":
        qs = selectors.overdue_rectifications(qs, timezone.now())
    page = Paginator(qs.order_by("reply_due_at", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ratings/staff/rectifications.html",
        {
            "page": page,
            "status": status,
            "statuses": Rectification.Status.choices,
            "now": timezone.now(),
            "query": f"status={status}",
        },
    )


@staff_required(*STAFF_ROLES)
def rectification_detail(request, pk: int):
    rect = scope.get_for(
        request.user,
        Rectification,
        pk,
        queryset=Rectification.objects.select_related(
            "rating__scheme",
            "rating__unit",
            "rating__rater",
            "rating__case",
            "rating__work_order",
            "unit",
            "callback_by",
        ),
    )
    can = scope.abilities(request.user, rect)
    typed = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in RECTIFICATION_ACTIONS.names or not can.get(action):
            raise PermissionDenied
        typed = request.POST
        try:
            RECTIFICATION_ACTIONS.execute(
                action,
                actor=request.user,
                obj=rect,
                data=RECTIFICATION_ACTIONS.form_data(action, request.POST),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            rect.refresh_from_db()
            can = scope.abilities(request.user, rect)
        else:
            messages.success(request, _("已保存"))
            return redirect("ratings:rectification", pk=rect.pk)
    rating = rect.rating
    # the unit needs the number to call back a real-name rater (回访); nobody else sees it whole
    g = grants(request.user)
    show_phone = (
        rect.callback_required
        and rect.is_open
        and not rating.anonymous
        and (is_unit_staff(g, rect.unit_id) or is_supervisor(g))
    )
    return render(
        request,
        "ratings/staff/rectification.html",
        {
            "rect": rect,
            "rating": rating,
            "can": can,
            "typed": typed,
            "outcomes": Outcome.choices,
            "callback_results": Rectification.CallbackResult.choices,
            "rater_display": rater_display(rating),
            "object_display": object_display(rating),
            "phone": rating.rater_phone if show_phone else "",
            "now": timezone.now(),
        },
    )


# --- staff: appeals -------------------------------------------------------------------------
@staff_required(*STAFF_ROLES)
def appeal_list(request):
    qs = scope.visible_to(request.user, Appeal).select_related(
        "rating", "unit", "submitted_by", "decided_by"
    )
    status = request.GET.get("status", "pending")
    if status in Appeal.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-submitted_at"), 50).get_page(request.GET.get("page"))
    for a in page.object_list:
        a.can = scope.abilities(request.user, a)
    return render(
        request,
        "ratings/staff/appeals.html",
        {
            "page": page,
            "status": status,
            "statuses": Appeal.Status.choices,
            "query": f"status={status}",
        },
    )


@staff_required(Role.SUPERVISOR)
@require_POST
def appeal_decide(request, pk: int):
    appeal = scope.get_for(request.user, Appeal, pk)
    data = APPEAL_ACTIONS.form_data("decision", request.POST)
    if "decision" in request.POST:  # the form's two buttons before they posted `upheld`
        data.setdefault("upheld", {"upheld": True, "rejected": False}.get(request.POST["decision"]))
    if data.get("upheld") is None:
        messages.error(request, _("请选择审核结论"))
        return redirect("ratings:appeals")
    try:
        APPEAL_ACTIONS.execute("decision", actor=request.user, obj=appeal, data=data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申诉已审核"))
    return redirect("ratings:appeals")
