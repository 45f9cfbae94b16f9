from django import forms
from django.utils.translation import gettext_lazy as _

from yingshang.hotline.models import Topic, WorkOrder
from yingshang.org import scope
from yingshang.org.identifiers import MobileField, USCCField
from yingshang.org.models import Unit


def _units(user=None):
    """The units an order may be dispatched to: those the operator sees (the county's, when the
    operator works for one county of a city: org.tenancy)."""
    units = Unit.objects.all() if user is None else scope.visible_to(user, Unit)
    return units.filter(is_active=True, kind__in=["department", "town"]).order_by(
        "sort_order", "id"
    )


class ConsoleForm(forms.Form):
    """One-screen entry: caller, request, and (optionally) the dispatch or direct answer."""

    caller_phone = forms.CharField(
        label=_("来电号码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "inputmode": "tel",
                "autocomplete": "off",
                "accesskey": "p",
                "tabindex": 1,
            }
        ),
    )
    caller_name = forms.CharField(
        label=_("来电人"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"tabindex": 2, "autocomplete": "off"}),
    )
    anonymous = forms.BooleanField(
        label=_("匿名"), required=False, widget=forms.CheckboxInput(attrs={"tabindex": 3})
    )
    confidential = forms.BooleanField(
        label=_("保密（对承办单位隐藏来电人）"),
        required=False,
        widget=forms.CheckboxInput(attrs={"tabindex": 4}),
    )
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=WorkOrder.Channel.choices,
        initial="phone",
        widget=forms.Select(attrs={"tabindex": 5}),
    )
    category = forms.ChoiceField(
        label=_("诉求类别"),
        choices=WorkOrder.Category.choices,
        initial="consult",
        widget=forms.Select(attrs={"tabindex": 6, "accesskey": "c"}),
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=WorkOrder.Urgency.choices,
        initial="normal",
        widget=forms.Select(attrs={"tabindex": 7}),
    )
    topic = forms.ModelChoiceField(
        label=_("分类"),
        queryset=Topic.objects.filter(is_active=True).select_related("parent"),
        required=False,
        widget=forms.Select(attrs={"tabindex": 8, "accesskey": "t"}),
    )
    address = forms.CharField(
        label=_("地址"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"tabindex": 9, "autocomplete": "off"}),
    )
    firm_uscc = USCCField(
        label=_("涉及企业（统一社会信用代码）"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": 10, "autocomplete": "off"}),
    )
    content = forms.CharField(
        label=_("诉求内容"),
        widget=forms.Textarea(attrs={"rows": 4, "tabindex": 11, "accesskey": "n"}),
    )
    main_unit = forms.ModelChoiceField(
        label=_("主办单位"),
        queryset=_units(),
        required=False,
        widget=forms.Select(attrs={"tabindex": 12, "accesskey": "u"}),
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=_units(),
        required=False,
        widget=forms.SelectMultiple(attrs={"tabindex": 13, "size": 3}),
    )
    suggested_unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reply = forms.CharField(
        label=_("直接答复内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "tabindex": 14}),
    )
    article_id = forms.IntegerField(
        label=_("引用知识条目编号"),
        required=False,
        widget=forms.NumberInput(attrs={"tabindex": 15}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["main_unit"].queryset = _units(user)
        self.fields["co_units"].queryset = _units(user)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            elif not isinstance(w, forms.HiddenInput):
                w.attrs.setdefault("class", "form-control")


class PortalSubmitForm(forms.Form):
    caller_name = forms.CharField(label=_("姓名"), max_length=40)
    # stored normalised (org.identifiers): 全角 digits or spaces typed here are the same number
    caller_phone = MobileField(label=_("手机号码"))
    category = forms.ChoiceField(
        label=_("诉求类别"), choices=WorkOrder.Category.choices, initial="consult"
    )
    topic = forms.ModelChoiceField(
        label=_("分类"),
        queryset=Topic.objects.filter(is_active=True, parent__isnull=False),
        required=False,
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    content = forms.CharField(
        label=_("诉求内容"),
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"min_length": _("请把诉求写清楚（至少10个字）")},
    )
    confidential = forms.BooleanField(label=_("请为我的身份保密"), required=False)
    website = forms.CharField(
        # people never see it (the block is hidden); a bot filling every box reads a label
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "d-none",
                "tabindex": "-1",
                "autocomplete": "off",
                "aria-hidden": "true",
            }
        ),
    )
    website.honeypot = True  # _form.html hides the whole block, label included

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            w = field.widget
            if name == "website":
                continue
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("工单编号"),
        max_length=24,
        widget=forms.TextInput(attrs={"class": "form-control", "autofocus": True}),
    )
    phone = forms.CharField(
        label=_("提交时填写的手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "tel"}),
    )
