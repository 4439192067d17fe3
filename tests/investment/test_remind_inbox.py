"""催报 reaches the unit's inbox through core.notify, like the 督办 messages."""

from django.utils import translation

from diaodu.core.models import Notification, NotificationKind
from diaodu.investment import services


def test_a_reminder_reaches_the_people_who_fill_in(march, building_a, dispatcher,
                                                   street_a_reporter, street_a_head,
                                                   street_b_reporter):
    reminder = services.round_remind(actor=dispatcher, round_=march,
                                     unit=building_a.responsible_unit)
    received = Notification.objects.filter(key=f"round-remind:{reminder.pk}")
    assert {n.user for n in received} == {street_a_reporter, street_a_head}
    message = received.get(user=street_a_reporter)
    assert message.kind == NotificationKind.CHASE and message.subject == march
    assert message.link == f"/investment/rounds/{march.pk}/"
    assert message.shown_title == f"催报：{march}"
    assert message.shown_body == "本轮尚有 1 个项目未报送，请抓紧填报。"
    with translation.override("en"):
        assert "1" in message.shown_body and "本轮" not in message.shown_body
