from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "diaodu.mediation"
    label = "mediation"
    verbose_name = _("人民调解与公共法律服务")

    def ready(self) -> None:
        from diaodu.core import scoping

        from .models import (
            Adviser,
            Assignment,
            Committee,
            Dispute,
            FollowUp,
            LegalPlace,
            Liaison,
            Mediator,
            Party,
            Referral,
        )

        # A dispute is seen in the unit of the committee handling it and of the committee
        # that received it (a unit head also below); the district-wide roles see all, with
        # parties masked (policy.handles).
        paths = ("committee__unit", "received_by__unit")
        scoping.register(Dispute, scoping.ScopeRule(unit_paths=paths))
        for model in (Party, Referral, FollowUp):
            scoping.register(model, scoping.ScopeRule(
                unit_paths=tuple(f"dispute__{p}" for p in paths)))
        # Committees, mediators and the legal network are a public directory.
        for model in (Committee, Mediator, LegalPlace, Adviser, Assignment, Liaison):
            scoping.register(model, scoping.ScopeRule(public=True))
