import uuid

from django.utils.cache import add_never_cache_headers

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


# Integer query parameters our pages read by hand, and the values each may take. A value
# outside (text, a 30-digit number, a negative id) is dropped before the view runs, so every
# page falls back to its default the same way, instead of each view catching ValueError —
# and forgetting OverflowError (`date(10**20, 1, 1)`, an id too big for the database).
MAX_ID = 2**31 - 1
INTEGER_PARAMS = {
    "year": (1900, 9999), "month": (1, 12), "quarter": (1, 4),
    "round": (1, MAX_ID), "project": (1, MAX_ID), "baseline": (1, MAX_ID),
    "activity": (1, MAX_ID), "page": (1, 10**6),
}


def _in_range(value: str, low: int, high: int) -> bool:
    value = value.strip()
    return value.isascii() and value.isdigit() and len(value) <= 10 and low <= int(value) <= high


class QueryParamsMiddleware:
    """Drop out-of-range values of the documented integer query parameters of the pages. The
    API validates its own parameters (400) and the admin its own, so both are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET and not request.path.startswith(("/api/", "/admin/")):
            bad = [name for name, (low, high) in INTEGER_PARAMS.items()
                   if name in request.GET and not all(
                       _in_range(v, low, high) for v in request.GET.getlist(name) if v != "")]
            if bad:
                query = request.GET.copy()
                for name in bad:
                    del query[name]
                query._mutable = False
                request.GET = query
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page of a signed-in user, every API answer and every
    download: a shared or back-button cache must not keep another street's figures, an export
    or an audit log on a shared office computer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/") \
                or "attachment" in response.get("Content-Disposition", ""):
            add_never_cache_headers(response)
        return response
