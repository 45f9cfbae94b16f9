from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from yingshang.org.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    return redirect("portal:home")


def register(request):
    """Applicant self-registration: a person with a validated ID number, or a firm with a
    validated USCC."""
    from django.contrib import messages
    from django.contrib.auth import login
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    from yingshang.errors import DomainError
    from yingshang.org import services
    from yingshang.org.forms import FirmRegisterForm, PersonRegisterForm

    kind = request.POST.get("kind") or request.GET.get("kind") or "person"
    person_form = PersonRegisterForm(
        request.POST if request.method == "POST" and kind == "person" else None, prefix="p"
    )
    firm_form = FirmRegisterForm(
        request.POST if request.method == "POST" and kind == "firm" else None, prefix="f"
    )
    form = person_form if kind == "person" else firm_form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "person":
                user = services.user_create(
                    actor=None,
                    username=data["mobile"],
                    password=data["password"],
                    real_name=data["real_name"],
                    kind="person",
                    mobile=data["mobile"],
                    id_number=data["id_number"],
                )
            else:
                user = services.applicant_register_firm(
                    uscc=data["uscc"],
                    firm_name=data["firm_name"],
                    contact_name=data["contact_name"],
                    mobile=data["mobile"],
                    password=data["password"],
                )
        except DomainError as exc:
            field: str = exc.details.get("field") or ""
            prefix = {"username": "mobile"}.get(field, field)
            if prefix and prefix in form.fields:
                form.add_error(prefix, exc.message)
            elif field == "password":
                form.add_error("password", exc.message)
            else:
                form.add_error(None, exc.message)
        else:
            login(request, user, backend="yingshang.org.auth.UsernameOrMobileBackend")
            messages.success(request, _("注册成功，欢迎使用营商通"))
            return redirect("workbench:home")
    return render(
        request,
        "registration/register.html",
        {"person_form": person_form, "firm_form": firm_form, "kind": kind},
    )
