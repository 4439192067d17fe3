"""The bulk write path of the ledger import (projects.services.project_create_many /
project_update_many, audit.record_many) leaves the same projects, field history and audit
rows as the per-row services, keeps the audit chain valid and refuses exactly what they
refuse."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from diaodu.core import audit, audit_seal
from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from diaodu.projects import services as project_services
from diaodu.projects.imports import ProjectPlanner
from diaodu.projects.models import Project

from .conftest import project_ledger, run

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def rows_for(categories, street_a, street_b, n=4, prefix="2203-410102-04-01-1234"):
    return [{"code": f"{prefix}{i:0{23 - len(prefix)}d}X" if i % 2 == 0 else None,
             "name": f"项目{i}", "level": "province" if i % 2 else "district",
             "category": categories[i % 2], "responsible_unit": street_a if i % 3 else street_b,
             "street": street_a, "total_investment": Decimal("1234.50") + i,
             "scope": "  老旧小区改造 ", "planned_start": date(2022, 3, 1),
             "on_whitelist": bool(i % 2), "whitelisted_on": date(2022, 1, 5) if i % 2 else None}
            for i in range(n)]


def written(since_id: int) -> dict:
    """Projects, their history and the audit rows after `since_id`, without the values that
    differ by nature between two runs (keys, timestamps, hashes)."""
    names = dict(Project.objects.values_list("pk", "name"))
    projects = sorted((
        tuple(sorted((k, v) for k, v in row.items()
                     if k not in ("id", "created_at", "updated_at")))
        for row in Project.objects.values()), key=str)
    history = sorted((
        (names[h["id"]], h["history_type"], h["history_user_id"], h["history_change_reason"],
         h["version"], h["total_investment"], h["code"], h["stage"], h["name"])
        for h in Project.history.values()), key=str)
    events = [(e["action"], names.get(int(e["object_id"])) if e["object_id"] else "",
               e["object_repr"], e["actor_id"], e["unit_id"],
               {k: v for k, v in e["changes"].items()})
              for e in AuditEvent.objects.filter(id__gt=since_id, object_type="projects.project")
              .order_by("id").values()]
    return {"projects": projects, "history": history, "events": sorted(events, key=str)}


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def in_rollback(work) -> dict:
    """What `work` writes, then undone, so both paths start from the same database."""
    start = last_event_id()
    try:
        with transaction.atomic():
            work()
            result = written(start)
            raise Rollback
    except Rollback:
        return result


def test_bulk_create_writes_what_project_create_writes(dispatcher, categories, street_a,
                                                       street_b):
    rows = rows_for(categories, street_a, street_b)
    per_row = in_rollback(lambda: [project_services.project_create(actor=dispatcher, **r)
                                   for r in rows])
    bulk = in_rollback(lambda: project_services.project_create_many(actor=dispatcher,
                                                                    rows=rows))
    assert len(per_row["projects"]) == 4 and len(per_row["events"]) == 4
    assert bulk == per_row


def test_bulk_update_writes_what_project_update_writes(dispatcher, categories, street_a,
                                                       street_b):
    created = project_services.project_create_many(
        actor=dispatcher, rows=rows_for(categories, street_a, street_b))
    changes = [{"total_investment": Decimal("99.99"), "street": street_b},
               {"name": "改名项目", "code": "2203-410102-04-01-99999X"},
               {"scope": "  老旧小区改造 ", "level": "district"},  # as stored: nothing written
               {"level": "city", "category": categories[0]}]

    def per_row():
        for project, change in zip(created, changes, strict=True):
            project_services.project_update(actor=dispatcher, project=project,
                                            expected_version=project.version, **change)

    def bulk():
        project_services.project_update_many(
            actor=dispatcher, items=[(p, p.version, c) for p, c in zip(created, changes,
                                                                       strict=True)])

    expected = in_rollback(per_row)
    assert len(expected["events"]) == 3  # the unchanged one wrote nothing
    assert in_rollback(bulk) == expected


def test_bulk_rows_are_refused_like_the_per_row_services(dispatcher, categories, street_a,
                                                         street_b):
    rows = rows_for(categories, street_a, street_b)
    rows[1]["code"] = rows[0]["code"]                # the same code twice in one file
    rows[2]["whitelisted_on"], rows[2]["on_whitelist"] = None, True
    rows[3]["total_investment"] = "12.345"
    expected = {}

    def per_row():
        for index, row in enumerate(rows):
            try:
                with transaction.atomic():
                    project_services.project_create(actor=dispatcher, **row)
            except UserError as problem:
                expected[index] = problem.code

    in_rollback(per_row)
    assert expected == {1: "project.code_duplicate", 2: "project.whitelist_date_required",
                        3: "money.precision"}
    before = AuditEvent.objects.count()
    with pytest.raises(project_services.RowErrors) as refused:
        project_services.project_create_many(actor=dispatcher, rows=rows)
    assert {i: e.code for i, e in refused.value.errors.items()} == expected
    assert Project.objects.count() == 0 and AuditEvent.objects.count() == before


def test_bulk_update_checks_versions_and_permission(dispatcher, street_a_reporter, categories,
                                                    street_a, street_b):
    project = project_services.project_create_many(
        actor=dispatcher, rows=rows_for(categories, street_a, street_b, n=1))[0]
    project_services.project_update(actor=dispatcher, project=project,
                                    expected_version=1, name="别人改过")
    with pytest.raises(project_services.RowErrors) as refused:
        project_services.project_update_many(actor=dispatcher,
                                             items=[(project, 1, {"name": "迟到的修改"})])
    assert refused.value.errors[0].code == "project.version_conflict"
    with pytest.raises(UserError, match="调度员"):
        project_services.project_update_many(actor=street_a_reporter,
                                             items=[(project, 2, {"name": "越权"})])
    assert Project.objects.get().name == "别人改过"


def test_bulk_create_queries_do_not_grow_with_rows(dispatcher, categories, street_a,
                                                   street_b):
    # An empty audit log first looks for an archive checkpoint to continue from: one more
    # query the first time only. Start from a log with an event in it.
    audit.record(dispatcher, "test.start", None)
    counts = []
    for n, prefix in ((5, "2203-410102-04-01-1111"), (50, "2203-410102-04-01-22")):
        with CaptureQueriesContext(connection) as queries:
            project_services.project_create_many(
                actor=dispatcher, rows=rows_for(categories, street_a, street_b, n=n,
                                                prefix=prefix))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts


def test_audit_batch_chains_like_single_records(dispatcher, project_a, capsys):
    audit.record(dispatcher, "test.single", project_a, {"n": 0})
    audit.record_many(dispatcher, [("test.batch", project_a, {"n": n}) for n in range(1, 2500)])
    audit.record(dispatcher, "test.single", project_a, {"n": 2500})
    assert audit_seal.seal() >= 2501  # more than one sealing batch
    rows = list(AuditEvent.objects.filter(action__in=["test.single", "test.batch"])
                .order_by("seq").values("seq", "changes", "prev_hash", "hash"))
    assert [row["changes"]["n"] for row in rows] == list(range(2501))
    assert [row["seq"] for row in rows] == list(range(rows[0]["seq"], rows[0]["seq"] + 2501))
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(rows))
    call_command("audit_verify")
    assert "audit chain OK" in capsys.readouterr().out


def test_import_in_small_batches_matches_row_by_row(dispatcher, categories, street_a,
                                                    street_b, monkeypatch, capsys):
    """Batches of 3 over a file that names the same project twice: the later row must see
    what the earlier did (the batch is written first), exactly as one row at a time."""
    rows = [["2203-410102-04-01-12345X", "林山寨城市更新项目", "省重点", "城市更新",
             "林山寨街道", "林山寨", 1.5, "老旧小区改造", "2022.3"],
            [None, "须水产业园", "市级", "产业项目", "须水街道办事处", "须水街道", "0.25", "",
             "2022年4月"],
            ["2203-410102-04-01-12345X", "林山寨城市更新项目", "省重点", "城市更新",
             "林山寨街道", "林山寨", 2, "老旧小区改造（二期）", "2022.3"],
            [None, "第三个项目", "区重点", "产业项目", "林山寨街道", "林山寨", 3, "", ""]]
    data = project_ledger(rows)

    def imported(batch):
        monkeypatch.setattr(ProjectPlanner, "batch", batch)
        job = run(dispatcher, "projects", data)
        assert job.status == "done", job.rows
        return job.summary["create"], job.summary["update"]

    expected = in_rollback(lambda: imported(1))
    assert in_rollback(lambda: imported(3)) == expected
    assert imported(3) == (3, 1)
    assert Project.objects.get(code="2203-410102-04-01-12345X").total_investment == 20000
    call_command("audit_verify")
    assert "audit chain OK" in capsys.readouterr().out


def test_refused_row_in_a_batch_leaves_nothing(dispatcher, categories, street_a, street_b):
    rows = [["2203-410102-04-01-12345X", "甲项目", "省重点", "城市更新", "林山寨街道", "林山寨",
             1, "", "2022.3"],
            ["2203-410102-04-01-12345X", "乙项目", "省重点", "城市更新", "须水街道", "林山寨",
             1, "", "2022.13.40"]]
    job = run(dispatcher, "projects", project_ledger(rows))
    assert job.status == "failed" and job.summary["error"] == 1
    assert Project.objects.count() == 0
