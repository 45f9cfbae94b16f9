from django import forms
from django.utils.translation import gettext_lazy as _

from yingshang.knowledge.models import KnowledgeArticle
from yingshang.org import scope
from yingshang.org.models import Unit


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=KnowledgeArticle.Kind.choices)
    body = forms.CharField(label=_("答复口径"), widget=forms.Textarea(attrs={"rows": 10}))
    keywords = forms.CharField(
        label=_("关键词"),
        max_length=200,
        required=False,
        help_text=_("以逗号或空格分隔，检索时权重较高"),
    )
    topic_code = forms.CharField(label=_("诉求分类代码"), max_length=40, required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("责任单位"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    valid_from = forms.DateField(
        label=_("生效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("失效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("修订说明"), max_length=200, required=False)

    def __init__(self, *args, revising=False, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # the units the editor sees (one county of a city: org.tenancy)
            self.fields["units"].queryset = (
                scope.visible_to(user, Unit).filter(is_active=True).order_by("path")
            )
        if not revising:
            del self.fields["reason"]
        for field in self.fields.values():
            css = (
                "form-select"
                if isinstance(field.widget, (forms.Select, forms.SelectMultiple))
                else "form-control"
            )
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        vf, vu = data.get("valid_from"), data.get("valid_until")
        if vf and vu and vu < vf:
            self.add_error("valid_until", _("失效日期不能早于生效日期"))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
