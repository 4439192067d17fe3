import uuid

from .context import RequestInfo, current_request


class RequestContextMiddleware:
    """Gives each request an id (X-Request-ID if the proxy set one) and remembers the client IP
    for audit records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        token = current_request.set(
            RequestInfo(ip=request.META.get("REMOTE_ADDR") or None, request_id=request_id[:64])
        )
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id[:64]
        return response
