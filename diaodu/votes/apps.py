from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "diaodu.votes"
    label = "votes"
    verbose_name = _("民主评议投票")

    def ready(self) -> None:
        from diaodu.core import scoping

        from .models import Ballot, Candidate, Poll, Voter

        # A poll is seen in its unit (a unit head also below; the district-wide roles all);
        # its voters see it too (selectors add them).
        scoping.register(Poll, scoping.ScopeRule(unit_paths=("unit",)))
        scoping.register(Candidate, scoping.ScopeRule(unit_paths=("poll__unit",)))
        # The roll and the ballots are read only as counts and tallies, never row by row.
        scoping.register(Voter, scoping.ScopeRule(readers=frozenset()))
        scoping.register(Ballot, scoping.ScopeRule(readers=frozenset()))
