"""Portal pages of cases: apply for a matter or package, my cases, a case page with notices and
documents, progress lookup by number + phone, window appointments."""

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.apiaccess import ratelimit
from yingshang.apiaccess.ratelimit import request_ip
from yingshang.cases import formdisplay, notices, selectors, services
from yingshang.cases.actions import APPLICANT_DONE, CASE_ACTIONS, material_files
from yingshang.cases.forms import LookupForm, build_form, form_values
from yingshang.cases.models import (
    OPEN_STATES,
    Appointment,
    Case,
    Document,
)
from yingshang.cases.services.corrections import deficit_state
from yingshang.catalog.models import Matter, Package
from yingshang.credit import sanctions
from yingshang.credit import services as credit_services
from yingshang.credit.models import Commitment, CommitmentText
from yingshang.errors import DomainError
from yingshang.org import identifiers, masking, scope
from yingshang.org.models import User
from yingshang.workbench.access import login_required_view
from yingshang.workcal import calendar

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
        # stored normalised (org.identifiers): 全角 digits or spaces typed at the window match
        applicant = (
            (
                User.objects.filter(kind__in=["person", "firm"])
                .filter(mobile=identifiers.normalize_mobile(who))
                .first()
                or User.objects.filter(
                    kind__in=["person", "firm"], id_number=identifiers.normalize_id_number(who)
                ).first()
            )
            if who
            else None
        )
        if who and applicant is None:
            applicant_error = _("未找到该申请人账号（按手机号或身份证号查找）")
    texts = credit_services.ensure_texts()
    # 联合惩戒 (credit.sanctions): the form offers neither 容缺 nor 告知承诺 when either is blocked
    subject_of = (
        None if applicant is None else (applicant.firm if applicant.kind == "firm" else applicant)
    )
    dishonest = subject_of is not None and (
        sanctions.blocked(subject_of, "deficit") or sanctions.blocked(subject_of, "certificate")
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


def _working_days_left(due_at, running: bool) -> int | None:
    """Working days from today to the deadline's day (0: due today; negative once passed);
    None when nothing is running."""
    if not running or due_at is None:
        return None
    try:
        return calendar.working_days_between(
            calendar.local_date(timezone.now()), calendar.local_date(due_at)
        )
    except calendar.CalendarRangeError:
        return None


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
    # 容缺 items until the clerk accepts the supplied file (with its review state and reason)
    outstanding = [
        {**i, "state": deficit_state(i)}
        for i in (case.deficit_items or [])
        if deficit_state(i) != "accepted"
    ]
    refused = (
        {i["key"] for i in outstanding if i["state"] == "refused"} if case.deficit_open else ()
    )
    tasks = list(case.tasks.select_related("unit"))
    # produced inside the package: ready once the producing member's task is approved
    produced_ready = {
        t.matter_id for t in tasks if t.status == t.Status.DONE and t.decision == "approved"
    }
    materials = [
        {
            **m,
            "present": m["key"] in present,
            "replaced": m["key"] in (case.certificate_keys or []),
            "refused": m["key"] in refused,
            "produced_ready": m.get("produced_matter_id") in produced_ready,
        }
        for m in case.materials
    ]
    for task in tasks:
        task.remaining_days = _working_days_left(task.due_at, task.status == task.Status.PENDING)
    return {
        "case": case,
        "documents": docs,
        "materials": materials,
        "outstanding": outstanding,
        "corrections": list(case.corrections.order_by("sequence")),
        "tasks": tasks,
        "tasks_done": sum(1 for t in tasks if t.status == t.Status.DONE),
        "remaining_days": _working_days_left(
            case.due_at, case.status in OPEN_STATES and case.clock_state != "paused"
        ),
        "notices": notices.available(case),
        "deliveries": list(case.deliveries.select_related("document")),
        "commitments": list(Commitment.objects.filter(case=case).order_by("signed_at")),
        "verifications": list(case.verifications.all()),
        "ab": scope.abilities(request.user, case),
        "flag": selectors.flag(case.due_at, case.clock_state),
        "form_rows": formdisplay.form_rows(case),
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
    exc = CASE_ACTIONS.post(action, request, case)
    if exc is not None:
        messages.error(request, exc.message)
    else:
        messages.success(request, APPLICANT_DONE[action])
    return redirect("cases:my_case", case.number)


@login_required_view
def notice(request, number: str, kind: str):
    """The case's notices and decisions (cases.notices): a printable page, or `?format=docx`
    as a Word file to keep."""
    case = scope.get_for(
        request.user, Case, number, field="number", queryset=Case.objects.select_related("unit")
    )
    document = notices.build(case, kind)
    if request.GET.get("format") == "docx":
        response = HttpResponse(
            notices.as_docx(document),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"{case.number}-{document.filename}"
        )
        return response
    return render(request, "cases/notice.html", {"case": case, "notice": document})


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
                    contact_phone=form.cleaned_data["phone"],
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
                    "applicant": masking.mask_party(case.applicant_name, firm=bool(case.firm_id)),
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


def _appointment_target(params):
    """The matter (or 一件事) an appointment is for, from ?matter= / ?package= (public only)."""
    from yingshang.catalog import selectors as catalog_selectors

    matter = package = None
    if (params.get("matter") or "").isdigit():
        matter = (
            catalog_selectors.public_matters()
            .select_related("current_version", "unit")
            .filter(pk=params["matter"])
            .first()
        )
    elif (params.get("package") or "").isdigit():
        package = Package.objects.filter(pk=params["package"], is_active=True).first()
    return matter, package


def appointment(request):
    """预约办事: choose the matter and the day, see the free times (regular and 错时延时), book a
    time; the centre assigns a window that serves the matter."""
    from yingshang.cases.services import appointments as appts
    from yingshang.catalog import selectors as catalog_selectors

    params = request.POST if request.method == "POST" else request.GET
    matter, package = _appointment_target(params)
    if request.method == "POST" and request.POST.get("cancel"):
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={request.get_full_path()}")
        booked = get_object_or_404(
            Appointment,
            pk=request.POST["cancel"] if request.POST["cancel"].isdigit() else 0,
            user=request.user,
        )
        try:
            appts.appointment_cancel(actor=request.user, appointment=booked, reason="")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("预约 %(code)s 已取消") % {"code": booked.code})
        return redirect("cases:appointment")
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={request.get_full_path()}")
        try:
            day = dt.date.fromisoformat(request.POST.get("date", ""))
            start = dt.time.fromisoformat(request.POST.get("start", ""))
        except ValueError:
            messages.error(request, _("请选择预约日期和时段"))
        else:
            try:
                appt = appts.appointment_request(
                    actor=request.user, date=day, start=start, matter=matter, package=package
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("预约成功，预约号 %(code)s：%(day)s %(time)s 请到 %(w)s 办理“%(what)s”")
                    % {
                        "code": appt.code,
                        "day": day.isoformat(),
                        "time": start.strftime("%H:%M"),
                        "w": appt.slot.window,
                        "what": matter or package,
                    },
                )
        query = f"?matter={matter.pk}" if matter else f"?package={package.pk}" if package else ""
        return redirect(reverse("cases:appointment") + query)
    dates = times = []
    day = None
    if matter or package:
        dates = appts.bookable_dates(matter=matter, package=package)
        try:
            day = dt.date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            day = None
        if day not in dates:
            day = dates[0] if dates else None
        if day is not None:
            times = appts.free_times(date=day, matter=matter, package=package)
    today = timezone.localdate()
    mine = []
    if request.user.is_authenticated:
        mine = list(
            Appointment.objects.filter(
                user=request.user, status=Appointment.Status.BOOKED, slot__date__gte=today
            )
            .select_related("slot__window", "matter", "package")
            .order_by("slot__date", "slot__start")
        )
    return render(
        request,
        "cases/appointment.html",
        {
            "matter": matter,
            "package": package,
            "matters": catalog_selectors.public_matters()
            .filter(current_version__appointment=True)
            .order_by("name_cache")
            .only("pk", "name_cache"),
            "dates": dates,
            "day": day,
            "times": times,
            "mine": mine,
        },
    )
