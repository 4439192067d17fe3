"""A dispatcher imports a district's real 重点项目台账 in the browser (issue 14): upload, the
file read in the background, the mapping confirmed with the plan column ticked, a dry run
that lists the names it does not know with suggestions, one reconciliation step, the totals
table, and the commit (projects and their plans)."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from diaodu.core import two_factor
from diaodu.investment.models import AnnualPlan
from diaodu.ledgers.models import NameAlias
from diaodu.projects.models import Project

from ..factories import TEST_PASSWORD, TEST_TOTP_KEY
from ..ledgers import corpus
from ..ledgers.conftest import offices  # noqa: F401  (fixture)
from .test_reporter_browser import page, screenshot  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _tasks_at_once(settings, tmp_path):
    settings.TASKS = {"default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def test_dispatcher_imports_a_real_ledger_after_one_reconciliation(
        live_server, dispatcher, offices, page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    ledger = tmp_path / "中原区重点项目台账.xlsx"
    ledger.write_bytes(corpus.key_projects())
    page.goto(f"{live_server.url}/admin/login/?next=/ledgers/imports/")
    page.fill("#id_username", dispatcher.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.fill("#id_code", two_factor.current_code(TEST_TOTP_KEY))
    page.locator("#otp-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/ledgers/imports/")

    page.select_option("select[name=kind]", "projects")
    page.set_input_files("input[name=file]", str(ledger))
    page.locator("#upload-form button").click()
    mapping = page.locator("#mapping-form")
    expect(mapping).to_be_visible()
    expect(mapping).to_contain_text("建设年限/开工时间")
    expect(mapping).to_contain_text("年度投资计划")  # the plan column, imported when ticked
    parts = page.locator("#parts")
    expect(parts).to_contain_text("同时导入年度计划")
    expect(parts).to_contain_text("同时导入进度")
    parts.locator("input[name=with-plans]").check()
    screenshot(page, "ledger-import-mapping")

    mapping.locator("button[value=dry_run]").click()
    reconcile = page.locator("#reconcile-form")
    expect(reconcile).to_contain_text("区城管局")
    expect(reconcile).to_contain_text("建议：中原区城市管理局")
    expect(reconcile).to_contain_text("基础设施类")
    expect(page.locator("#summary")).to_contain_text("错误 4")
    screenshot(page, "ledger-import-reconcile")

    reconcile.locator("button[value=reconcile]").click()
    summary = page.locator("#summary")
    expect(summary).to_contain_text("新增 7")
    expect(summary).to_contain_text("错误 0")
    expect(page.locator("#totals-table")).to_contain_text(
        "Excel 的 SUM/SUBTOTAL 不计文本格式的数字")
    screenshot(page, "ledger-import-checked")

    page.locator("button[value=commit]").click()
    expect(page.locator("#summary")).to_contain_text("已全部写入")
    assert Project.objects.count() == 7
    assert Project.objects.aggregate(s=Sum("total_investment"))["s"] == corpus.TOTAL_WAN
    assert NameAlias.objects.count() == 2
    assert Project.objects.get(name="西流湖公园提升工程").total_investment == Decimal("4200.00")
    # The ticked plan column: the year's plans, to the cent of the file's 合计.
    plans = AnnualPlan.objects.filter(year=2022)
    assert plans.count() == corpus.PLANS_MADE
    assert plans.aggregate(s=Sum("planned_investment"))["s"] == corpus.PLAN_WAN
