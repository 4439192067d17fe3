"""Tests run inside a transaction that never commits, so no commit nudges the sealer: tests
that look at events' places in the chain seal them explicitly, as the sealer would."""

from diaodu.core import audit_seal


def sealed(events):
    """Seal everything committed-so-far in this transaction; `events` re-read with their
    places (a list, or one event)."""
    audit_seal.seal()
    for event in events if isinstance(events, list) else [events]:
        event.refresh_from_db()
    return events
