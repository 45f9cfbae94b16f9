from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from yingshang.org.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Staff start at the workbench; applicants (people and firms) at their own portal
        pages, never at the staff shell."""
        from django.urls import reverse

        from yingshang.org.models import User

        user = self.request.user
        if isinstance(user, User) and user.kind != User.Kind.STAFF:
            return reverse("cases:my_cases")
        return super().get_default_redirect_url()


@require_POST
def logout_view(request):
    logout(request)
    return redirect("portal:home")


# a mobile or ID number already registered is answered like a new registration
ALREADY_REGISTERED = frozenset({"USERNAME_TAKEN", "MOBILE_TAKEN", "ID_NUMBER_TAKEN"})


def REGISTERED_MESSAGE() -> str:
    from django.utils.translation import gettext as _

    return _("注册已提交。请用手机号码和密码登录；如该手机号码此前已注册，请直接登录或找回密码。")


def register(request):
    """Applicant self-registration: a person with a validated ID number, or a firm with a
    validated USCC."""
    from django.contrib import messages
    from django.shortcuts import render

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
                services.user_create(
                    actor=None,
                    username=data["mobile"],
                    password=data["password"],
                    real_name=data["real_name"],
                    kind="person",
                    mobile=data["mobile"],
                    id_number=data["id_number"],
                )
            else:
                services.applicant_register_firm(
                    uscc=data["uscc"],
                    firm_name=data["firm_name"],
                    contact_name=data["contact_name"],
                    mobile=data["mobile"],
                    password=data["password"],
                )
        except DomainError as exc:
            if exc.code in ALREADY_REGISTERED:
                # the same answer as a new account: whether a mobile or ID number is registered
                # is nobody's business but its owner's (who logs in or resets the password)
                messages.success(request, REGISTERED_MESSAGE())
                return redirect("login")
            field: str = exc.details.get("field") or ""
            prefix = {"username": "mobile"}.get(field, field)
            if prefix and prefix in form.fields:
                form.add_error(prefix, exc.message)
            elif field == "password":
                form.add_error("password", exc.message)
            else:
                form.add_error(None, exc.message)
        else:
            messages.success(request, REGISTERED_MESSAGE())
            return redirect("login")
    return render(
        request,
        "registration/register.html",
        {"person_form": person_form, "firm_form": firm_form, "kind": kind},
    )
