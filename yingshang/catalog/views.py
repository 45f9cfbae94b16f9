"""Service guides on the portal (public) and the catalogue workbench (/staff/catalog/)."""

import mimetypes
import os
from urllib.parse import urlencode

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from yingshang.catalog import excel, selectors, services
from yingshang.catalog.forms import (
    LOCAL_FIELDS,
    DeactivateForm,
    ImportForm,
    LocaliseForm,
    MaterialFormSet,
    MatterFilterForm,
    NewMatterForm,
    ReviseForm,
    save_material_file,
)
from yingshang.catalog.models import Material, Matter, MatterVersion, Package
from yingshang.catalog.vocab import LIFE_EVENTS, THEMES
from yingshang.errors import DomainError
from yingshang.org import scope, tenancy
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.portal.county import chooser
from yingshang.spreadsheets import XLSX
from yingshang.workbench.access import staff_required

EDITORS = (Role.ADMIN, Role.DEPT_HEAD)
WIDE_FIELDS = (
    "conditions",
    "legal_basis",
    "faq",
    "special_procedures",
    "themes",
    "life_events",
    "note",
)


# What the materials formset edits of each material (files aside).
MATERIAL_FORM_KEYS = (
    "key",
    "name",
    "required",
    "form",
    "copies",
    "deficit_allowed",
    "commitment_replaces",
    "notes",
)


