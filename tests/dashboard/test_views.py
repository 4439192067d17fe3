"""The dashboard pages: figures from the rollups, links, scope, query counts, bad input."""

from datetime import date

import pytest
from django.urls import reverse

from diaodu.dashboard import services
from diaodu.dashboard.models import Warning, WarningRuleSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(first_quarter, dispatcher):
    services.dashboard_refresh(actor=dispatcher, today=date(2022, 4, 10))
    return first_quarter


def test_leader_sees_the_district_as_of_the_last_locked_round(client, leader, evaluated):
    client.force_login(leader)
    page = client.get(reverse("dashboard:index")).content.decode()
    # February is the last locked month: 300 of 2400 → 12.5%; time progress 59/365 = 16.2%.
    assert "2022年1—2月重点项目建设情况" in page
    assert "数据截至最近锁定的调度轮次" in page
    assert "12.5%" in page and "时序进度 16.2%" in page
    assert 'class="chart"' in page and 'data-type="line"' in page
    assert "第一方阵" in page
    # Every number links to its list.
    assert reverse("dashboard:warnings") + "?level=red" in page
    assert reverse("investment:kpis") + "?year=2022&month=2" in page
    assert "须水在建项目" in page  # in the red list


def test_period_selector_and_forecast_method(client, leader, evaluated):
    client.force_login(leader)
    page = client.get(reverse("dashboard:index"), {"year": 2022, "month": 3}).content.decode()
    assert "2022年1—3月" in page
    assert "18.8%" in page  # 450 of 2400
    january = client.get(reverse("dashboard:index"), {"year": 2022, "month": 1})
    assert "2022年1月重点项目建设情况" in january.content.decode()  # not "1—1月"
    assert "当前进度线性外推" in page  # no earlier years: the linear method, said so


def test_a_period_without_data_says_so(client, leader, evaluated):
    client.force_login(leader)
    response = client.get(reverse("dashboard:index"), {"year": 2030, "month": 5})
    assert response.status_code == 200
    assert "所选期间（2030年5月）没有年度计划或已审定的月度数据" in response.content.decode()
    # Nonsense falls back to the default period.
    assert client.get(reverse("dashboard:index"), {"year": "x", "month": 13}).status_code == 200


def test_reporter_sees_own_street_only(client, street_a_reporter, evaluated):
    client.force_login(street_a_reporter)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "林山寨" in page and "须水在建项目" not in page
    assert 'id="dd-ranking"' not in page  # the ranking compares units: readers only


def test_dashboard_query_count_is_pinned(client, leader, evaluated, django_assert_num_queries):
    client.force_login(leader)
    client.get(reverse("dashboard:index"))
    with django_assert_num_queries(18):
        client.get(reverse("dashboard:index"))


def test_query_count_does_not_grow_with_projects(client, leader, evaluated, street_a,
                                                 settings, django_assert_num_queries):
    from ..factories import ProjectFactory

    # The sidebar's unread badge is cached per user id; ids repeat on SQLite and not on
    # PostgreSQL, so a shared cache made the count depend on earlier tests. No cache here:
    # the badge's query is counted every time, on both databases.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(leader)
    client.get(reverse("dashboard:index"))
    with django_assert_num_queries(19) as before:
        client.get(reverse("dashboard:index"))
    for i in range(5):
        ProjectFactory(name=f"新增{i}", responsible_unit=street_a, street=street_a)
    services.warnings_evaluate(today=date(2022, 4, 10))
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(reverse("dashboard:index"))


def test_htmx_parts_sort_and_regroup(client, leader, evaluated):
    client.force_login(leader)
    part = client.get(reverse("dashboard:groups"),
                      {"year": 2022, "month": 2, "by": "street", "sort": "rate"})
    text = part.content.decode()
    assert "<html" not in text and text.index("林山寨") < text.index("须水")
    ranking = client.get(reverse("dashboard:ranking"), {"year": 2022, "month": 2,
                                                         "kind": "street"}).content.decode()
    assert "第一方阵" in ranking


def test_red_project_page_shows_the_reason(client, leader, evaluated, building):
    client.force_login(leader)
    warning = Warning.objects.filter(project=building[1], level="red").first()
    page = client.get(reverse("projects:detail", args=[building[1].pk])).content.decode()
    assert "进度条" in page and "预警记录" in page and warning.reason in page


def test_bad_rules_from_the_form_keep_the_active_version(client, dispatcher, evaluated):
    client.force_login(dispatcher)
    page = client.get(reverse("dashboard:rules")).content.decode()
    assert "生效中" in page
    data = {f"{m}__enabled": "on" for m in ("completion_vs_time", "stale")}
    data.update({"completion_vs_time__amber": "80", "completion_vs_time__red": "95",
                 "completion_vs_time__message": "{value}", "stale__amber": "2",
                 "stale__red": "3", "stale__message": "{value}"})
    response = client.post(reverse("dashboard:rules"), data)
    assert response.status_code == 200
    assert "阈值颠倒" in response.content.decode()
    assert "当前生效的版本未改变" in response.content.decode()
    assert WarningRuleSet.objects.get(is_active=True).version == 1
    data["completion_vs_time__amber"] = "90"
    data["completion_vs_time__red"] = "70"
    assert client.post(reverse("dashboard:rules"), data).status_code == 302
    assert WarningRuleSet.objects.get(is_active=True).version == 2


def test_scheme_form_refuses_weights_not_summing_to_100(client, dispatcher, evaluated):
    client.force_login(dispatcher)
    data = {"top_group_size": 3, "w_investment": "50", "w_starts": "20"}
    response = client.post(reverse("dashboard:scheme"), data)
    assert "各项权重之和必须等于100，当前为70" in response.content.decode()
    data["w_closure"] = "30"
    assert client.post(reverse("dashboard:scheme"), data).status_code == 302


def test_leader_reads_rules_but_cannot_change_them(client, leader, evaluated):
    client.force_login(leader)
    assert client.get(reverse("dashboard:rules")).status_code == 200
    assert client.post(reverse("dashboard:rules"), {}).status_code == 404
    assert client.post(reverse("dashboard:evaluate")).status_code == 404


def test_dispatcher_reevaluates_from_the_dashboard(client, dispatcher, evaluated):
    client.force_login(dispatcher)
    response = client.post(reverse("dashboard:evaluate"), follow=True)
    assert "已重新评估" in response.content.decode()


def test_warning_list_filters_and_history(client, leader, evaluated):
    client.force_login(leader)
    page = client.get(reverse("dashboard:warnings"), {"level": "red"}).content.decode()
    assert "须水在建项目" in page
    page = client.get(reverse("dashboard:overdue_reports")).content.decode()
    assert "没有逾期未报的填报" in page
