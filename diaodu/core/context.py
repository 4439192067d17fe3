"""Per-request facts (IP, request id) that audit records carry, without passing requests
through services."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    request_id: str = ""


NO_REQUEST = RequestInfo()
# None outside a request (commands, tasks): audit records then carry no IP or request id.
current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)
