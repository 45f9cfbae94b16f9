"""Staff pages of 一件事: the list, creating and editing one (members, lead unit, limit), and its
own definition — its joint application form and what each member produces for the later ones
(catalog.services.package_define), one line per item."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang.catalog import selectors, services
from yingshang.catalog.forms import PackageForm
from yingshang.catalog.models import FormField, Matter, Package
from yingshang.catalog.views import EDITORS, _apply_field_errors
from yingshang.errors import DomainError, InvalidInput
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required

KIND_WORDS = {"材料": "material", "信息": "field"}
REQUIRED_WORDS = {"必填": True, "选填": False}


def _split(line: str, n: int, sep: str | None = None) -> list[str]:
    parts = [p.strip() for p in (line.split(sep, n - 1) if sep else line.split(None, n - 1))]
    return parts + [""] * (n - len(parts))


def parse_outputs(text: str, member_name: str) -> list[dict]:
    """「材料 business_licence 营业执照」/「信息 firm.uscc 统一社会信用代码」, one per line."""
    out = []
    for i, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        word, key, name = _split(line, 3)
        if word not in KIND_WORDS:
            raise InvalidInput(
                "CATALOG_INVALID",
                _("“%(m)s”产出第%(i)s行：请以“材料”或“信息”开头") % {"m": member_name, "i": i},
            )
        out.append({"kind": KIND_WORDS[word], "key": key, "name": name})
    return out


def parse_form(text: str) -> list[dict]:
    """「key | 名称 | 类型 | 必填/选填」, one field per line (类型 as in 表单字段, default text)."""
    out = []
    for i, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        key, label, kind, required = _split(line, 4, "|")
        if required and required not in REQUIRED_WORDS:
            raise InvalidInput(
                "CATALOG_INVALID", _("联办申请表第%(i)s行：最后一栏填“必填”或“选填”") % {"i": i}
            )
        out.append(
            {
                "key": key,
                "label": label,
                "field_type": kind or FormField.FieldType.TEXT,
                "required": REQUIRED_WORDS.get(required, True),
            }
        )
    return out


def _form_text(package: Package) -> str:
    return "\n".join(
        f"{f['key']} | {f['label']} | {f.get('field_type') or 'text'} | "
        f"{'必填' if f.get('required', True) else '选填'}"
        for f in package.form_fields or []
    )


def _outputs_text(outputs: list[dict]) -> str:
    words = {v: k for k, v in KIND_WORDS.items()}
    return "\n".join(f"{words.get(o['kind'], '材料')} {o['key']} {o['name']}" for o in outputs)


@staff_required(Role.ADMIN, Role.DEPT_HEAD)
def staff_package_define(request, code: str):
    package = scope.get_for(request.user, Package, code, field="code")
    members = list(package.members.select_related("matter__current_version").order_by("order"))
    error = None
    posted = request.POST if request.method == "POST" else None
    if posted is not None:
        try:
            outputs = {
                pm.matter_id: parse_outputs(
                    posted.get(f"outputs_{pm.matter_id}", ""), pm.matter.name
                )
                for pm in members
            }
            services.package_define(
                actor=request.user,
                package=package,
                form_fields=parse_form(posted.get("form", "")),
                outputs=outputs,
                reason=posted.get("reason", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("已保存“%(n)s”的联办申请表和办理产出") % {"n": package.name}
            )
            return redirect("catalog:staff_package_define", code=package.code)
    rows = [
        {
            "matter": pm.matter,
            "text": posted.get(f"outputs_{pm.matter_id}", "")
            if posted is not None
            else _outputs_text(pm.outputs or []),
        }
        for pm in members
    ]
    return render(
        request,
        "catalog/staff/package_define.html",
        {
            "package": package,
            "rows": rows,
            "form_text": posted.get("form", "") if posted is not None else _form_text(package),
            "merged": selectors.merged_form_fields(package),
            "types": FormField.FieldType.choices,
            "error": error,
        },
    )


@staff_required(*EDITORS)
def staff_packages(request):
    packages = (
        scope.visible_to(request.user, Package)
        .select_related("lead_unit")
        .annotate(n=Count("members"))
        .order_by("id")
    )
    return render(
        request,
        "catalog/staff/packages.html",
        {
            "packages": packages,
            "is_admin": scope.grants(request.user).has(Role.ADMIN),
        },
    )


def _package_matters(user):
    return (
        selectors.public_matters(scope.visible_to(user, Matter))
        .select_related("unit")
        .order_by("unit__sort_order", "name_cache")
    )


@staff_required(Role.ADMIN)
def staff_package_edit(request, code: str | None = None):
    package = None
    if code is not None:
        package = scope.get_for(request.user, Package, code, field="code")
    matters = _package_matters(request.user)
    if request.method == "POST":
        form = PackageForm(
            request.POST,
            matters=matters,
            editing=package is not None,
            initial={"code": package.code} if package else None,
            user=request.user,
        )
        if form.is_valid():
            d = form.cleaned_data
            # keep the existing order; newly chosen matters go to the end
            chosen = {m.pk: m for m in d["matters"]}
            ordered = [pm.matter_id for pm in package.members.order_by("order")] if package else []
            ids = [i for i in ordered if i in chosen] + sorted(
                i for i in chosen if i not in ordered
            )
            try:
                if package is None:
                    package = services.package_create(
                        actor=request.user,
                        code=d["code"],
                        name=d["name"],
                        lead_unit=d["lead_unit"],
                        promised_limit_days=d["promised_limit_days"],
                        matters=ids,
                        description=d["description"],
                        life_event=d["life_event"],
                        theme=d["theme"],
                    )
                else:
                    services.package_update(
                        actor=request.user,
                        package=package,
                        reason=d.get("reason", ""),
                        changes={
                            "name": d["name"],
                            "lead_unit": d["lead_unit"],
                            "promised_limit_days": d["promised_limit_days"],
                            "description": d["description"],
                            "life_event": d["life_event"],
                            "theme": d["theme"],
                            "is_active": d["is_active"],
                            "matters": ids,
                        },
                    )
            except DomainError as exc:
                _apply_field_errors(form, exc)
            else:
                messages.success(request, _("已保存“%(n)s”") % {"n": package.name})
                return redirect("catalog:staff_packages")
    else:
        initial = {}
        if package is not None:
            initial = {
                "code": package.code,
                "name": package.name,
                "lead_unit": package.lead_unit_id,
                "promised_limit_days": package.promised_limit_days,
                "description": package.description,
                "life_event": package.life_event,
                "theme": package.theme,
                "is_active": package.is_active,
                "matters": [pm.matter_id for pm in package.members.all()],
            }
        form = PackageForm(
            initial=initial, matters=matters, editing=package is not None, user=request.user
        )
    return render(request, "catalog/staff/package_form.html", {"form": form, "package": package})
