"""Portal pages of cases: apply for a matter or package, my cases, a case page with notices and
documents, progress lookup by number + phone, window appointments."""

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.apiaccess import ratelimit
from yingshang.apiaccess.ratelimit import request_ip
from yingshang.cases import selectors, services
from yingshang.cases.actions import APPLICANT_DONE, CASE_ACTIONS, material_files
from yingshang.cases.forms import LookupForm, build_form, form_values
from yingshang.cases.models import (
    Appointment,
    AppointmentSlot,
    Case,
    CorrectionRequest,
    Document,
)
from yingshang.catalog.models import Matter, Package
from yingshang.credit import selectors as credit_selectors
from yingshang.credit import services as credit_services
from yingshang.credit.models import Commitment, CommitmentText
from yingshang.errors import DomainError
from yingshang.org import masking, scope
from yingshang.org.models import User, Window
from yingshang.workbench.access import login_required_view

LOOKUP_LIMIT = 10  # per IP per 10 minutes
LOOKUP_WINDOW = 600


def _apply(request, *, matter=None, package=None, staff: bool = False):
    if matter is not None:
        version = matter.current_version
        fields = selectors.form_fields_for(version=version)
        materials = selectors.materials_for(version=version)
        title = version.name
    else:
        fields = selectors.form_fields_for(package=package)
        materials = selectors.materials_for(package=package)
        title = package.name
    applicant = request.user
    applicant_error = ""
    if staff:
        who = (request.POST.get("applicant") or request.GET.get("applicant") or "").strip()
        applicant = (
            (
                User.objects.filter(kind__in=["person", "firm"]).filter(mobile=who).first()
                or User.objects.filter(kind__in=["person", "firm"], id_number=who).first()
            )
            if who
            else None
        )
        if who and applicant is None:
            applicant_error = _("未找到该申请人账号（按手机号或身份证号查找）")
    texts = credit_services.ensure_texts()
    dishonest = applicant is not None and credit_selectors.is_dishonest(
        applicant.firm if applicant.kind == "firm" else applicant
    )
    error = None
    typed = {}
    if request.method == "POST" and applicant is not None:
        typed = form_values(fields, request.POST)
        try:
            case = services.case_submit(
                actor=request.user,
                matter=matter,
                package=package,
                form_data=typed,
                files=material_files(request.FILES, materials),
                channel="window" if staff else "online",
                applicant=applicant if staff else None,
                deficit_sign=request.POST.get("deficit_sign") == "on",
                certificate_keys=[
                    m["key"]
                    for m in materials
                    if request.POST.get(f"certificate_{m['key']}") == "on"
                ],
                contact_phone=request.POST.get("contact_phone", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("申请已提交，办件编号 %(no)s") % {"no": case.number})
            if staff:
                return redirect("cases:staff_case", case.pk)
            return redirect("cases:my_case", case.number)
    initial = typed or (selectors.prefill(fields, applicant) if applicant is not None else {})
    form = build_form(fields, initial=initial)
    if error is not None and error.details.get("fields"):
        for key, msg in error.details["fields"].items():
            if f"f_{key}" in form.fields:
                form.fields[f"f_{key}"].widget.attrs["class"] += " is-invalid"
                form.fields[f"f_{key}"].help_text = msg
    template = "cases/staff_apply.html" if staff else "cases/apply.html"
    return render(
        request,
        template,
        {
            "title": title,
            "matter": matter,
            "package": package,
            "form": form,
            "materials": materials,
            "error": error,
            "deficit_text": texts[CommitmentText.Kind.DEFICIT],
            "certificate_text": texts[CommitmentText.Kind.CERTIFICATE],
            "dishonest": dishonest,
            "applicant": applicant,
            "applicant_error": applicant_error,
            "post": request.POST if request.method == "POST" else {},
            "members": selectors.package_versions(package) if package is not None else [],
        },
        status=400 if error is not None else 200,
    )


@login_required_view
def apply_matter(request, matter_id: int):
    matter = scope.get_for(
        request.user,
        Matter,
        matter_id,
        queryset=Matter.objects.select_related("current_version", "unit"),
    )
    if matter.current_version_id is None:
        raise Http404
    return _apply(request, matter=matter)


@login_required_view
def apply_package(request, code: str):
    package = scope.get_for(request.user, Package, code, field="code")
    return _apply(request, package=package)


@login_required_view
def my_cases(request):
    q = Q(applicant=request.user) | Q(assistant=request.user)
    if request.user.firm_id:
        q |= Q(firm_id=request.user.firm_id)
    qs = scope.visible_to(request.user, Case).filter(q)
    rows = qs.select_related("unit").order_by("-created_at")[:200]
    return render(request, "cases/my_cases.html", {"cases": rows})


def _case_context(request, case: Case) -> dict:
    docs = list(
        Document.objects.filter(case=case)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )
    present = {
        d.material_key
        for d in docs
        if d.superseded_by_id is None and d.purpose != Document.Purpose.RESULT
    }
    materials = [
        {**m, "present": m["key"] in present, "replaced": m["key"] in (case.certificate_keys or [])}
        for m in case.materials
    ]
    outstanding = [i for i in (case.deficit_items or []) if i["key"] not in present]
    return {
        "case": case,
        "documents": docs,
        "materials": materials,
        "outstanding": outstanding,
        "corrections": list(case.corrections.order_by("sequence")),
        "tasks": list(case.tasks.select_related("unit")),
        "deliveries": list(case.deliveries.select_related("document")),
        "commitments": list(Commitment.objects.filter(case=case).order_by("signed_at")),
        "verifications": list(case.verifications.all()),
        "ab": scope.abilities(request.user, case),
        "flag": selectors.flag(case.due_at, case.clock_state),
    }


@login_required_view
def my_case(request, number: str):
    case = scope.get_for(
        request.user,
        Case,
        number,
        field="number",
        queryset=Case.objects.select_related("unit", "package", "matter_version"),
    )
    return render(request, "cases/my_case.html", _case_context(request, case))


@login_required_view
@require_POST
def my_case_action(request, number: str, action: str):
    if action not in APPLICANT_DONE:
        raise Http404
    case = scope.get_for(request.user, Case, number, field="number")
    try:
        CASE_ACTIONS.execute(
            action,
            actor=request.user,
            obj=case,
            data=CASE_ACTIONS.form_data(action, request.POST),
            files=request.FILES,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, APPLICANT_DONE[action])
    return redirect("cases:my_case", case.number)


@login_required_view
def notice(request, number: str, kind: str):
    """Printable notices: 容缺受理通知书, 一次性告知书, 受理通知书."""
    case = scope.get_for(request.user, Case, number, field="number")
    ctx = _case_context(request, case)
    if kind == "deficit" and not case.has_deficit:
        raise Http404
    if kind == "correction":
        ctx["correction"] = (
            case.corrections.exclude(
                status__in=[
                    CorrectionRequest.Status.PENDING_APPROVAL,
                    CorrectionRequest.Status.REFUSED,
                ]
            )
            .order_by("-sequence")
            .first()
        )
        if ctx["correction"] is None:
            raise Http404
    if kind == "acceptance" and not case.accepted_at:
        raise Http404
    if kind not in ("deficit", "correction", "acceptance"):
        raise Http404
    ctx["kind"] = kind
    ctx["today"] = timezone.localdate()
    return render(request, "cases/notice.html", ctx)


@login_required_view
def document(request, pk: int):
    """Files are served only through this view, after the scope check."""
    doc = scope.get_for(request.user, Document, pk)
    response = FileResponse(
        doc.file.open("rb"),
        content_type=doc.content_type,
        as_attachment=True,
        filename=doc.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def lookup(request):
    """Progress lookup by number + phone; masked; rate-limited per IP. POST, so the phone number
    never appears in URLs or access logs."""
    form = LookupForm(request.POST if request.method == "POST" else None)
    result = None
    limited = False
    if form.is_bound and form.is_valid():
        if not ratelimit.hit(
            f"cases:lookup:{request_ip(request)}", limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW
        ):
            limited = True
        else:
            case = (
                Case.objects.filter(
                    number=form.cleaned_data["number"].strip(),
                    contact_phone=form.cleaned_data["phone"].strip(),
                )
                .select_related("unit")
                .first()
            )
            if case is None:
                form.add_error(None, _("未找到办件，请核对办件编号和手机号码"))
            else:
                result = {
                    "number": case.number,
                    "title": case.title,
                    "status": case.get_status_display(),
                    "applicant": masking.mask_name(case.applicant_name),
                    "phone": masking.mask_phone(case.contact_phone),
                    "unit": case.unit.name,
                    "received_at": case.received_at,
                    "due_at": case.due_at,
                    "decision": case.get_decision_display() if case.decision else "",
                }
    return render(
        request,
        "cases/lookup.html",
        {"form": form, "result": result, "limited": limited},
        status=429 if limited else 200,
    )


def appointment(request):
    """Book a window slot (regular and 错时延时 off-hours slots)."""
    windows = list(Window.objects.filter(is_active=True).select_related("hall").order_by("number"))
    today = timezone.localdate()
    slots = list(
        AppointmentSlot.objects.filter(date__gt=today, window__in=windows)
        .select_related("window")
        .order_by("date", "start")[:200]
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={request.path}")
        slot = get_object_or_404(AppointmentSlot, pk=request.POST.get("slot") or 0)
        matter = Matter.objects.filter(pk=request.POST.get("matter") or 0).first()
        try:
            appt = services.appointment_book(actor=request.user, slot=slot, matter=matter)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("预约成功，预约号 %(code)s，请按时到 %(w)s 办理")
                % {"code": appt.code, "w": slot.window},
            )
        return redirect("cases:appointment")
    mine = []
    if request.user.is_authenticated:
        mine = list(
            Appointment.objects.filter(
                user=request.user, status=Appointment.Status.BOOKED, slot__date__gte=today
            ).select_related("slot__window")
        )
    return render(
        request,
        "cases/appointment.html",
        {"slots": slots, "mine": mine, "matter_id": request.GET.get("matter", "")},
    )
