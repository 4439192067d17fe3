"""`diaodu demo`: create the embedded database, migrate, load the 中原区 demo, print the
accounts, and run what a real install runs — the web server on 127.0.0.1:8000, a task worker
(web imports, the daily jobs) and the daily chains — stopping them together.

The demo lives on 2023-03-31 (data.DEMO_TODAY): `diaodu demo` pins the business clock to it
(diaodu/cli.py sets DIAODU_TODAY for the server and the worker)."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from diaodu.core import clock, two_factor
from diaodu.demo import data
from diaodu.demo.loader import account_table, load_demo

# The daily chains a real install starts once (docs/operations.md); each queues its next run.
DAILY = [("dispatch_daily", ["--schedule"]), ("cases_sweep", ["--schedule"]),
         ("dashboard_daily", ["--schedule"]), ("schedule_daily", ["--schedule"]),
         ("photos_sweep", ["--schedule"])]


class Command(BaseCommand):
    help = "Set up and serve the 中原区 demo (web server, task worker and daily jobs)"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true",
                            help="set up the database and demo data, then stop")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, no_serve=False, addrport="127.0.0.1:8000", **options):
        if clock.pinned() is None:
            # Run as `manage.py demo`: pin this process (the worker gets it from `env`).
            settings.DIAODU_TODAY = data.DEMO_TODAY.isoformat()
        call_command("migrate", interactive=False, verbosity=0)
        loaded = load_demo()
        self.stdout.write(_("演示数据已载入。") if loaded else _("演示数据已存在，未作改动。"))
        self.stdout.write(_("业务日期：%(date)s（演示数据的故事发生在这一天）")
                          % {"date": clock.today().isoformat()})
        self.stdout.write(_("数据库：%(db)s") % {"db": settings.DATABASES["default"]["NAME"]})
        self.stdout.write(_("演示账号（密码均为 %(pw)s）：") % {"pw": data.DEMO_PASSWORD})
        for username, role, unit, display in account_table():
            self.stdout.write(f"  {username:<18} {role:<8} {unit:<12} {display}")
        self.stdout.write(
            _("调度员和三员账号（dispatcher、sysadmin、secadmin、auditor）登录时还需6位验证码："
              "运行 uv run diaodu otp_code 用户名 获取，或在验证器应用中添加公开的演示密钥 "
              "%(key)s。") % {"key": two_factor.base32(two_factor.DEMO_KEY)})
        if no_serve:
            return
        for command, arguments in DAILY:
            call_command(command, *arguments, stdout=open(os.devnull, "w"))
        worker = self._start_worker()
        # A plain `kill` of the demo stops the worker too (finally below).
        signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
        try:
            self.stdout.write(_("访问地址：http://%(addr)s/") % {"addr": addrport})
            call_command("runserver", addrport, use_reloader=False)
        finally:
            self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen:
        env = {**os.environ, "DIAODU_TODAY": clock.today().isoformat()}
        worker = subprocess.Popen(
            [sys.executable, "-m", "diaodu.cli", "task_worker", "--interval", "1"], env=env)
        self.stdout.write(_("任务进程已启动（进程号 %(pid)s）：网页导入和每日任务由它执行。")
                          % {"pid": worker.pid})
        return worker

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is not None:
            return
        worker.terminate()  # the worker finishes its current job, then exits
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        self.stdout.write(_("任务进程已停止。"))
