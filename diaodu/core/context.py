"""Per-request facts (IP, request id) that audit records carry, without passing requests
through services."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    request_id: str = ""


current_request: ContextVar[RequestInfo] = ContextVar("current_request", default=RequestInfo())
