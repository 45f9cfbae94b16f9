"""Dynamic application form built from the matter's (or package's merged) form fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yingshang.org import identifiers


def build_form(fields: list[dict], *, data=None, initial=None) -> forms.Form:
    form = forms.Form(data=data, initial=initial or {})
    for f in fields:
        name = f"f_{f['key']}"
        kw = {"label": f["label"], "required": False}
        attrs = {"class": "form-control", "data-key": f["key"]}
        if f.get("required"):
            attrs["required"] = "required"
        ftype = f.get("field_type")
        if ftype == "choice" and f.get("choices"):
            field = forms.ChoiceField(
                choices=[("", "—")] + [(c, c) for c in f["choices"]],
                widget=forms.Select(attrs={**attrs, "class": "form-select"}),
                **kw,
            )
        elif ftype == "textarea":
            field = forms.CharField(widget=forms.Textarea(attrs={**attrs, "rows": 3}), **kw)
        elif ftype == "date":
            field = forms.CharField(widget=forms.DateInput(attrs={**attrs, "type": "date"}), **kw)
        elif ftype == "number":
            field = forms.CharField(widget=forms.NumberInput(attrs={**attrs, "step": "any"}), **kw)
        else:
            field = forms.CharField(widget=forms.TextInput(attrs=attrs), **kw)
        field.required_marker = bool(f.get("required"))
        form.fields[name] = field
        if initial and f["key"] in initial:
            form.initial[name] = initial[f["key"]]
    return form


def form_values(fields: list[dict], post) -> dict:
    return {f["key"]: post.get(f"f_{f['key']}", "").strip() for f in fields}


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("办件编号"), max_length=24, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    phone = identifiers.MobileField(
        label=_("申请时预留的手机号码"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
