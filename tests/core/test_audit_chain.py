"""Tamper-evident audit: append-only triggers, the hash chain and `audit_verify`, sign-in
events, and the auditor's viewer with its export."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from diaodu.core import audit, audit_chain, audit_seal
from diaodu.core.models import AuditEvent

from .sealing import sealed

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_events(dispatcher, project_a):
    return sealed([audit.record(dispatcher, f"test.event{n}", project_a,
                                {"n": n, "amount": "1.10"}) for n in range(3)])


def verify(*args):
    call_command("audit_verify", *args)


def test_events_form_a_chain_that_verifies(three_events, capsys):
    first, second, third = three_events
    assert second.seq == first.seq + 1 and second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    verify()
    assert "audit chain OK" in capsys.readouterr().out


@pytest.mark.parametrize("sql", [
    "UPDATE core_auditevent SET action = 'x'",
    "DELETE FROM core_auditevent",
])
def test_database_refuses_update_and_delete(three_events, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.filter(action__startswith="test.event").count() == 3


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_database_refuses_truncate(three_events):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent")


@pytest.fixture
def without_triggers():
    """What an intruder with database access would do first."""
    audit_chain.drop_triggers(connection)
    yield
    audit_chain.create_triggers(connection)


def test_verify_detects_an_altered_amount(three_events, without_triggers):
    second = three_events[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET changes = %s WHERE id = %s",
                       ['{"n": 1, "amount": "9999.10"}', second.pk])
    with pytest.raises(CommandError, match="BROKEN"):
        verify()


def test_verify_names_the_altered_row(three_events, without_triggers, capsys):
    second = three_events[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_name = 'someone else' WHERE id = %s",
                       [second.pk])
    with pytest.raises(CommandError):
        verify()
    assert f"seq {second.seq}: content does not match" in capsys.readouterr().err


def test_verify_detects_a_deleted_row(three_events, without_triggers, capsys):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [three_events[1].pk])
    with pytest.raises(CommandError):
        verify()
    assert "missing (deleted rows)" in capsys.readouterr().err


def test_verify_with_the_recorded_head_detects_a_cut_tail(three_events, without_triggers):
    head = three_events[-1].hash
    verify("--head", head)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [three_events[-1].pk])
    verify()  # the chain alone cannot see a cut tail …
    with pytest.raises(CommandError):  # … the head kept with the backup can
        verify("--head", head)


def test_a_rehashed_forgery_still_breaks_at_the_next_row(three_events, without_triggers):
    """Recomputing the altered row's own hash is not enough: the next row points at the old."""
    second = three_events[1]
    values = {f: getattr(second, f) for f in audit_chain.FIELDS if f != "hash"}
    values["changes"] = {"n": 1, "amount": "0.00"}
    forged = audit_chain.digest(values)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET changes = %s, hash = %s WHERE id = %s",
                       ['{"n": 1, "amount": "0.00"}', forged, second.pk])
    with pytest.raises(CommandError):
        verify()


def test_flush_is_refused_outside_the_tests(settings):
    settings.AUDIT_FLUSH_ALLOWED = False
    with pytest.raises(CommandError, match="append-only"):
        call_command("flush", interactive=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_concurrent_writers_keep_one_chain(dispatcher, project_a):
    """Writers in parallel transactions, each nudging the sealer after its commit, end in one
    chain holding every event once."""
    errors = []

    def write(n):
        from django.db import connection as thread_connection
        try:
            for i in range(15):
                with transaction.atomic():
                    audit.record(dispatcher, "test.parallel", project_a, {"w": n, "i": i})
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="test.parallel").count() == 60
    audit_seal.seal()
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    verify()


# ---------------------------------------------------------------- sign-in events

def test_login_logout_and_failures_are_recorded(client, street_a_reporter):
    street_a_reporter.set_password("correct-horse-9")
    street_a_reporter.save()
    login = reverse("admin:login")
    client.post(login, {"username": "street_a_reporter", "password": "wrong"})
    client.post(login, {"username": "street_a_reporter", "password": "correct-horse-9"})
    client.post(reverse("admin:logout"))
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == ["auth.login_failed", "auth.login", "auth.logout"]
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.changes == {"username": "street_a_reporter"}
    assert "wrong" not in str(failed.changes)
    verify()


# ---------------------------------------------------------------- the auditor's viewer

def test_auditor_queries_are_recorded(client, auditor, three_events):
    client.force_login(auditor)
    url = reverse("admin:core_auditevent_changelist")
    assert client.get(url, {"action": "test.event1"}).status_code == 200
    query = AuditEvent.objects.filter(action="audit.query").latest("seq")
    assert query.actor == auditor and query.changes["query"] == {"action": "test.event1"}


def test_export_is_filtered_neutralised_and_recorded(client, auditor, dispatcher, project_a):
    audit.record(dispatcher, "test.formula", project_a, {"note": "=HYPERLINK(1)"})
    audit.record(dispatcher, "test.other", project_a, {})
    client.force_login(auditor)
    response = client.get(reverse("admin:core_auditevent_export"), {"action": "test.formula"})
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 2 and "test.formula" in lines[1] and "test.other" not in body
    assert AuditEvent.objects.filter(action="audit.export").latest("seq").changes["rows"] == 1


def test_object_cells_that_look_like_formulas_are_neutralised(client, auditor, dispatcher,
                                                            project_a):
    project_a.name = "=cmd|' /C calc'!A0"
    audit.record(dispatcher, "test.formula", project_a, {})
    client.force_login(auditor)
    body = client.get(reverse("admin:core_auditevent_export"),
                      {"action": "test.formula"}).content.decode("utf-8-sig")
    assert ",'=cmd" in body


@pytest.mark.parametrize("role", ["dispatcher", "sysadmin", "secadmin", "street_a_reporter"])
def test_only_the_auditor_reads_or_exports(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("admin:core_auditevent_export")).status_code == 403
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 403
