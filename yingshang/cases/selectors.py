"""Reads for cases: the forms and materials of a matter or package, queues and counts."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from yingshang.cases.models import QUEUE_STATES, ApprovalTask, Case, Document, Status
from yingshang.processcache import TTLCache
from yingshang.workcal import periods


def _material_dict(m) -> dict:
    return {
        "key": m.key,
        "name": m.name,
        "required": bool(m.required),
        "deficit_allowed": bool(m.deficit_allowed),
        "commitment_replaces": bool(m.commitment_replaces),
    }


def _field_dict(f) -> dict:
    return {
        "key": f.key,
        "label": f.label,
        "field_type": f.field_type,
        "required": bool(f.required),
        "choices": list(getattr(f, "choices", []) or []),
        "profile_source": f.profile_source or "",
    }


def member_outputs(case, matter_id) -> list[dict]:
    """What the package member `matter_id` produces for the later members of the case's package
    ([{key, name, kind}], from the catalogue's package definition)."""
    from yingshang.catalog.models import PackageMember

    if not case.package_id or not matter_id:
        return []
    pm = PackageMember.objects.filter(package_id=case.package_id, matter_id=matter_id).first()
    return list(pm.outputs or []) if pm else []


def package_versions(package) -> list:
    """Current versions of the package's active members (the catalogue decides which count)."""
    from yingshang.catalog.selectors import package_versions as catalog_package_versions

    return catalog_package_versions(package)


# A published matter version never changes: its form and materials (plain dicts) are read once
# per process. Keyed by (pk, created_at): a test database that reuses a pk after a rollback
# makes a new key. processcache.clear_all() empties it.
_VERSIONS = TTLCache("cases.version_parts", seconds=3600)


def _version_parts(version) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    return _VERSIONS.get(
        (version.pk, version.created_at),
        lambda: (
            tuple(_field_dict(f) for f in version.form_fields.all()),
            tuple(_material_dict(m) for m in version.materials.all()),
        ),
    )


def materials_for(*, version=None, package=None) -> list[dict]:
    """The materials a submission needs (copies: callers may change them)."""
    if version is not None:
        return [dict(m) for m in _version_parts(version)[1]]
    from yingshang.catalog.selectors import merged_materials

    out = []
    for m in merged_materials(package):
        item = _material_dict(m)
        if m.produced_by is not None:
            # produced by a member inside the package: listed, never asked or counted missing
            item.update(
                required=False,
                deficit_allowed=False,
                commitment_replaces=False,
                produced_by=m.produced_by.name,
                produced_matter_id=m.produced_by.pk,
            )
        out.append(item)
    return out


def form_fields_for(*, version=None, package=None) -> list[dict]:
    if version is not None:
        return [{**f, "choices": list(f["choices"])} for f in _version_parts(version)[0]]
    from yingshang.catalog.selectors import merged_form_fields

    # a field a member produces inside the package is not asked (data entered once)
    return [_field_dict(f) for f in merged_form_fields(package) if f.produced_by is None]


PROFILE_SOURCES = {
    # profile_source → how to read it from (user, firm)
    "user.real_name": lambda u, f: u.real_name,
    "user.name": lambda u, f: u.real_name,
    "user.mobile": lambda u, f: u.mobile or "",
    "user.id_number": lambda u, f: u.id_number or "",
    "user.email": lambda u, f: u.email,
    "firm.name": lambda u, f: f.name if f else "",
    "firm.uscc": lambda u, f: f.uscc if f else "",
    "firm.legal_representative": lambda u, f: f.legal_representative if f else "",
    "firm.address": lambda u, f: f.address if f else "",
    "firm.contact_name": lambda u, f: f.contact_name if f else "",
    "firm.contact_phone": lambda u, f: f.contact_phone if f else "",
    "firm.firm_type": lambda u, f: f.firm_type if f else "",
}


def prefill(fields: list[dict], user, *, previous: dict | None = None) -> dict:
    """Data entered once: profile fields first, then what the user typed in earlier cases."""
    firm = getattr(user, "firm", None)
    data = {}
    if previous is None:
        previous = {}
        for form in (
            Case.objects.filter(applicant=user)
            .order_by("-created_at")
            .values_list("form_data", flat=True)[:5]
        ):
            for k, v in (form or {}).items():
                previous.setdefault(k, v)
    for field in fields:
        source = field.get("profile_source") or ""
        getter = PROFILE_SOURCES.get(source)
        value = getter(user, firm) if getter else ""
        if not value:
            value = previous.get(field["key"], "")
        if value:
            data[field["key"]] = value
    return data


def current_documents(case: Case):
    return Document.objects.filter(case=case, superseded_by__isnull=True).exclude(
        purpose=Document.Purpose.RESULT
    )


def present_keys(case: Case) -> set[str]:
    return set(
        current_documents(case).exclude(material_key="").values_list("material_key", flat=True)
    )


def missing_materials(case: Case, *, present: set[str] | None = None) -> list[dict]:
    present = present_keys(case) if present is None else present
    replaced = set(case.certificate_keys or [])
    return [
        m
        for m in case.materials
        if m["required"] and m["key"] not in present and m["key"] not in replaced
    ]


def flag(due_at, clock_state: str = "", now=None) -> str:
    """'overdue' / 'warning' / '' for the badge of a queue row."""
    if clock_state in ("overdue", "warning"):
        return clock_state
    now = now or timezone.now()
    if due_at and due_at < now:
        return "overdue"
    return ""


# what a queue row shows (cases/staff_queue.html)
QUEUE_FIELDS = (
    "number",
    "title",
    "applicant_name",
    "firm",  # a firm's name is shown in full, a person's masked (masking.mask_party)
    "status",
    "deficit_open",
    "due_at",
    "clock_state",
    "unit__name",
    "unit__short_name",
)


def queue_rows(cases, now=None) -> list[tuple]:
    """(case, deadline flag, status label) per row of a queue page."""
    now = now or timezone.now()
    labels = dict(Status.choices)
    return [(c, flag(c.due_at, c.clock_state, now), labels.get(c.status, c.status)) for c in cases]


def queue(user, name: str, *, now=None):
    from yingshang.org import scope
    from yingshang.org.roles import Role
    from yingshang.org.scope import grants

    now = now or timezone.now()
    g = grants(user)
    rows = Case.objects.select_related("unit").only(*QUEUE_FIELDS)
    qs = scope.visible_to(user, Case, rows)
    open_q = Q(status__in=QUEUE_STATES)
    if name == "to_accept":
        return qs.filter(status=Status.SUBMITTED).order_by("due_at", "id")
    if name == "to_review":
        if not g.sees_all:
            # the department's own cases: all inside its scope, so the scope filter is not needed
            qs = rows.filter(unit_id__in=g.units(Role.DEPT_HANDLER, Role.DEPT_HEAD))
        qs = qs.filter(status__in=[Status.ACCEPTED, Status.IN_REVIEW])
        return qs.order_by("due_at", "id")
    if name == "due_soon":
        return qs.filter(open_q, clock_state="warning").order_by("due_at", "id")
    if name == "overdue":
        return qs.filter(open_q, due_at__lt=now).order_by("due_at", "id")
    if name == "handover":
        return qs.filter(status=Status.DECIDED).order_by("decided_at", "id")
    if name == "corrections":
        return qs.filter(status=Status.AWAITING_CORRECTION).order_by("due_at", "id")
    if name == "second_corrections" and g.has(Role.SUPERVISOR):
        return qs.filter(corrections__status="pending_approval").order_by("id")
    return qs.none()


def my_tasks(user):
    from yingshang.org import scope
    from yingshang.org.scope import grants

    units = grants(user).units("dept_handler", "dept_head")
    return (
        scope.visible_to(user, ApprovalTask)
        .filter(unit_id__in=units, status=ApprovalTask.Status.PENDING)
        .select_related("case", "unit")
        .order_by("due_at", "id")
    )


def received_in(first: dt.date, last: dt.date) -> Q:
    """Cases received on the local days first..last (workcal.periods bounds)."""
    p = periods.Period("range", first, last)
    return Q(received_at__gte=p.start, received_at__lt=p.end)
