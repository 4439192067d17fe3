"""Demo section: the default warning rules (version 1) and scoring scheme, the warnings they
raise on the demo's projects, and the ranking of the last locked month (and the month before).

The warnings are not all raised on the demo day: the nightly job is replayed for every day of
REPLAY_DAYS before it, each on the records as they stood that evening (facts.py, `replay`), so
a warning is dated the day the job would have raised it, and some were raised and cleared along
the way (a project that started, a case closed, a month's figures that caught up). The demo day
itself is the ordinary nightly run. Idempotent: a second run finds version 1 of both and
changes nothing."""

from datetime import timedelta

from diaodu.core import clock
from diaodu.dashboard import services
from diaodu.dashboard.models import ScoringScheme, WarningRuleSet

# From the first of January: the year's own figures (January's, from 1 February) and the
# March round's deadline all fall inside it.
REPLAY_DAYS = 89


def load() -> bool:
    if WarningRuleSet.objects.exists() and ScoringScheme.objects.exists():
        return False
    services.rule_set_active()
    services.scheme_active()
    today = clock.today()
    for back in range(REPLAY_DAYS, 0, -1):
        day = today - timedelta(days=back)
        with clock.as_of(day):
            services.warnings_evaluate(today=day, replay=True)
    services.dashboard_refresh(today=today)
    return True