def reverse_or_none(name: str, args=()) -> str:
    """URL of a page another app provides (cases is built in parallel): "" when it is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- portal ------------------------------------------------------------------------------------
def guide_list(request):
    q = request.GET.get("q", "").strip()[:100]
    unit_code = request.GET.get("unit", "").strip()
    theme = request.GET.get("theme", "") if request.GET.get("theme", "") in THEMES else ""
    life_event = (
        request.GET.get("life_event", "")
        if request.GET.get("life_event", "") in LIFE_EVENTS
        else ""
    )
    county = chooser(request)  # a city's counties: the one the visitor reads (portal.county)
    words: list[str] = []
    if q:
        result = selectors.search(request.user, q, county=county.path)
        matters = result.matters
        packages = result.packages
        words = result.tokens
        if unit_code:
            matters = [m for m in matters if m.unit.code == unit_code]
        matters = selectors.filter_by_codes(matters, theme=theme, life_event=life_event)
    else:
        matters = selectors.filter_by_codes(
            selectors.matters_for(
                request.user,
                county=county.path,
                unit_code=unit_code,
                theme=theme,
                life_event=life_event,
            ),
            theme=theme,
            life_event=life_event,
        )
        packages = list(
            selectors.packages_for(
                request.user,
                county=county.path,
                theme=theme,
                life_event=life_event,
                unit_code=unit_code,
            )
        )
    page = Paginator(matters, 20).get_page(request.GET.get("page"))
    units = (
        scope.visible_to(request.user, Unit)
        .filter(selectors.public_q("matters__"))
        .annotate(n=Count("matters"))
        .order_by("sort_order", "id")
    )
    if county.path:
        units = units.filter(tenancy.Within("", city_shared=True).q((county.path,)))
    query = urlencode(
        {
            k: v
            for k, v in (
                ("q", q),
                ("unit", unit_code),
                ("theme", theme),
                ("life_event", life_event),
            )
            if v
        }
    )
    return render(
        request,
        "catalog/guide_list.html",
        {
            "q": q,
            "words": words,
            "page": page,
            "packages": packages,
            "units": units,
            "unit_code": unit_code,
            "theme": theme,
            "life_event": life_event,
            "query": query,
            "chooser": county,
            "themes": list(THEMES.items()),
            "life_events": list(LIFE_EVENTS.items()),
            "biz_events": [(k, v) for k, v in LIFE_EVENTS.items() if k.startswith("biz_")],
            "person_events": [(k, v) for k, v in LIFE_EVENTS.items() if k.startswith("p_")],
            "filtered": bool(q or unit_code or theme or life_event),
            "total": len(matters),
        },
    )


def guide_detail(request, pk: int):
    matter = scope.get_for(
        request.user, Matter, pk, queryset=Matter.objects.select_related("unit", "current_version")
    )
    version = matter.current_version
    if version is None:
        raise Http404
    packages = (
        scope.visible_to(request.user, Package)
        .filter(members__matter=matter, is_active=True)
        .distinct()
    )
    return render(
        request,
        "catalog/guide_detail.html",
        {
            "matter": matter,
            "version": version,
            "materials": version.materials.all(),
            "packages": packages,
            "themes": [THEMES.get(t, t) for t in version.themes or []],
            "life_events": [LIFE_EVENTS.get(t, t) for t in version.life_events or []],
            "apply_url": reverse_or_none("cases:apply_matter", [matter.pk]),
            # 预约 from the guide carries the matter
            "appointment_url": (
                f"{reverse_or_none('cases:appointment')}?matter={matter.pk}"
                if version.appointment and reverse_or_none("cases:appointment")
                else ""
            ),
        },
    )


def package_detail(request, code: str):
    package = scope.get_for(
        request.user,
        Package,
        code,
        field="code",
        queryset=Package.objects.select_related("lead_unit"),
    )
    versions = selectors.package_versions(package)
    members = [v.matter for v in versions]
    return render(
        request,
        "catalog/package_detail.html",
        {
            "package": package,
            "versions": versions,
            "members": members,
            "units": list({m.unit_id: m.unit for m in members}.values()),
            "materials": selectors.merged_materials(package, versions),
            "fields": selectors.merged_form_fields(package, versions),
            "legal_total": max((v.legal_limit_days for v in versions), default=0),
            "max_visits": max((v.max_visits for v in versions), default=0),
            "fees": sorted({v.fee for v in versions}),
            "apply_url": reverse_or_none("cases:apply_package", [package.code])
            or reverse_or_none("cases:apply_package", [package.pk]),
            "appointment_url": (
                f"{reverse_or_none('cases:appointment')}?package={package.pk}"
                if reverse_or_none("cases:appointment")
                else ""
            ),
        },
    )


def package_form(request, code: str):
    """The package's own blank joint application form (一件事联办申请表), to print and fill in:
    the package's form definition with the members' fields it does not cover; what a member
    produces inside the package is not asked."""
    package = scope.get_for(request.user, Package, code, field="code")
    versions = selectors.package_versions(package)
    return render(
        request,
        "catalog/package_form.html",
        {
            "package": package,
            "fields": [
                f for f in selectors.merged_form_fields(package, versions) if f.produced_by is None
            ],
            "produced": [
                f for f in selectors.merged_form_fields(package, versions) if f.produced_by
            ],
            "members": [v.matter for v in versions],
        },
    )


def material_file(request, pk: int, kind: str):
    """Blank template or example of a material, through a scope check (files live outside the
    web root)."""
    if kind not in ("template", "example"):
        raise Http404
    material = scope.get_for(request.user, Material, pk)
    stored = getattr(material, kind)
    if not stored or not default_storage.exists(stored.name):
        raise Http404
    filename = f"{material.name}（{_('空白表格') if kind == 'template' else _('示例样表')}）{os.path.splitext(stored.name)[1]}"
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = FileResponse(
        default_storage.open(stored.name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- workbench ---------------------------------------------------------------------------------
@staff_required(*EDITORS)
def staff_matters(request):
    form = MatterFilterForm(request.GET or None)
    qs = scope.visible_to(request.user, Matter).select_related("unit", "current_version")
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(
                Q(name_cache__icontains=d["q"])
                | Q(implementation_code__icontains=d["q"])
                | Q(base_code__icontains=d["q"])
            )
        if d["unit"]:
            qs = qs.filter(unit=d["unit"])
        if d["matter_type"]:
            qs = qs.filter(current_version__matter_type=d["matter_type"])
        if d["handling_kind"]:
            qs = qs.filter(current_version__handling_kind=d["handling_kind"])
        if d["status"] == "active":
            qs = qs.filter(is_active=True)
        elif d["status"] == "inactive":
            qs = qs.filter(is_active=False)
    qs = qs.order_by("unit__sort_order", "implementation_code")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    is_admin = scope.grants(request.user).has(Role.ADMIN)
    return render(
        request,
        "catalog/staff/matter_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "is_admin": is_admin,
        },
    )


@staff_required(*EDITORS)
def staff_matter_detail(request, pk: int):
    matter = scope.get_for(
        request.user,
        Matter,
        pk,
        queryset=Matter.objects.select_related("unit", "current_version", "localised_from"),
    )
    versions = (
        scope.visible_to(request.user, MatterVersion)
        .filter(matter=matter)
        .select_related("created_by")
        .order_by("-version")
    )
    shown = matter.current_version
    if request.GET.get("version", "").isdigit():
        shown = versions.filter(version=int(request.GET["version"])).first() or shown
    from yingshang.audit.models import AuditEvent

    # the latest 50, oldest first like every timeline
    events = list(
        AuditEvent.objects.filter(object_type="catalog.matter", object_id=str(matter.pk))
        .select_related("unit")
        .order_by("-seq")[:50]
    )[::-1]
    return render(
        request,
        "catalog/staff/matter_detail.html",
        {
            "matter": matter,
            "shown": shown,
            "versions": versions,
            "abilities": scope.abilities(request.user, matter),
            "events": events,
            "deactivate_form": DeactivateForm(),
            "materials": shown.materials.all() if shown else [],
            "fields": shown.form_fields.all() if shown else [],
            "can_localise": selectors.localisable(matter) and _county_units(request.user).exists(),
            "localisations": scope.visible_to(request.user, Matter)
            .filter(localised_from=matter)
            .select_related("unit"),
        },
    )


def _apply_field_errors(form, exc: DomainError):
    fields = exc.details.get("fields", {}) if isinstance(exc.details, dict) else {}
    placed = False
    for name, message in fields.items():
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@staff_required(*EDITORS)
def staff_matter_revise(request, pk: int):
    matter = scope.get_for(
        request.user, Matter, pk, queryset=Matter.objects.select_related("unit", "current_version")
    )
    if not scope.abilities(request.user, matter)["revise"]:
        raise Http404
    current = matter.current_version
    if request.method == "POST":
        form = ReviseForm(request.POST)
        formset = MaterialFormSet(request.POST, request.FILES, prefix="m")
        if form.is_valid() and formset.is_valid():
            try:
                materials = _material_items(formset)
                version = services.matter_revise(
                    actor=request.user,
                    matter=matter,
                    note=form.cleaned_data["note"],
                    changes={**form.version_changes(), "materials": materials},
                )
            except DomainError as exc:
                _apply_field_errors(form, exc)
            else:
                messages.success(request, _("已发布第 %(n)s 版") % {"n": version.version})
                return redirect("catalog:staff_matter", matter.pk)
    else:
        form = ReviseForm(initial=ReviseForm.initial_from(current))
        formset = MaterialFormSet(
            prefix="m",
            initial=[
                {k: getattr(m, k) for k in MATERIAL_FORM_KEYS} for m in current.materials.all()
            ],
        )
    return render(
        request,
        "catalog/staff/matter_revise.html",
        {
            "matter": matter,
            "form": form,
            "formset": formset,
            "current": current,
            "wide_fields": WIDE_FIELDS,
        },
    )


def _material_items(formset) -> list[dict]:
    materials = []
    for i, mf in enumerate(
        f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ):
        d = mf.cleaned_data
        item = {k: d[k] for k in MATERIAL_FORM_KEYS}
        item["order"] = i
        for kind in ("template", "example"):
            item[kind] = save_material_file(d.get(kind)) if d.get(kind) else ""
        materials.append(item)
    return materials


def _editable_units(user):
    """The units whose matters `user` maintains (the matter abilities: the administrator, or a
    head of the unit), through the scope."""
    g = scope.grants(user)
    units = scope.visible_to(user, Unit).filter(is_active=True).order_by("sort_order", "id")
    if not g.has(Role.ADMIN):
        units = units.filter(pk__in=g.units(Role.DEPT_HEAD))
    return units


def _county_units(user):
    """Of those, the units of a county (org.tenancy): the ones that may localise a city matter
    (none in a one-county deployment)."""
    return _editable_units(user).exclude(tenant="")


@staff_required(*EDITORS)
def staff_matter_new(request):
    units = _editable_units(request.user)
    if request.method == "POST":
        form = NewMatterForm(request.POST, units=units)
        formset = MaterialFormSet(request.POST, request.FILES, prefix="m")
        if form.is_valid() and formset.is_valid():
            d = form.cleaned_data
            try:
                matter = services.matter_create(
                    actor=request.user,
                    unit=d["unit"],
                    base_code=d["base_code"],
                    implementation_code=d["implementation_code"],
                    materials=_material_items(formset),
                    note=d["note"],
                    **form.version_changes(),
                )
            except DomainError as exc:
                _apply_field_errors(form, exc)
            else:
                messages.success(request, _("已发布第 %(n)s 版") % {"n": 1})
                return redirect("catalog:staff_matter", matter.pk)
    else:
        form = NewMatterForm(
            units=units,
            initial={
                "matter_type": "licensing",
                "handling_kind": "promised",
                "fee": "不收费",
                "max_visits": 1,
                "appointment": True,
            },
        )
        formset = MaterialFormSet(prefix="m")
    return render(
        request,
        "catalog/staff/matter_revise.html",
        {
            "matter": None,
            "form": form,
            "formset": formset,
            "current": None,
            "wide_fields": WIDE_FIELDS,
        },
    )


@staff_required(*EDITORS)
def staff_matter_localise(request, pk: int):
    """本地化（本县承接）: a county unit adopts a city matter with its own local details."""
    source = scope.get_for(
        request.user, Matter, pk, queryset=Matter.objects.select_related("unit", "current_version")
    )
    units = _county_units(request.user)
    if not selectors.localisable(source) or not units.exists():
        raise Http404
    if request.method == "POST":
        form = LocaliseForm(request.POST, units=units)
        if form.is_valid():
            try:
                matter = services.matter_localise(
                    actor=request.user,
                    source=source,
                    unit=form.cleaned_data["unit"],
                    changes=form.version_changes(),
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                _apply_field_errors(form, exc)
            else:
                messages.success(
                    request, _("已本地化，实施编码 %(c)s") % {"c": matter.implementation_code}
                )
                return redirect("catalog:staff_matter", matter.pk)
    else:
        current = source.current_version
        form = LocaliseForm(units=units, initial={f: getattr(current, f) for f in LOCAL_FIELDS})
    return render(request, "catalog/staff/matter_localise.html", {"source": source, "form": form})


# The status moves of a matter: URL action → (service, message on success). Both take a reason.
STATUS_MOVES = {
    "deactivate": (services.matter_deactivate, _lazy("事项已停用")),
    "activate": (services.matter_activate, _lazy("事项已启用")),
}


@require_POST
@staff_required(*EDITORS)
def staff_matter_status(request, pk: int, action: str):
    if action not in STATUS_MOVES:
        raise Http404
    move, done = STATUS_MOVES[action]
    matter = scope.get_for(request.user, Matter, pk)
    try:
        move(actor=request.user, matter=matter, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("catalog:staff_matter", matter.pk)


@staff_required(Role.ADMIN)
def staff_import(request):
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = services.catalog_import(
                    actor=request.user,
                    data=form.cleaned_data["file"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if report.ok:
                    messages.success(
                        request,
                        _("导入完成：新增 %(c)s 项，修订 %(r)s 项，未变化 %(u)s 项")
                        % {"c": report.created, "r": report.revised, "u": report.unchanged},
                    )
                    return redirect("catalog:staff_matters")
    else:
        form = ImportForm()
    return render(
        request,
        "catalog/staff/import.html",
        {"form": form, "report": report},
        status=400 if report is not None and not report.ok else 200,
    )


@staff_required(*EDITORS)
def staff_export(request):
    matters = scope.visible_to(request.user, Matter)
    data = excel.workbook_bytes(excel.build_workbook(matters))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''catalog.xlsx"
    return response


@staff_required(*EDITORS)
def staff_template(request):
    response = HttpResponse(excel.workbook_bytes(excel.template_workbook()), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''catalog-template.xlsx"
    return response
