"""A person holding a password the administrator issued changes it before anything else.

The flag is put in the session at login (useradmin.apps: user_logged_in), so this costs no
query per request; it is cleared when the password is changed."""

from django.shortcuts import redirect

SESSION_KEY = "useradmin_must_change_password"
# what stays reachable: the change page itself, logging out, static files, the language switch
ALLOWED_PREFIXES = ("/staff/password/", "/logout/", "/static/", "/i18n/", "/favicon")


class MustChangePasswordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(SESSION_KEY)
            and request.method == "GET"
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")
        ):
            return redirect("useradmin:password_change")
        return self.get_response(request)


def on_login(sender, request, user, **kwargs) -> None:
    from yingshang.useradmin.services import must_change_password

    if request is not None and hasattr(request, "session") and must_change_password(user):
        request.session[SESSION_KEY] = True
