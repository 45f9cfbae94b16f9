"""View decorators for the workbench. They decide only "may this person use this page at
all"; what they see on it comes from org.scope, what they may do from abilities."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from yingshang.org.scope import grants


def _unwrap_user(request) -> None:
    """Once the user is known, hand views and templates the user itself rather than the lazy
    proxy AuthenticationMiddleware installs (every attribute read through the proxy costs a
    few microseconds, and a page reads it over a hundred times). login() does the same."""
    request.user = getattr(request.user, "_wrapped", request.user)


def staff_required(*roles: str):
    """Logged-in staff holding any of `roles` (any role at all if none given)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            _unwrap_user(request)
            g = grants(request.user)
            if roles and not g.has(*roles):
                raise PermissionDenied
            if not roles and not g.roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def login_required_view(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _unwrap_user(request)
        return view(request, *args, **kwargs)

    return wrapper
