from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control

from yingshang.api import unknown_path
from yingshang.api import urls as api_urls
from yingshang.org import views as org_views


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; not permanent, since the static
    file's name carries its hash."""
    return HttpResponseRedirect(static("yingshang/favicon.ico"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("api/v1/", api_urls()),
    # any other path under the API answers in the API's error format, not with an HTML page
    re_path(r"^api/v1/", unknown_path),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", org_views.LoginView.as_view(), name="login"),
    path("logout/", org_views.logout_view, name="logout"),
    path("register/", org_views.register, name="register"),
    # the portal owns the root: its two paths ("" and "units/") are tried before the apps' ("/"
    # was resolved after walking every app's patterns: 90 µs of a 1.6 ms portal home)
    path("", include("yingshang.portal.urls")),
]

# Each app with a urls.py is mounted at the prefix it declares (URL_PREFIX, default "<label>/");
# the staff home's app first, so "/staff/" does not walk every other app's patterns before it
# (100 → ~20 µs; their paths never overlap: yingshang/tests/test_urls.py)
_configs = sorted(apps.get_app_configs(), key=lambda config: config.label != "workbench")
for _config in _configs:
    if not _config.name.startswith("yingshang.") or _config.label in ("portal",):
        continue
    _module_name = f"{_config.name}.urls"
    if find_spec(_module_name) is None:
        continue
    _module = import_module(_module_name)
    urlpatterns.append(
        path(getattr(_module, "URL_PREFIX", f"{_config.label}/"), include(_module_name))
    )

handler403 = "yingshang.portal.views.error_403"
handler404 = "yingshang.portal.views.error_404"
handler500 = "yingshang.portal.views.error_500"
