"""Close and count every poll past its closing time now, or start the daily chain."""

from django.core.management.base import BaseCommand

from diaodu.votes import services, tasks


class Command(BaseCommand):
    help = "无记名投票：结束并计票所有已过截止时间的投票；--schedule 在任务队列中排定每日执行。"

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true",
                            help="queue the daily task instead of running now")

    def handle(self, *args, **options):
        if options["schedule"]:
            self.stdout.write("queued" if tasks.schedule_next() else "already queued")
            return
        self.stdout.write(f"closed={services.polls_close_due()}")
