"""Names as ledgers write them → units, streets, categories and leader accounts, and the
reconciliation step for the ones that match nothing.

A unit answers to its full name, 简称, code and saved aliases, each with or without the
district's prefix (中原区住房和城乡建设局 / 区住房和城乡建设局 / 住房和城乡建设局, 区住建局 /
住建局); a street also without 街道 or 办事处. A name matching nothing is remembered with the
rows using it and the closest known name, so the user is asked once per distinct name; the
answer is saved as an alias (NameAlias) and the same file goes straight through next time."""

from __future__ import annotations

import difflib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.imports import Line, name_key
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.roles import Role
from diaodu.projects.models import Category

from .models import AliasKind, NameAlias

# Which alias kind a ledger field's names are, and what the reconciliation lists them as.
FIELD_KINDS = {"responsible_unit": AliasKind.UNIT, "street": AliasKind.UNIT,
               "category": AliasKind.CATEGORY, "leader": AliasKind.LEADER}
ROWS_LISTED = 20  # rows named per unknown name; the count says how many more


def _variants(key: str, prefixes: tuple[str, ...], street: bool) -> list[str]:
    """The ways a unit's name is written: with or without the district prefix, a street with
    or without 街道."""
    out = [key]
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            bare = key[len(prefix):]
            out += [bare, f"区{bare}"]
    if not key.startswith(prefixes):
        out.append(f"区{key}")
    if street:
        out += [v.removesuffix("街道") for v in out if v.endswith("街道") and len(v) > 3]
    return out


class Names:
    """The directory a run looks names up in, loaded once; it also collects the unknown."""

    def __init__(self):
        district = OrgUnit.objects.filter(kind=UnitKind.DISTRICT).order_by("depth").first()
        prefixes = tuple(p for p in (name_key(district.name) if district else "", "区") if p)
        self.units: dict[str, OrgUnit] = {}
        self.categories: dict[str, Category] = {}
        self.leaders: dict[str, User] = {}
        # Saved aliases first: a name the user once chose wins over a derived variant.
        for alias in NameAlias.objects.select_related("unit", "category", "user"):
            table = {AliasKind.UNIT: self.units, AliasKind.CATEGORY: self.categories,
                     AliasKind.LEADER: self.leaders}[alias.kind]
            target = alias.target
            if getattr(target, "active", getattr(target, "is_active", True)):
                table.setdefault(alias.key, target)
        for unit in OrgUnit.objects.filter(active=True).order_by("depth", "path"):
            street = unit.kind == UnitKind.STREET
            for name in (unit.name, unit.short_name, unit.code):
                if name:
                    for key in _variants(name_key(name), prefixes, street):
                        self.units.setdefault(key, unit)
        for category in Category.objects.filter(active=True):
            self.categories.setdefault(name_key(category.name), category)
            self.categories.setdefault(name_key(category.code), category)
        for user in User.objects.filter(role=Role.LEADER, is_active=True):
            for name in (user.display_name, user.username):
                if name:
                    self.leaders.setdefault(name_key(name), user)
        self.unknown: dict[tuple[str, str], dict[str, Any]] = {}

    def _miss(self, field: str, text: str, line: Line | None, column: str = "") -> None:
        entry = self.unknown.setdefault((field, name_key(text)), {
            "field": field, "kind": str(FIELD_KINDS[field]), "text": str(text).strip(),
            "rows": [], "count": 0})
        entry["count"] += 1
        if line is not None and len(entry["rows"]) < ROWS_LISTED:
            entry["rows"].append(line.where(column))

    def unit(self, text: str, field: str = "responsible_unit", line: Line | None = None,
             column: str = "") -> OrgUnit | None:
        unit = self.units.get(name_key(text)) if text else None
        if unit is None and text:
            self._miss(field, text, line, column)
        return unit

    def category(self, text: str, line: Line | None = None,
                 column: str = "") -> Category | None:
        found = self.categories.get(name_key(text)) if text else None
        if found is None and text:
            self._miss("category", text, line, column)
        return found

    def category_names(self) -> str:
        return "、".join(sorted({c.name for c in self.categories.values()}))

    def leader(self, text: str, line: Line | None = None, column: str = "") -> User | None:
        found = self.leaders.get(name_key(text)) if text else None
        if found is None and text:
            self._miss("leader", text, line, column)
        return found

    def suggest(self, field: str, text: str) -> tuple[str, str]:
        """The closest known name of the field's kind: (value to choose, label)."""
        table = {"category": self.categories, "leader": self.leaders}.get(field, self.units)
        key = name_key(text)
        candidates = [k for k, v in table.items()
                      if field != "street" or getattr(v, "kind", "") == UnitKind.STREET]
        # A name inside the written one (住建局 in 区住建局办公室) beats spelling likeness.
        inside = sorted((k for k in candidates if len(k) >= 2 and (k in key or key in k)),
                        key=lambda k: -len(k))
        best = inside[:1] or difflib.get_close_matches(key, candidates, n=1, cutoff=0.5)
        if not best:
            return "", ""
        target = table[best[0]]
        return choice_value(target), str(target)

    def report(self) -> list[dict[str, Any]]:
        """The unknown names, once each, with their rows and a suggestion."""
        out = []
        for (field, _key), entry in sorted(self.unknown.items()):
            value, label = self.suggest(field, entry["text"])
            out.append({**entry, "suggestion": value, "suggestion_label": label})
        return out


def choice_value(target) -> str:
    """How a reconciliation answer names its target: unit:<code>, category:<code>,
    leader:<username>."""
    if isinstance(target, OrgUnit):
        return f"unit:{target.code}"
    if isinstance(target, Category):
        return f"category:{target.code}"
    return f"leader:{target.username}"


def resolve_choice(kind: str, value: str):
    """The unit (code), category (code or name) or leader (username) an answer names; None
    when it names nothing of that kind."""
    value = value.split(":", 1)[-1].strip()
    if kind == AliasKind.UNIT:
        return OrgUnit.objects.filter(code=value, active=True).first()
    if kind == AliasKind.CATEGORY:
        return (Category.objects.filter(code=value, active=True).first()
                or Category.objects.filter(name=value, active=True).first())
    return User.objects.filter(username=value, role=Role.LEADER, is_active=True).first()


def name_alias_save(*, actor: User | None, kind: str, name: str, target) -> NameAlias:
    """Save `name` as another name of `target`. A name already meaning something else is
    refused (one name, one meaning); the same answer twice changes nothing."""
    key = name_key(name)[:100]
    if not key:
        raise UserError("alias.name_required", _("请填写别名。"), "name")
    field = {AliasKind.UNIT: "unit", AliasKind.CATEGORY: "category",
             AliasKind.LEADER: "user"}[kind]
    with transaction.atomic():
        existing = NameAlias.objects.select_for_update().filter(kind=kind, key=key).first()
        if existing is not None:
            if getattr(existing, f"{field}_id") == target.pk:
                return existing
            raise UserError("alias.taken", _("“%(n)s”已是“%(t)s”的别名，同一写法只能对应一个对象。")
                            % {"n": name, "t": existing.target}, "name")
        try:
            with transaction.atomic():
                alias = NameAlias.objects.create(kind=kind, name=name.strip()[:100], key=key,
                                                 created_by=actor, **{field: target})
        except IntegrityError:
            raise UserError("alias.taken", _("“%(n)s”已被用作别名。") % {"n": name},
                            "name") from None
        audit.record(actor, "name_alias.create", alias,
                     {"kind": kind, "name": alias.name, "target": str(target)})
    return alias


def name_alias_delete(*, actor: User | None, alias: NameAlias) -> None:
    """Remove an alias: the name is asked for again at the next import."""
    with transaction.atomic():
        audit.record(actor, "name_alias.delete", alias,
                     {"kind": alias.kind, "name": alias.name, "target": str(alias.target)})
        alias.delete()
