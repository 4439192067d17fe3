"""Messages beyond the inbox at scale (issue 19), against a local HTTP server that plays the SMS
gateway (tests/core/notify_server.py: 127.0.0.1, random port, a per-second rate limit).

1. queue: notify() to 5,000 people (inbox rows + their SMS deliveries in bulk, one wake-up of
   the delivery task) beside the naive way: per message one INSERT of the message, one of its
   delivery and one queued task (timed on 1,000, scaled to 5,000).
2. throughput: --workers delivery workers sending --send deliveries through the gateway
   limited to --rate a second (429 with Retry-After past it); ours in messages a second beside
   the limit itself.
3. log_page: the delivery-log page (`/notify/deliveries/`, Django test client, a dispatcher)
   p50/p95 with 1,000,000 deliveries in the table, over its filters and a keyset page, beside
   the same list paged with Django's Paginator (COUNT(*) + OFFSET to page 2,000).

    uv run python bench/notify.py [--db postgres|sqlite] [--rows 1000000] [--rate 50]

PostgreSQL: 127.0.0.1:5432 (trust), database `diaodu_notify_bench` (dropped and recreated).
Goals: queueing 5,000 ≤ 2 s; throughput ≥ 80% of the gateway's limit; log p95 ≤ 200 ms.
The machine has 2 cores shared with other people's test runs: numbers are noisy.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "diaodu_notify_bench"  # PostgreSQL database, or /tmp/<DB>.sqlite3
PEOPLE = 5000


def people():
    from diaodu.core.models import OrgUnit, UnitKind, User
    from diaodu.core.roles import Role

    street = OrgUnit.objects.add_root({"code": "410102001", "name": "林山寨街道",
                                       "kind": UnitKind.STREET})
    User.objects.bulk_create([
        User(username=f"u{n}", unit=street, role=Role.REPORTER, phone=f"138{n:08d}")
        for n in range(PEOPLE)], batch_size=1000)
    from tests.factories import UserFactory

    UserFactory(username="dispatcher", unit=street, role=Role.DISPATCHER)  # with TOTP
    return list(User.objects.filter(role=Role.REPORTER).order_by("id"))


NAIVE_SAMPLE = 1000  # the naive way is timed on 1,000 messages and scaled to 5,000 (linear)


def naive_queue(users) -> float:
    from django.db import transaction

    from diaodu.core.models import Delivery, Notification
    from diaodu.core.notify.tasks import deliver_pending

    started = time.perf_counter()
    with transaction.atomic():
        for user in users[:NAIVE_SAMPLE]:
            message = Notification.objects.create(user=user, kind="overdue", title="逾期（逐条）")
            Delivery.objects.create(notification=message, user=user, kind="overdue",
                                    channel="sms")
            deliver_pending.enqueue()
    return (time.perf_counter() - started) * len(users) / NAIVE_SAMPLE


def clear() -> None:
    from django_tasks_db.models import DBTaskResult

    from diaodu.core.models import Notification

    Notification.objects.all().delete()
    DBTaskResult.objects.all().delete()


def throughput(server, send: int, rate: float, workers: int) -> tuple[float, int]:
    """`workers` delivery workers (threads with their own connections, as task workers on
    several processes would be) drain `send` deliveries through the rate-limited gateway."""
    import threading

    from django.db import connection
    from django.utils import timezone

    from diaodu.core.models import Delivery
    from diaodu.core.notify.sending import deliver_due

    server.behaviour.per_second = rate
    keep = list(Delivery.objects.order_by("id").values_list("id", flat=True)[:send])
    Delivery.objects.exclude(id__in=keep).delete()
    started = time.perf_counter()

    def work() -> None:
        try:
            while time.perf_counter() - started < 120:
                if not sum(deliver_due(now=timezone.now(), limit=20).values()):
                    if not Delivery.objects.filter(status__in=("queued", "retrying")).exists():
                        return
                    time.sleep(0.02)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    sent = Delivery.objects.filter(status="sent").count()
    return sent / took, sent


def fill_log(rows: int) -> None:
    """`rows` deliveries (a quarter as many messages, four channels each) in set-based SQL."""
    from django.db import connection

    from diaodu.core.models import User

    messages = rows // 4
    user_ids = list(User.objects.values_list("id", flat=True)[:100])
    low, high = min(user_ids), max(user_ids)
    span = high - low + 1
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            series = f"SELECT generate_series(1, {messages}) AS n"
        else:
            series = (f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
                      f"WHERE n < {messages}) SELECT n FROM s")
        kinds = "CASE n % 8 WHEN 0 THEN 'chase' WHEN 1 THEN 'escalation' ELSE 'reminder' END"
        cursor.execute(
            f"INSERT INTO core_notification (user_id, kind, urgent, title, body, key, "
            f"created_at, phrases) SELECT {low} + n % {span}, {kinds}, false, "
            f"'提醒 ' || n, '', '', CURRENT_TIMESTAMP, '{{}}' FROM ({series}) AS q")
        cursor.execute(
            "INSERT INTO core_delivery (notification_id, user_id, kind, channel, urgent, status,"
            " attempts, provider_id, error, created_at, due_at) "
            "SELECT n.id, n.user_id, n.kind, c.channel, false, "
            "CASE WHEN n.id % 97 = 0 THEN 'failed' WHEN n.id % 13 = 0 THEN 'retrying' "
            "ELSE 'sent' END, 1, '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
            "FROM core_notification n CROSS JOIN (SELECT 'sms' AS channel UNION ALL "
            "SELECT 'email' UNION ALL SELECT 'wecom' UNION ALL SELECT 'dingtalk') c")
        cursor.execute("ANALYZE")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def page_times(client, urls, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
    return times


def paginator_times(repeat: int) -> list[float]:
    from django.core.paginator import Paginator

    from diaodu.core.models import Delivery

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        page = Paginator(Delivery.objects.select_related("user", "notification")
                         .order_by("-id"), 50).page(2000)
        list(page.object_list)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="postgres", choices=("sqlite", "postgres"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--send", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    from bench.freshdb import fresh_database

    fresh_database(DB, args.db, hosts=["localhost"])
    from django.conf import settings
    from django.db.models import Max
    from django.test import Client

    from diaodu.core.models import Delivery, User
    from diaodu.core.notify import NotificationKind, notify
    from tests.core.notify_server import FakeProviders
    from tests.factories import complete_two_factor

    users = people()
    with FakeProviders() as server:
        settings.NOTIFY_SMS_URL = f"{server.base}/sms/send"
        settings.NOTIFY_USER_HOURLY_LIMIT = settings.NOTIFY_USER_DAILY_LIMIT = 10_000
        print(f"[{args.db}] {PEOPLE} people; shared 2-core machine, numbers are noisy",
              flush=True)
        peer_q = naive_queue(users)
        clear()
        started = time.perf_counter()
        written = notify(users, kind=NotificationKind.OVERDUE, title="项目逾期", urgent=True)
        ours_q = time.perf_counter() - started
        assert written == PEOPLE and Delivery.objects.count() == PEOPLE
        print(f"queue: {PEOPLE} messages + SMS deliveries; ours {ours_q:.2f}s, "
              f"per-message inserts {peer_q:.2f}s ({NAIVE_SAMPLE} timed, scaled)", flush=True)
        rate, sent = throughput(server, args.send, args.rate, args.workers)
        print(f"throughput: {sent} sent at {rate:.1f}/s through a gateway limited to "
              f"{args.rate:.0f}/s by {args.workers} workers ({len(server.requests)} requests, 429s "
              "included)", flush=True)
    clear()
    started = time.perf_counter()
    fill_log(args.rows)
    total = Delivery.objects.count()
    print(f"log: {total} deliveries written in {time.perf_counter() - started:.0f}s", flush=True)
    middle = (Delivery.objects.aggregate(m=Max("id"))["m"] or 0) // 2
    urls = ["/notify/deliveries/", "/notify/deliveries/?status=failed",
            "/notify/deliveries/?channel=sms&status=retrying", "/notify/deliveries/?kind=chase",
            f"/notify/deliveries/?before={middle}",
            f"/notify/deliveries/?status=failed&before={middle}"]
    client = Client(HTTP_HOST="localhost")
    dispatcher = User.objects.get(username="dispatcher")
    client.force_login(dispatcher)
    complete_two_factor(client, dispatcher)  # the dispatcher signs in with the second factor
    page_times(client, urls, 1)  # warm
    ours = page_times(client, urls, args.repeat)
    shell = page_times(client, ["/notify/inbox/"], args.repeat)  # the same shell, no log
    peer = paginator_times(max(3, args.repeat // 2))
    ms = 1000
    ours_p95, peer_p95 = percentile(ours, 95) * ms, percentile(peer, 95) * ms
    print(f"log_page: ours p50={statistics.median(ours) * ms:.0f}ms p95={ours_p95:.0f}ms · "
          f"Paginator COUNT+OFFSET page 2000 p50={statistics.median(peer) * ms:.0f}ms "
          f"p95={peer_p95:.0f}ms · the empty inbox page in the same shell "
          f"p50={statistics.median(shell) * ms:.0f}ms", flush=True)
    print(f"BENCH notify-queue-5000_{args.db}: ours={ours_q:.2f}s per_message={peer_q:.2f}s "
          f"ratio={ours_q / peer_q:.3f} goal ours<=2s: {'met' if ours_q <= 2 else 'missed'}")
    print(f"BENCH notify-throughput_{args.db}: ours={rate:.1f}/s gateway_limit={args.rate:.0f}/s "
          f"ratio={rate / args.rate:.2f} goal ours>=0.8*limit: "
          f"{'met' if rate >= 0.8 * args.rate else 'missed'}")
    print(f"BENCH notify-log-page_{args.db}: ours={ours_p95:.0f}ms paginator={peer_p95:.0f}ms "
          f"ratio={ours_p95 / peer_p95:.2f} goal ours_p95<=200ms with {total} rows: "
          f"{'met' if ours_p95 <= 200 and total >= args.rows else 'missed'}")


if __name__ == "__main__":
    main()
