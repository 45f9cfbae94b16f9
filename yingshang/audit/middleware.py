from yingshang.apiaccess.ratelimit import request_ip
from yingshang.audit.context import AuditContext, using


def client_ip(request) -> str | None:
    ip = request_ip(request)
    return None if ip == "unknown" else ip


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with using(AuditContext(ip=client_ip(request))):
            return self.get_response(request)
