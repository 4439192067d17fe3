"""Demo section: the default warning rules (version 1) and scoring scheme, the warnings they
raise on the demo's projects, and the ranking of the last locked month (and the month before).
Idempotent: a second run finds version 1 of both and changes nothing."""


from diaodu.core import clock
from diaodu.dashboard import services
from diaodu.dashboard.models import ScoringScheme, WarningRuleSet


def load() -> bool:
    if WarningRuleSet.objects.exists() and ScoringScheme.objects.exists():
        return False
    services.rule_set_active()
    services.scheme_active()
    services.dashboard_refresh(today=clock.today())
    return True
