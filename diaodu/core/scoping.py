"""scope_for(user, Model): the one place that decides which rows a user may see.

Every selector and every admin queryset starts here. A model must be registered, so a new
model cannot be shown to users by accident without a rule.
"""

from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet

from .roles import PROJECT_REACH, Reach


@dataclass(frozen=True)
class ScopeRule:
    # Lookups from the model to the OrgUnit foreign keys that place a row in the tree.
    unit_paths: tuple[str, ...] = ()
    # Lookup from the model to TaskForce, for the taskforce role ("" = the model is TaskForce).
    taskforce_path: str | None = None
    # Set for models outside the unit tree: the roles that see every row (others see none).
    readers: frozenset[str] | None = None
    # Reference data (units, categories, campaigns): every signed-in role sees all rows.
    public: bool = False


_RULES: dict[type[Model], ScopeRule] = {}


def register(model: type[Model], rule: ScopeRule) -> None:
    _RULES[model] = rule


def rule_for(model: type[Model]) -> ScopeRule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no scope rule in core.scoping") from None


def scope_for(user, model: type[Model]) -> QuerySet:
    """The queryset of `model` that `user` may see."""
    rule = rule_for(model)
    manager = model._default_manager
    if not (user and user.is_authenticated and user.is_active and user.role):
        return manager.none()
    if rule.public:
        return manager.all()
    if rule.readers is not None:
        return manager.all() if user.role in rule.readers else manager.none()

    reach = PROJECT_REACH.get(user.role, Reach.NONE)
    if reach == Reach.ALL:
        return manager.all()
    if reach == Reach.TASKFORCE and rule.taskforce_path is not None:
        # A subquery instead of a join, so a project in two of the user's task forces is
        # listed once without DISTINCT.
        lookup = f"{rule.taskforce_path}__members" if rule.taskforce_path else "members"
        visible = manager.filter(**{lookup: user}).values("pk")
        return manager.filter(pk__in=visible)
    if reach in (Reach.UNIT, Reach.SUBTREE) and user.unit_id and rule.unit_paths:
        condition = Q()
        for path in rule.unit_paths:
            if reach == Reach.UNIT:
                condition |= Q(**{path: user.unit_id})
            else:
                condition |= Q(**{f"{path}__path__startswith": user.unit.path})
        return manager.filter(condition)
    return manager.none()


def may_see(user, model: type[Model]) -> bool:
    """Whether `user`'s role gives any view of `model` (no query; for menus and admin)."""
    rule = rule_for(model)
    if not (user and user.is_authenticated and user.is_active and user.role):
        return False
    if rule.public:
        return True
    if rule.readers is not None:
        return user.role in rule.readers
    reach = PROJECT_REACH.get(user.role, Reach.NONE)
    if reach == Reach.TASKFORCE:
        return rule.taskforce_path is not None
    return reach != Reach.NONE and bool(rule.unit_paths or reach == Reach.ALL)
