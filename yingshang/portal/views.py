from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.portal.county import chooser


def _url(name: str, default: str = "") -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return default


def home(request):
    units = (
        scope.visible_to(request.user, Unit)
        .filter(is_active=True, kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.CENTRE])
        .exclude(responsible_name="")[:6]
    )
    tiles = [
        {"label": _("办事指南"), "icon": "journal-text", "url": _url("catalog:guide_list", "#")},
        {"label": _("办件查询"), "icon": "search", "url": _url("cases:lookup", "#")},
        {"label": _("我要反映"), "icon": "telephone", "url": _url("hotline:portal_submit", "#")},
        {"label": _("好差评公示"), "icon": "hand-thumbs-up", "url": _url("ratings:public", "#")},
    ]
    return render(
        request,
        "portal/home.html",
        {
            "units": units,
            "tiles": tiles,
            "search_url": _url("catalog:guide_list", "/"),
            "chooser": chooser(request),
        },
    )


def units(request):
    rows = (
        scope.visible_to(request.user, Unit)
        .filter(is_active=True)
        .exclude(kind=Unit.Kind.SECTION)
        .exclude(kind=Unit.Kind.VILLAGE)
    )
    return render(request, "portal/units.html", {"units": rows})


def _error(request, status: int, title: str, message: str):
    return render(
        request,
        "portal/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def error_403(request, exception=None):
    return _error(
        request, 403, _("无权访问"), _("您没有执行此操作的权限。如有疑问，请联系系统管理员。")
    )


def error_404(request, exception=None):
    return _error(request, 404, _("页面不存在"), _("您访问的页面不存在，或者您无权查看。"))


def error_500(request):
    # No context processors or database here: the error may be the database itself.
    html = loader.get_template("500.html").render({})
    return HttpResponseServerError(html)
