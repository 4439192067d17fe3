"""三员分立 (issue 16, findings 1 and 2): the system administrator opens accounts but grants no
role; the security administrator assigns and confirms roles, never to themselves; an
administrator account never holds a business role."""

import pytest
from django.urls import reverse

from diaodu.core import services
from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent, User

from ..factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "Leader-pass-2026x"


def _add_leader(client, sysadmin, district):
    client.force_login(sysadmin)
    return client.post(reverse("admin:core_user_add"), {
        "username": "newleader", "password": NEW_PASSWORD, "display_name": "新领导",
        "phone": "", "unit": district.pk, "role": "leader"})


def test_role_asked_by_the_system_administrator_grants_nothing(client, sysadmin, district,
                                                               project_a):
    response = _add_leader(client, sysadmin, district)
    assert response.status_code == 302
    user = User.objects.get(username="newleader")
    assert (user.role, user.pending_role) == ("", "leader")
    created = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert created.actor == sysadmin and created.changes["pending_role"] == "leader"
    # Until confirmed the account cannot sign in nor use the API.
    client.logout()
    response = client.post(reverse("admin:login"), {"username": "newleader",
                                                    "password": NEW_PASSWORD})
    assert "尚未分配角色" in response.content.decode()
    client.force_login(user)
    assert client.get("/api/v1/projects").status_code in (401, 403)
    assert client.get("/projects/").status_code in (302, 403)


def test_security_administrator_confirms_the_role(client, sysadmin, secadmin, district):
    _add_leader(client, sysadmin, district)
    user = User.objects.get(username="newleader")
    # The system administrator cannot confirm it: neither the action nor the service.
    with pytest.raises(UserError):
        services.user_confirm_role(actor=sysadmin, user=user)
    changelist = reverse("admin:core_user_changelist")
    client.post(changelist, {"action": "confirm_pending_role", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert user.role == ""
    client.force_login(secadmin)
    response = client.post(changelist, {"action": "confirm_pending_role",
                                        "_selected_action": [user.pk]})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.role, user.pending_role) == ("leader", "")
    confirmed = AuditEvent.objects.get(action="user.confirm_role", object_id=str(user.pk))
    assert confirmed.actor == secadmin and confirmed.changes == {"role": ["", "leader"]}


def test_system_administrator_cannot_open_an_administrator_account_alone(sysadmin, drc):
    user = services.user_create(actor=sysadmin, username="second_sec", password=NEW_PASSWORD,
                                unit=drc, role="secadmin")
    assert (user.role, user.pending_role) == ("", "secadmin")


def test_no_role_for_oneself(client, secadmin):
    with pytest.raises(UserError, match="不能给自己"):
        services.user_set_role(actor=secadmin, user=secadmin, role="auditor")
    client.force_login(secadmin)
    response = client.post(reverse("admin:core_user_change", args=[secadmin.pk]),
                           {"role": "leader"})
    assert response.status_code == 200
    secadmin.refresh_from_db()
    assert secadmin.role == "secadmin"
    assert not AuditEvent.objects.filter(action="user.set_role").exists()


def test_no_confirming_ones_own_pending_role(secadmin, district):
    # An account without a role confirms nothing; a security administrator nothing of its own.
    waiting = UserFactory(username="sec2", unit=district, role="", pending_role="secadmin")
    with pytest.raises(UserError, match="无权"):
        services.user_confirm_role(actor=waiting, user=waiting)
    secadmin.pending_role = "secadmin"
    secadmin.save()
    with pytest.raises(UserError, match="不能给自己"):
        services.user_confirm_role(actor=secadmin, user=secadmin)


@pytest.mark.parametrize("admin_role", ["sysadmin", "secadmin", "auditor"])
def test_administrators_hold_no_business_role(secadmin, district, admin_role):
    account = UserFactory(username="adm", unit=district, role=admin_role)
    with pytest.raises(UserError, match="管理员账号不能持有业务角色"):
        services.user_set_role(actor=secadmin, user=account, role="leader")
    account.refresh_from_db()
    assert account.role == admin_role


def test_business_account_does_not_become_an_administrator(secadmin, street_a_reporter):
    with pytest.raises(UserError, match="管理员账号不能持有业务角色"):
        services.user_set_role(actor=secadmin, user=street_a_reporter, role="sysadmin")
    # Within one side of the line the security administrator decides.
    services.user_set_role(actor=secadmin, user=street_a_reporter, role="unit_head")
    street_a_reporter.refresh_from_db()
    assert street_a_reporter.role == "unit_head"


def test_installation_opens_the_first_administrators_with_their_roles(drc):
    user = services.user_create(actor=None, username="first_sys", password=TEST_PASSWORD,
                                unit=drc, role="sysadmin")
    assert (user.role, user.pending_role) == ("sysadmin", "")
