"""The mediation pages: register, act, download, statistics, import, directory; query counts
pinned."""

import pytest
from django.urls import reverse

from diaodu.mediation import network, services
from diaodu.mediation.models import Dispute

from .conftest import register

pytestmark = pytest.mark.django_db


def test_register_a_dispute_through_the_form(client, committee_a, street_a_reporter):
    client.force_login(street_a_reporter)
    form = {"committee": committee_a.pk, "category": "neighbour", "received_on": "2022-03-01",
            "summary": "漏水", "applicant_name": "张三", "applicant_kind": "person",
            "respondent_name": "李四", "respondent_kind": "person", "amount": "-3"}
    response = client.post(reverse("mediation:create"), form)
    assert response.status_code == 200 and "涉及金额不能为负数" in response.content.decode()
    assert not Dispute.objects.exists()
    response = client.post(reverse("mediation:create"), form | {"amount": "1.2万元"})
    dispute = Dispute.objects.get()
    assert response.url == dispute.get_absolute_url() and str(dispute.amount) == "1.20"


def test_list_masks_and_pins_queries(client, committee_a, dispatcher, street_a_reporter,
                                     django_assert_num_queries):
    for _ in range(3):
        register(committee_a)
    client.force_login(dispatcher)
    client.get(reverse("mediation:list"))  # warm the session and sidebar caches
    with django_assert_num_queries(9):
        page = client.get(reverse("mediation:list")).content.decode()
    assert "张**" in page and "张三丰" not in page
    for _ in range(5):
        register(committee_a)
    with django_assert_num_queries(9):
        client.get(reverse("mediation:list"))
    client.force_login(street_a_reporter)
    assert "张三丰" in client.get(reverse("mediation:list")).content.decode()


def test_refer_with_a_bad_level_shows_the_message_and_changes_nothing(
        client, dispute_a, street_a_reporter):
    client.force_login(street_a_reporter)
    url = reverse("mediation:act", args=[dispute_a.pk, "refer"])
    response = client.post(url, {"refer-expected_version": 1, "refer-to_level": "community",
                                 "refer-referred_on": "2022-03-05", "refer-reason": "下交"})
    assert response.status_code == 400 and "下属的社区（村）级调委会" in response.content.decode()
    assert Dispute.objects.get(pk=dispute_a.pk).version == 1


def test_conclude_and_download_the_agreement(client, dispute_a, street_a_reporter, dispatcher):
    client.force_login(street_a_reporter)
    url = reverse("mediation:act", args=[dispute_a.pk, "conclude"])
    response = client.post(url, {"conclude-expected_version": 1, "conclude-outcome": "settled",
                                 "conclude-concluded_on": "2022-03-05",
                                 "conclude-terms": "赔偿500元"})
    assert response.status_code == 302
    docx = client.get(reverse("mediation:agreement", args=[dispute_a.pk]))
    assert docx.status_code == 200 and docx["Content-Type"].endswith("document")
    client.force_login(dispatcher)  # sees the dispute, does not handle it: no full names
    assert client.get(reverse("mediation:agreement", args=[dispute_a.pk])).status_code == 404


def test_the_screening_ledger_is_imported_through_the_ledger_wizard(client, mediator_a,
                                                                    street_a_reporter):
    """One import path: the register's button opens the ledger import with 排查台账 chosen."""
    client.force_login(street_a_reporter)
    listing = client.get(reverse("mediation:list")).content.decode()
    link = reverse("ledgers:imports") + "?kind=screening"
    assert f'href="{link}"' in listing
    wizard = client.get(link).content.decode()
    assert '<option value="screening" selected>' in wizard
    assert '<option value="reports">' in wizard


def test_stats_export_and_directory_pages(client, dispute_a, leader, street_a):
    network.place_save(actor=None, kind="station", name="林山寨街道公共法律服务站",
                       unit=street_a, phone="0371-1234567")
    client.force_login(leader)
    page = client.get(reverse("mediation:stats") + "?year=2022").content.decode()
    assert "2022年共受理矛盾纠纷 1 件，调成 0 件，涉及金额 1.50 万元" in page
    for kind in ("disputes", "stats", "mediators", "directory"):
        response = client.get(reverse("mediation:export", args=[kind]) + "?year=2022")
        assert response.status_code == 200 and response.content[:2] == b"PK"
    # An impossible month is dropped before the view (core QueryParamsMiddleware): the
    # export falls back to the whole year instead of failing.
    response = client.get(reverse("mediation:export", args=["stats"]) + "?month=13")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    printed = client.get(reverse("mediation:directory")).content.decode()
    assert "林山寨街道公共法律服务站" in printed and "@page" in printed
    assert "未设公共法律服务站" not in client.get(reverse("mediation:network")).content.decode()


def test_english_pages(client, dispute_a, leader):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("mediation:detail", args=[dispute_a.pk])).content.decode()
    assert "Amount involved" in page and "Neighbour dispute" in page
    services.today()  # the pages read business dates from one place
