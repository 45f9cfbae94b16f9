from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from yingshang.org import identifiers


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名或手机号"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "class": "form-control"}
        ),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control"}
        ),
    )
    error_messages = {
        "invalid_login": _("用户名/手机号或密码不正确。连续多次输入错误，账号将被暂时锁定。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }


class _RegisterBase(forms.Form):
    mobile = identifiers.MobileField(
        label=_("手机号码"),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
        help_text=_("至少10位，须同时包含字母和数字"),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class PersonRegisterForm(_RegisterBase):
    real_name = forms.CharField(
        label=_("姓名"),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )
    id_number = identifiers.IDNumberField(
        label=_("身份证号码"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    field_order = ["real_name", "id_number", "mobile", "password", "password2"]


class FirmRegisterForm(_RegisterBase):
    uscc = identifiers.USCCField(
        label=_("统一社会信用代码"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    firm_name = forms.CharField(
        label=_("企业名称"), max_length=120, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    contact_name = forms.CharField(
        label=_("经办人姓名"),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    field_order = ["uscc", "firm_name", "contact_name", "mobile", "password", "password2"]
