"""Writes of the operations centres (DESIGN §4): events and their steps (`events`), the
working-hours sweep (`sweep`), settings and categories (`settings`), the streets' ranking
(`ranking`). Callers use the names below."""

from .events import (
    event_accept,
    event_close,
    event_dispatch,
    event_evaluate,
    event_handle,
    event_reject,
    event_report,
    event_report_city,
    event_verify,
    street_of,
)
from .ranking import ranking_compute, scheme_active, scheme_create
from .settings import (
    categories_ensure,
    category_save,
    settings_get,
    settings_update,
    working_hours,
)
from .sweep import events_sweep

__all__ = [
    "categories_ensure", "category_save", "event_accept", "event_close", "event_dispatch",
    "event_evaluate", "event_handle", "event_reject", "event_report", "event_report_city",
    "event_verify", "events_sweep", "ranking_compute", "scheme_active", "scheme_create",
    "settings_get", "settings_update", "street_of", "working_hours",
]
