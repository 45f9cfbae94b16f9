"""Forms of the catalogue workbench."""

import copy
import os
import uuid

from django import forms
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from yingshang.catalog.models import HandlingKind, Material, MatterType
from yingshang.catalog.vocab import LIFE_EVENTS, THEMES
from yingshang.org import scope, tenancy
from yingshang.org.models import Unit


def _styled(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


def validate_material_file(upload) -> None:
    """Blank forms and examples: PDF, Word, Excel or images, recognised by content."""
    from yingshang import uploads
    from yingshang.errors import InvalidInput

    try:
        uploads.check(upload, allowed=uploads.EVIDENCE)
    except InvalidInput as exc:
        raise forms.ValidationError(exc.message) from exc


def save_material_file(upload) -> str:
    ext = os.path.splitext(upload.name)[1].lower()
    return default_storage.save(f"catalog/materials/{uuid.uuid4().hex}{ext}", upload)


class MatterFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或编码"), required=False)
    unit = forms.ModelChoiceField(
        label=_("实施单位"),
        queryset=Unit.objects.filter(matters__isnull=False).distinct(),
        required=False,
    )
    matter_type = forms.ChoiceField(
        label=_("事项类型"), choices=[("", _("全部")), *MatterType.choices], required=False
    )
    handling_kind = forms.ChoiceField(
        label=_("办件类型"), choices=[("", _("全部")), *HandlingKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("active", _("启用")), ("inactive", _("已停用"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


def _lines(text: str, kind: str):
    out = []
    for line in [x.strip() for x in (text or "").splitlines() if x.strip()]:
        parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
        if kind == "faq":
            if len(parts) != 2 or not all(parts):
                raise forms.ValidationError(_("每行一条，格式“问题｜答案”：%(v)s") % {"v": line})
            out.append({"q": parts[0], "a": parts[1]})
        else:
            if len(parts) not in (2, 3) or not parts[0] or not parts[1].isdigit():
                raise forms.ValidationError(
                    _("每行一条，格式“名称｜最长工作日｜是否计入时限”：%(v)s") % {"v": line}
                )
            out.append(
                {
                    "name": parts[0],
                    "max_days": int(parts[1]),
                    "counted": len(parts) == 3 and parts[2] in ("是", "1"),
                }
            )
    return out


class ReviseForm(forms.Form):
    name = forms.CharField(label=_("事项名称"), max_length=200)
    matter_type = forms.ChoiceField(label=_("事项类型"), choices=MatterType.choices)
    handling_kind = forms.ChoiceField(label=_("办件类型"), choices=HandlingKind.choices)
    legal_limit_days = forms.IntegerField(label=_("法定办结时限（工作日）"), min_value=0)
    promised_limit_days = forms.IntegerField(label=_("承诺办结时限（工作日）"), min_value=0)
    fee = forms.CharField(label=_("收费标准"), max_length=200)
    max_visits = forms.IntegerField(
        label=_("到现场次数"), min_value=0, help_text=_("0 = 一次不用跑，1 = 最多跑一次")
    )
    online = forms.BooleanField(label=_("全程网办"), required=False)
    appointment = forms.BooleanField(label=_("可预约窗口"), required=False)
    conditions = forms.CharField(
        label=_("受理条件"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    legal_basis = forms.CharField(
        label=_("设定依据"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    address = forms.CharField(label=_("办理地点"), max_length=200, required=False)
    hours = forms.CharField(label=_("办理时间"), max_length=200, required=False)
    phone = forms.CharField(label=_("咨询电话"), max_length=60, required=False)
    themes = forms.MultipleChoiceField(
        label=_("主题"),
        choices=list(THEMES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    life_events = forms.MultipleChoiceField(
        label=_("生命周期事件"),
        choices=list(LIFE_EVENTS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    faq = forms.CharField(
        label=_("常见问题"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("每行一条：问题｜答案"),
    )
    special_procedures = forms.CharField(
        label=_("特别程序"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("每行一条：名称｜最长工作日｜是否计入时限（是/否）"),
    )
    note = forms.CharField(
        label=_("变更说明"),
        max_length=300,
        help_text=_("发布后形成新版本，已受理的办件仍按原版本办理"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    @staticmethod
    def initial_from(version) -> dict:
        data = {
            f: getattr(version, f)
            for f in (
                "name",
                "matter_type",
                "handling_kind",
                "legal_limit_days",
                "promised_limit_days",
                "fee",
                "max_visits",
                "online",
                "appointment",
                "conditions",
                "legal_basis",
                "address",
                "hours",
                "phone",
                "themes",
                "life_events",
            )
        }
        data["faq"] = "\n".join(f"{i['q']}｜{i['a']}" for i in version.faq or [])
        data["special_procedures"] = "\n".join(
            f"{i['name']}｜{i['max_days']}｜{'是' if i.get('counted') else '否'}"
            for i in version.special_procedures or []
        )
        return data

    def clean_faq(self):
        return _lines(self.cleaned_data["faq"], "faq")

    def clean_special_procedures(self):
        return _lines(self.cleaned_data["special_procedures"], "special")

    def clean(self):
        data = super().clean()
        legal, promised = data.get("legal_limit_days"), data.get("promised_limit_days")
        if legal is not None and promised is not None and promised > legal:
            self.add_error(
                "promised_limit_days",
                _("承诺办结时限（%(p)s 个工作日）不得超过法定办结时限（%(l)s 个工作日）")
                % {"p": promised, "l": legal},
            )
        return data

    def version_changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "note"}


class MaterialForm(forms.Form):
    key = forms.SlugField(label=_("材料标识"), max_length=60)
    name = forms.CharField(label=_("材料名称"), max_length=200)
    required = forms.BooleanField(label=_("必要"), required=False, initial=True)
    form = forms.ChoiceField(
        label=_("形式"), choices=Material.Form.choices, initial=Material.Form.ORIGINAL
    )
    copies = forms.IntegerField(label=_("份数"), min_value=1, initial=1)
    deficit_allowed = forms.BooleanField(label=_("可容缺"), required=False)
    commitment_replaces = forms.BooleanField(label=_("可告知承诺"), required=False)
    notes = forms.CharField(label=_("说明"), max_length=300, required=False)
    template = forms.FileField(
        label=_("空白表格"), required=False, validators=[validate_material_file]
    )
    example = forms.FileField(
        label=_("示例样表"), required=False, validators=[validate_material_file]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
        for field in self.fields.values():  # the table header is the visible label
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def has_changed(self) -> bool:
        # A blank extra row (no key, no name, no file) is ignored even if its checkboxes moved.
        if self.is_bound and not self.initial:
            filled = any(
                (self.data.get(self.add_prefix(n)) or "").strip() for n in ("key", "name", "notes")
            )
            if not filled and not any(
                self.add_prefix(n) in self.files for n in ("template", "example")
            ):
                return False
        return super().has_changed()


MaterialFormSet = forms.formset_factory(MaterialForm, extra=1, can_delete=True)


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("事项目录 Excel 文件（.xlsx）"))
    note = forms.CharField(
        label=_("导入说明"),
        max_length=300,
        required=False,
        help_text=_("记入审计日志和新版本的变更说明"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件"))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 10 MB"))
        return upload


class PackageForm(forms.Form):
    code = forms.SlugField(
        label=_("代号"), max_length=60, help_text=_("英文代号，用于网址，如 open-restaurant")
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    lead_unit = forms.ModelChoiceField(
        label=_("牵头单位"),
        queryset=Unit.objects.filter(is_active=True).order_by("sort_order", "id"),
    )
    promised_limit_days = forms.IntegerField(
        label=_("承诺办结时限（工作日）"),
        min_value=0,
        help_text=_("不得超过成员事项中最长的承诺时限"),
    )
    matters = forms.ModelMultipleChoiceField(
        label=_("成员事项"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("按住 Ctrl 多选；至少两个事项"),
    )
    description = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    life_event = forms.ChoiceField(
        label=_("生命周期事件"), choices=[("", "—"), *LIFE_EVENTS.items()], required=False
    )
    theme = forms.ChoiceField(label=_("主题"), choices=[("", "—"), *THEMES.items()], required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    reason = forms.CharField(label=_("修改原因"), max_length=200, required=False)

    def __init__(self, *args, matters=None, editing=False, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matters"].queryset = matters
        if user is not None:  # the units the editor sees (one county of a city: org.tenancy)
            self.fields["lead_unit"].queryset = (
                scope.visible_to(user, Unit).filter(is_active=True).order_by("sort_order", "id")
            )
        self.fields["matters"].label_from_instance = lambda m: (
            f"{m.name_cache}（{m.unit.display_name}）"
        )
        if editing:
            self.fields["code"].disabled = True
        else:
            del self.fields["is_active"]
            del self.fields["reason"]
        _styled(self)


class NewMatterForm(ReviseForm):
    unit = forms.ModelChoiceField(label=_("实施单位"), queryset=Unit.objects.none())
    base_code = forms.CharField(label=_("基本编码"), max_length=40, help_text=_("如 XK00201000"))
    implementation_code = forms.CharField(
        label=_("实施编码"), max_length=120, required=False, help_text=_("留空则自动生成")
    )
    field_order = ["unit", "base_code", "implementation_code"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["note"].required = False
        self.order_fields(["unit", "base_code", "implementation_code"])
        _styled(self)

    def version_changes(self) -> dict:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("note", "unit", "base_code", "implementation_code")
        }


# What a county sets of its own when it localises a city matter (本县承接): its promised days,
# fee, place, hours and phone; the rest is the city's.
LOCAL_FIELDS = ("promised_limit_days", "fee", "address", "hours", "phone")


class LocaliseForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("承接单位"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # the county first: a city's counties have units of the same names (综合受理科 …)
        counties = tenancy.labels()
        self.fields["unit"].label_from_instance = lambda u: (
            f"{counties[u.tenant]} · {u}" if u.tenant in counties else str(u)
        )
        for name in LOCAL_FIELDS:  # labelled and bounded as on the revise form
            self.fields[name] = copy.deepcopy(ReviseForm.base_fields[name])
        self.order_fields(["unit", *LOCAL_FIELDS, "note"])
        _styled(self)

    def version_changes(self) -> dict:
        return {k: self.cleaned_data[k] for k in LOCAL_FIELDS}
