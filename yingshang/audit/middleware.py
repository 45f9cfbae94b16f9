from django.conf import settings

from yingshang.audit.context import AuditContext, using


def client_ip(request) -> str | None:
    if settings.SECURE_PROXY_SSL_HEADER:  # behind a proxy we trust its X-Forwarded-For
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with using(AuditContext(ip=client_ip(request))):
            return self.get_response(request)
