import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yingshang.apiaccess import services as token_services
from yingshang.apiaccess.models import ApiToken
from yingshang.audit import describe as audit_describe
from yingshang.audit import labels as audit_labels
from yingshang.audit import selectors as audit_selectors
from yingshang.dbrouting import reporting
from yingshang.errors import DomainError
from yingshang.notify import services as notify
from yingshang.org import scope
from yingshang.org.models import Unit, User
from yingshang.org.roles import COUNTYWIDE_ROLES, Role
from yingshang.org.scope import grants
from yingshang.paging import CappedPaginator
from yingshang.spreadsheets import xlsx_response
from yingshang.workbench import navigation
from yingshang.workbench import overview as overview_parts
from yingshang.workbench.access import login_required_view, staff_required
from yingshang.workbench.context import forget_unread
from yingshang.workbench.nav import OVERVIEW_ROLES
from yingshang.workcal import calendar, periods
from yingshang.workcal import services as workcal_services
from yingshang.workcal.models import CalendarDay, CalendarYear, WorkSchedule

AUDIT_ROLES = (*COUNTYWIDE_ROLES, Role.ADMIN, Role.DEPT_HEAD)


@login_required_view
def home(request):
    if request.user.kind != User.Kind.STAFF:  # applicants have their own pages on the portal
        return redirect("cases:my_cases")
    g = grants(request.user)
    labels = dict(Role.choices)
    assignments = [
        {"role": labels.get(role, role), "unit": unit_name}
        for role, _unit, unit_name, _tenant in g.held
    ]
    return render(
        request,
        "workbench/home.html",
        {
            "assignments": assignments,
            "cards_html": navigation.home_cards_html(request, g.roles),
        },
    )


@staff_required(*OVERVIEW_ROLES)
@reporting()
def overview(request):
    """全县概览: every module's headline figures for a month and the overdue items per unit,
    each number a link to the records behind it (counted from the viewer's scope)."""
    month = periods.parse_or_current(request.GET.get("period"), "month")
    if month.kind != "month":
        month = periods.period_of("month", month.first)
    found = overview_parts.sections(request.user, month)
    return render(
        request,
        "workbench/overview.html",
        {
            "period": month,
            "previous": month.previous().key,
            "next": month.next().key if month.last < periods.today() else "",
            "sections": found,
            "overdue": overview_parts.overdue_table(found),
        },
    )


@login_required_view
def inbox(request):
    if request.method == "POST":
        if "all" in request.POST:
            notify.mark_all_read(user=request.user)
        elif request.POST.get("id", "").isdigit():
            notify.mark_read(user=request.user, message_id=int(request.POST["id"]))
        forget_unread(request)
        return redirect("workbench:inbox")
    forget_unread(request)  # the inbox shows the count as it is now
    page = Paginator(notify.inbox(request.user).order_by("-created_at"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "workbench/inbox.html", {"page": page})


@staff_required()
def units(request):
    rows = list(scope.visible_to(request.user, Unit).order_by("path"))
    return render(request, "workbench/units.html", {"units": rows})


class AuditFilter(forms.Form):
    actor = forms.CharField(label=gettext_lazy("操作人"), required=False)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位"), queryset=Unit.objects.all(), required=False
    )
    # a list of names, not model labels: nobody outside the code knows "cases.case"
    object_type = forms.ChoiceField(label=gettext_lazy("对象类型"), required=False)
    object_id = forms.CharField(label=gettext_lazy("对象编号"), required=False)
    action = forms.CharField(
        label=gettext_lazy("操作"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：受理、派单")}),
    )
    since = forms.DateField(
        label=gettext_lazy("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # the units the auditor sees (one county of a city: org.tenancy)
            self.fields["unit"].queryset = scope.visible_to(user, Unit)
        self.fields["object_type"].choices = [
            ("", gettext_lazy("全部")),
            *audit_labels.object_type_choices(),
        ]
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name in ("unit", "object_type") else None
            field.widget.attrs.setdefault("class", css or "form-control form-control-sm")


def _day_start(day: dt.date | None):
    return calendar.end_of_day(day - dt.timedelta(days=1)) if day else None


@staff_required(*AUDIT_ROLES)
def audit_search(request):
    form = AuditFilter(request.GET or None, user=request.user)
    events = audit_selectors.search(request.user)
    if form.is_valid():
        c = form.cleaned_data
        events = audit_selectors.search(
            request.user,
            actor=c["actor"],
            unit_id=c["unit"].pk if c["unit"] else None,
            object_type=c["object_type"],
            object_id=c["object_id"],
            action=c["action"],
            since=_day_start(c["since"]),
            until=calendar.end_of_day(c["until"]) if c["until"] else None,
        )
    if request.GET.get("export") == "xlsx":
        role_names = dict(Role.choices)
        rows = (
            (
                x.event.seq,
                x.event.created_at,
                x.actor,
                str(role_names.get(x.event.role, x.event.role)),
                x.unit,
                x.title,
                x.object_label,
                x.event.object_id,
                x.text,
                x.reason,
                x.event.ip or "",
            )
            for chunk in _chunks(events[:100000], 2000)
            for x in audit_describe.entries(chunk)
        )
        return xlsx_response(
            f"审计日志-{timezone.localdate():%Y%m%d}.xlsx",
            _("审计日志"),
            [
                _("序号"),
                _("时间"),
                _("操作人"),
                _("角色"),
                _("单位"),
                _("操作"),
                _("对象类型"),
                _("对象编号"),
                _("变更"),
                _("原因"),
                "IP",
            ],
            rows,
        )
    page = CappedPaginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workbench/audit_search.html",
        {
            "form": form,
            "page": page,
            "entries": audit_describe.entries(page.object_list),
            "query": query.urlencode(),
        },
    )


def _chunks(queryset, size: int):
    """Events in pages of `size` (each page's related names are read with one query)."""
    batch = []
    for event in queryset.iterator(chunk_size=size):
        batch.append(event)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@staff_required(*AUDIT_ROLES)
def suspicious_returns(request):
    rows = audit_selectors.suspicious_returns(request.user)[:500]
    return render(request, "workbench/suspicious_returns.html", {"rows": rows})


class YearImportForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=1990, max_value=2100)
    source = forms.CharField(
        label=gettext_lazy("依据"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("如：国务院办公厅关于2027年部分节假日安排的通知"),
    )
    text = forms.CharField(
        label=gettext_lazy("节假日安排"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "form-control font-monospace"}),
        help_text=gettext_lazy(
            "每行一个日期：日期 类型 名称。类型为“休”或“班”。例如：2027-01-01 休 元旦"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["class"] = "form-control"
        self.fields["source"].widget.attrs["class"] = "form-control"


class DayForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("日期"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[
            ("holiday", gettext_lazy("法定节假日（休）")),
            ("workday", gettext_lazy("调休上班")),
            ("normal", gettext_lazy("按周规则")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("修改原因"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


@staff_required(Role.ADMIN)
def calendar_view(request):
    year = int(request.GET.get("year") or timezone.localdate().year)
    import_form = YearImportForm(prefix="imp")
    day_form = DayForm(prefix="day")
    import_errors = []
    if request.method == "POST" and "imp-year" in request.POST:
        import_form = YearImportForm(request.POST, prefix="imp")
        if import_form.is_valid():
            c = import_form.cleaned_data
            try:
                workcal_services.calendar_enter_year(
                    actor=request.user, year=c["year"], text=c["text"], source=c["source"]
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                import_errors = exc.details.get("errors", [])
            else:
                messages.success(request, _("%(year)s 年工作日历已录入") % {"year": c["year"]})
                return redirect(f"{request.path}?year={c['year']}")
    elif request.method == "POST":
        day_form = DayForm(request.POST, prefix="day")
        if day_form.is_valid():
            c = day_form.cleaned_data
            try:
                workcal_services.calendar_set_day(
                    actor=request.user,
                    day=c["date"],
                    kind=None if c["kind"] == "normal" else c["kind"],
                    name=c["name"],
                    reason=c["reason"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已保存 %(day)s") % {"day": c["date"]})
                return redirect(f"{request.path}?year={c['date'].year}")
    days = CalendarDay.objects.filter(date__year=year).exclude(kind=CalendarDay.Kind.NORMAL)
    schedule = WorkSchedule.objects.filter(pk=1).first()
    return render(
        request,
        "workbench/calendar.html",
        {
            "year": year,
            "years": CalendarYear.objects.all(),
            "days": days,
            "import_form": import_form,
            "day_form": day_form,
            "import_errors": import_errors,
            "schedule": schedule,
            "year_known": CalendarYear.objects.filter(year=year).exists(),
            "workdays_in_year": calendar.working_days_between(
                dt.date(year - 1, 12, 31), dt.date(year, 12, 31)
            ),
        },
    )


@login_required_view
def tokens(request):
    new_secret = None
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip()
        if not name:
            messages.error(request, _("请填写令牌名称"))
        else:
            _token, new_secret = token_services.token_create(actor=request.user, name=name)
            messages.success(request, _("令牌已创建。请立即复制保存，它不会再次显示。"))
    rows = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "workbench/tokens.html", {"tokens": rows, "new_secret": new_secret})


@login_required_view
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_services.token_revoke(
        actor=request.user, token=token, reason=request.POST.get("reason") or _("用户撤销")
    )
    messages.success(request, _("令牌已撤销"))
    return redirect("workbench:tokens")
