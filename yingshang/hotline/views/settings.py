"""Settings of the hotline: time limits and KPI weights."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang.errors import DomainError
from yingshang.hotline import services
from yingshang.hotline.models import KpiConfig, LimitRule, WorkOrder
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required


@staff_required(Role.SUPERVISOR, Role.ADMIN)
def settings_page(request):
    error, posted = "", {}
    if request.method == "POST":
        p = request.POST
        posted = p.dict()
        try:
            if p.get("form") == "kpi":
                services.kpi_config_save(
                    actor=request.user,
                    weight_response=p.get("weight_response"),
                    weight_resolution=p.get("weight_resolution"),
                    weight_satisfaction=p.get("weight_satisfaction"),
                    min_sample=p.get("min_sample"),
                )
            else:
                rule = (
                    LimitRule.objects.filter(pk=p["rule"]).first()
                    if p.get("rule", "").isdigit()
                    else None
                )
                services.limit_rule_save(
                    actor=request.user,
                    rule=rule,
                    purpose=p.get("purpose", ""),
                    category=p.get("category", ""),
                    urgency=p.get("urgency", ""),
                    amount=p.get("amount", ""),
                    unit=p.get("unit", ""),
                    same_day=bool(p.get("same_day")),
                    is_active=bool(p.get("is_active")),
                    note=p.get("note", ""),
                )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("已保存。"))
            return redirect("hotline:settings")
    return render(
        request,
        "hotline/settings.html",
        {
            "rules": LimitRule.objects.order_by("purpose", "category", "urgency"),
            "config": KpiConfig.get(),
            "purposes": LimitRule.Purpose.choices,
            "categories": WorkOrder.Category.choices,
            "urgencies": WorkOrder.Urgency.choices,
            "units": LimitRule._meta.get_field("unit").choices,
            "error": error,
            "posted": posted,
        },
        status=400 if error else 200,
    )
