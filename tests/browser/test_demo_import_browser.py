"""The demo as a new user starts it: `diaodu demo` serves with its task worker, the dispatcher
signs in (password and the demo's authenticator code), uploads a ledger, and the import runs to
the end with its progress bar — dry run, then commit. Stopping the demo stops the worker.

Loads the whole demo into a temporary SQLite file (about half a minute of CPU)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diaodu.core import two_factor
from diaodu.demo import data

from ..ledgers.conftest import xlsx
from .test_reporter_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, screenshot

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["项目代码", "项目名称", "级别", "类别", "责任单位", "属地街道", "总投资（亿元）",
          "建设内容", "计划开工"]
ROWS = [["2303-410102-04-01-A7K2M9", "林山寨便民服务中心改造项目", "区重点", "公共服务",
         "林山寨街道", "林山寨", 0.35, "便民服务中心改造", "2023.6"],
        [None, "须水数字产业孵化园项目", "市重点", "产业", "须水街道办事处", "须水街道", "6.2",
         "孵化园建设", "2023年9月"]]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_server(tmp_path):
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DIAODU_TODAY", "DIAODU_CACHE_DIR",
                        "DJANGO_SETTINGS_MODULE")}
    env.update(DIAODU_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    log = (tmp_path / "demo.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "diaodu.cli", "demo", "--addrport", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 900  # a loaded CI machine: loading takes minutes
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "demo.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(1)
        else:
            pytest.fail("the demo did not start serving")
        yield f"http://127.0.0.1:{port}", process, tmp_path / "demo.log"
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def test_a_ledger_uploaded_in_the_demo_is_imported_with_its_progress_bar(demo_server,
                                                                         tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, process, log = demo_server
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(xlsx([HEADER, *ROWS]))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}) \
            .new_page()
        page.set_default_timeout(TIMEOUT_MS * 4)
        page.goto(f"{url}/admin/login/?next=/ledgers/imports/")
        page.fill("#id_username", "dispatcher")
        page.fill("#id_password", data.DEMO_PASSWORD)
        page.locator("form button[type=submit], form input[type=submit]").first.click()
        page.fill("#id_code", two_factor.current_code(two_factor.DEMO_KEY))
        page.locator("#id_code").press("Enter")
        page.wait_for_url(f"{url}/ledgers/imports/")
        expect(page.locator("body")).to_contain_text("演示数据 · 业务日期 2023-03-31")

        page.select_option("#id_kind", "projects")
        page.set_input_files("#id_file", str(ledger))
        page.locator("#upload-form button").click()
        page.wait_for_url(f"{url}/ledgers/imports/*/")
        page.locator("button[value=dry_run]").click()
        # The worker runs the dry run; the bar polls, then the page reloads with the result.
        commit = page.locator("button[value=commit]")
        expect(commit).to_be_visible(timeout=300_000)
        expect(page.locator("body")).to_contain_text("新增 2")
        commit.click()
        bar = page.locator("#import-progress [role=progressbar]")
        expect(bar).to_have_attribute("aria-valuenow", "100", timeout=300_000)
        expect(page.locator("#import-progress")).to_contain_text("100%")
        screenshot(page, "demo-import-done")
        browser.close()

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=90)
    assert "任务进程已停止" in log.read_text()
