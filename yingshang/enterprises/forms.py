from django import forms
from django.utils.translation import gettext_lazy as _

from yingshang.enterprises import industries
from yingshang.enterprises.models import Firm
from yingshang.org.identifiers import MobileField, USCCField


def _control(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class FirmForm(forms.Form):
    uscc = USCCField(label=_("统一社会信用代码"))
    name = forms.CharField(label=_("企业名称"), max_length=120)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=40, required=False)
    firm_type = forms.CharField(
        label=_("企业类型"),
        max_length=40,
        required=False,
        help_text=_("如 有限责任公司、个体工商户"),
    )
    declared_size = forms.ChoiceField(
        label=_("规模（自报）"), choices=[("", "—"), *Firm.Size.choices], required=False
    )
    size = forms.ChoiceField(
        label=_("规模（划型）"), choices=[("", "—"), *Firm.Size.choices], required=False
    )
    industry_code = forms.CharField(
        label=_("行业代码"),
        max_length=8,
        required=False,
        help_text=_("国民经济行业分类：门类字母（A–T）或加大类/中类/小类数字，如 C、C13、F5211"),
        widget=forms.TextInput(attrs={"list": "industry-sections"}),
    )
    established_on = forms.DateField(
        label=_("成立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=40, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("住所"), max_length=200, required=False)
    region_code = forms.CharField(label=_("所在区划代码"), max_length=12, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # the code is the firm's identity: not edited, a wrong one is a new firm
            del self.fields["uscc"]
        else:
            self.fields["uscc"].widget.attrs["autofocus"] = True
        if editing:
            self.fields["reason"] = forms.CharField(
                label=_("修改原因"), max_length=200, required=False
            )
        _control(self)

    def clean_industry_code(self):
        return industries.clean_industry_code(self.cleaned_data.get("industry_code"))

    def profile(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("uscc", None)
        data.pop("reason", None)
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("登记状态"), choices=Firm.Status.choices)
    merged_into = USCCField(label=_("并入企业统一社会信用代码"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _control(self)


class LegalRepForm(forms.Form):
    """Either an existing account of the firm, or a new account for the new representative."""

    account = forms.TypedChoiceField(
        label=_("新法定代表人的账号"), coerce=int, required=False, empty_value=None
    )
    real_name = forms.CharField(label=_("新法定代表人姓名"), max_length=40, required=False)
    mobile = MobileField(label=_("手机号码"), required=False, help_text=_("新账号用此号码登录"))
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=False),
        min_length=8,
        required=False,
    )
    revoke_previous = forms.BooleanField(
        label=_("同时撤销原法定代表人的账号"),
        required=False,
        help_text=_("不勾选时，原账号保留为经办人"),
    )
    reason = forms.CharField(
        label=_("变更原因"),
        max_length=200,
        help_text=_("如 营业执照法定代表人已变更，附变更登记通知书文号"),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", _("（新开账号，填写下方信息）")), *choices]
        _control(self)

    def clean(self):
        d = super().clean()
        if d.get("account") is None and "account" not in self.errors:
            for name in ("real_name", "mobile", "password"):
                if not d.get(name) and name not in self.errors:
                    self.add_error(name, _("选择已有账号，或填写新账号的姓名、手机号码和初始密码"))
        return d


class AgentForm(forms.Form):
    real_name = forms.CharField(label=_("经办人姓名"), max_length=40)
    mobile = MobileField(label=_("手机号码"), help_text=_("经办人用此号码登录"))
    scope_note = forms.CharField(
        label=_("授权事项"), max_length=200, required=False, help_text=_("如 代为办理许可申请")
    )
    password = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput(render_value=False), min_length=8
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _control(self)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("企业名录（Excel .xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )
