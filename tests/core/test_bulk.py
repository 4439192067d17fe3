"""core/bulk.py writes what the ORM would have written: every kind of value the bulk services
send (text with quotes and commas, Decimal, dates, JSON, NULL, booleans, foreign keys),
primary keys returned in row order, across batch boundaries — on SQLite (multi-row VALUES)
and on PostgreSQL (one array per column)."""

from datetime import date
from decimal import Decimal

import pytest

from diaodu.core import bulk
from diaodu.core.models import AuditEvent
from diaodu.projects.models import Category, Project

pytestmark = pytest.mark.django_db

AWKWARD = ['含"引号"，和逗号, {brace}', "末尾反斜杠\\", "", "NULL", "'单引号'"]


def test_insert_returns_keys_in_row_order_and_stores_every_value(street_a, monkeypatch):
    monkeypatch.setattr(bulk, "UNNEST_BATCH", 3)  # several statements on PostgreSQL
    category = Category.objects.create(code="bulk", name="批量")
    projects = [Project(name=f"{AWKWARD[i % len(AWKWARD)]}-{i}", level="district",
                        category=category, stage="preparation", responsible_unit=street_a,
                        total_investment=Decimal("1234.56") + i,
                        planned_start=date(2023, 3, 1 + i) if i % 2 else None)
                for i in range(7)]
    bulk.insert(projects, returning_pk=True)
    stored = {p.pk: p for p in Project.objects.filter(category=category)}
    assert len(stored) == 7
    for i, project in enumerate(projects):  # each object got its own row's key
        row = stored[project.pk]
        assert row.name == f"{AWKWARD[i % len(AWKWARD)]}-{i}"
        assert row.total_investment == Decimal("1234.56") + i
        assert row.planned_start == (date(2023, 3, 1 + i) if i % 2 else None)
        assert row.responsible_unit_id == street_a.pk


def test_json_is_stored_as_json_not_as_text(district):
    before = AuditEvent.objects.count()
    changes = [{"名称": ["旧", 'new "quoted"'], "金额": ["1.00", "2.50"], "空": None},
               {"list": [1, 2, {"深": True}]}, {}]
    bulk.insert([AuditEvent(action="bulk.test", object_type="core.orgunit",
                            object_id=str(district.pk), object_repr="中原区", changes=change,
                            actor_name="system") for change in changes])
    stored = list(AuditEvent.objects.filter(action="bulk.test").order_by("id"))
    assert AuditEvent.objects.count() == before + 3
    assert [event.changes for event in stored] == changes
    assert AuditEvent.objects.filter(action="bulk.test", changes__list__2__深=True).count() == 1
