"""`diaodu demo`: create the embedded database, migrate, load the 中原区 demo, print the
accounts, and serve on 127.0.0.1:8000."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from diaodu.core import two_factor
from diaodu.demo import data
from diaodu.demo.loader import account_table, load_demo


class Command(BaseCommand):
    help = "Set up and serve the 中原区 demo"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true",
                            help="set up the database and demo data, then stop")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, no_serve=False, addrport="127.0.0.1:8000", **options):
        call_command("migrate", interactive=False, verbosity=0)
        loaded = load_demo()
        self.stdout.write(_("演示数据已载入。") if loaded else _("演示数据已存在，未作改动。"))
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
        self.stdout.write(_("访问地址：http://%(addr)s/") % {"addr": addrport})
        call_command("runserver", addrport, use_reloader=False)
