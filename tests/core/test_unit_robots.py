"""Group robots per unit: a group message goes to the recipient's unit's robot (or the nearest
one above it), else the district-wide webhook from settings; the robots are kept by the system
administrator through one audited service. Against the real local server
(tests/core/notify_server.py): no transport is mocked."""

import base64
import hashlib
import hmac
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from diaodu.core.errors import Forbidden, UserError
from diaodu.core.models import AuditEvent, Delivery, UnitRobot
from diaodu.core.notify import NotificationKind, notify
from diaodu.core.notify.robots import masked, robot_for_unit, unit_robot_save
from diaodu.core.notify.sending import deliver_due
from diaodu.core.roles import Role

from ..factories import UserFactory
from .notify_server import FakeProviders

pytestmark = pytest.mark.django_db
DAY = datetime(2031, 3, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def providers(settings):
    with FakeProviders() as server:
        settings.NOTIFY_SMS_URL = ""
        settings.NOTIFY_EMAIL = False
        settings.NOTIFY_WECOM_WEBHOOK = f"{server.base}/cgi-bin/webhook/send?key=district"
        settings.NOTIFY_DINGTALK_WEBHOOK = ""
        settings.NOTIFY_DINGTALK_SECRET = ""
        settings.NOTIFY_TIMEOUT = 0.5
        yield server


def _robot(unit, platform="wecom", webhook="", secret="", active=True, base=""):
    return unit_robot_save(actor=None, unit=unit, platform=platform, secret=secret,
                           webhook=webhook or f"{base}/cgi-bin/webhook/send?key={unit.code}",
                           active=active)


def _overdue(*users):
    return notify(users, kind=NotificationKind.OVERDUE, title="项目甲已逾期", body="请尽快办理。")


def _keys(server):
    return sorted(seen.query["key"][0] for seen in server.requests)


def test_a_units_people_reach_their_units_group_the_rest_the_district_default(
        providers, street_a, street_a_reporter, street_b_reporter):
    _robot(street_a, base=providers.base)
    _overdue(street_a_reporter, street_b_reporter)
    assert deliver_due(now=DAY) == {"sent": 2}
    assert _keys(providers) == sorted(["district", street_a.code])
    reached = {seen.query["key"][0]: seen.json for seen in providers.requests}
    assert "**项目甲已逾期**" in reached[street_a.code]["markdown"]["content"]


def test_the_nearest_unit_above_with_a_robot_takes_a_units_messages(
        providers, street_a, community_a, street_b):
    member = UserFactory(username="community_member", unit=community_a, role=Role.REPORTER)
    _robot(street_b, base=providers.base)
    assert robot_for_unit(community_a.pk, "wecom")[0].endswith("key=district")
    _robot(street_a, base=providers.base)
    _overdue(member)
    deliver_due(now=DAY)
    assert _keys(providers) == [street_a.code]
    _robot(community_a, base=providers.base)
    assert robot_for_unit(community_a.pk, "wecom")[0].endswith(f"key={community_a.code}")


def test_an_inactive_robot_is_passed_by(providers, street_a, street_a_reporter):
    _robot(street_a, base=providers.base, active=False)
    _overdue(street_a_reporter)
    deliver_due(now=DAY)
    assert _keys(providers) == ["district"]


def test_without_a_default_a_unit_robot_still_sends_and_the_others_are_skipped_and_logged(
        providers, settings, street_a, street_a_reporter, street_b_reporter):
    settings.NOTIFY_WECOM_WEBHOOK = ""
    _overdue(street_a_reporter)
    assert not Delivery.objects.filter(channel="wecom").exists()  # nowhere to post: not queued
    _robot(street_a, base=providers.base)
    _overdue(street_a_reporter, street_b_reporter)
    assert deliver_due(now=DAY) == {"sent": 1, "skipped": 1}
    skipped = Delivery.objects.get(status="skipped")
    assert skipped.user == street_b_reporter and "未配置群机器人" in skipped.error
    assert _keys(providers) == [street_a.code]


def test_a_units_dingtalk_robot_signs_with_its_own_secret(providers, settings, street_a,
                                                          street_a_reporter, street_b_reporter):
    settings.NOTIFY_WECOM_WEBHOOK = ""
    settings.NOTIFY_DINGTALK_WEBHOOK = f"{providers.base}/robot/send?access_token=district"
    _robot(street_a, "dingtalk", secret="SECstreet",
           webhook=f"{providers.base}/robot/send?access_token=street")
    street_a_reporter.phone = "13800001111"
    street_a_reporter.save()
    notify([street_a_reporter, street_b_reporter], kind=NotificationKind.ESCALATION,
           title="项目甲升级督办", urgent=True)
    assert deliver_due(now=DAY) == {"sent": 2}
    seen = {s.query["access_token"][0]: s for s in providers.requests}
    street, district = seen["street"], seen["district"]
    stamp = street.query["timestamp"][0]
    digest = hmac.new(b"SECstreet", f"{stamp}\nSECstreet".encode(), hashlib.sha256).digest()
    assert street.query["sign"][0] == base64.b64encode(digest).decode()
    assert street.json["at"]["atMobiles"] == ["13800001111"]
    assert "sign" not in district.query and district.json["at"]["atMobiles"] == []


# The service: who, what is checked, what is recorded.

def test_the_system_administrator_adds_a_robot_and_it_is_audited_without_its_key(
        sysadmin, street_a):
    robot = unit_robot_save(actor=sysadmin, unit=street_a, platform="dingtalk",
                            webhook="https://oapi.dingtalk.com/robot/send?access_token=abc123",
                            secret="SECxyz")
    event = AuditEvent.objects.get(action="unit_robot.create", object_id=str(robot.pk))
    assert event.changes["webhook"] == "https://oapi.dingtalk.com/robot/send?access_token=***"
    assert event.changes["secret"] == "changed" and "abc123" not in str(event.changes)
    assert "SECxyz" not in str(event.changes)
    robot = unit_robot_save(actor=sysadmin, robot=robot, unit=street_a, platform="dingtalk",
                            webhook=robot.webhook, secret=None, active=False)
    assert robot.secret == "SECxyz" and not robot.active  # None kept the secret
    event = AuditEvent.objects.get(action="unit_robot.update", object_id=str(robot.pk))
    assert event.changes == {"active": False}


@pytest.mark.parametrize("role_user", ["dispatcher", "street_a_head", "secadmin"])
def test_others_may_not_keep_robots(request, role_user, street_a):
    actor = request.getfixturevalue(role_user)
    with pytest.raises(Forbidden):
        unit_robot_save(actor=actor, unit=street_a, platform="wecom",
                        webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    assert not UnitRobot.objects.exists()


@pytest.mark.parametrize(("platform", "webhook", "secret", "code", "message"), [
    ("wecom", "", "", "robot.webhook_missing", "请填写 Webhook 地址。"),
    ("wecom", "ftp://example.com/hook", "", "robot.webhook_invalid", "不是有效的网址"),
    ("wecom", "https://exa mple.com/hook", "", "robot.webhook_invalid", "不是有效的网址"),
    ("wecom", "https://qyapi.weixin.qq.com/x?key=k", "SEC1", "robot.secret_wecom", "请留空"),
    ("feishu", "https://open.feishu.cn/hook", "", "robot.platform", "企业微信或钉钉"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_saved(sysadmin, street_a, platform,
                                                           webhook, secret, code, message):
    with pytest.raises(UserError) as error:
        unit_robot_save(actor=sysadmin, unit=street_a, platform=platform, webhook=webhook,
                        secret=secret)
    assert error.value.code == code and message in error.value.message
    assert not UnitRobot.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="unit_robot").exists()


def test_production_wants_https_as_the_settings_check_does(sysadmin, street_a, settings):
    settings.PRODUCTION = True
    with pytest.raises(UserError) as error:
        unit_robot_save(actor=sysadmin, unit=street_a, platform="wecom",
                        webhook="http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    assert error.value.message == "生产环境中 Webhook 地址必须以 https:// 开头。"
    unit_robot_save(actor=sysadmin, unit=street_a, platform="wecom",
                    webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    settings.PRODUCTION = False
    unit_robot_save(actor=sysadmin, unit=street_a, platform="dingtalk",
                    webhook="http://127.0.0.1:9/robot/send")  # a test server is fine outside


def test_one_active_robot_per_unit_and_platform(sysadmin, street_a):
    first = unit_robot_save(actor=sysadmin, unit=street_a, platform="wecom",
                            webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1")
    with pytest.raises(UserError) as error:
        unit_robot_save(actor=sysadmin, unit=street_a, platform="wecom",
                        webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=2")
    assert error.value.message == f"{street_a} 已有启用的企业微信群机器人，请先停用原有的。"
    unit_robot_save(actor=sysadmin, unit=street_a, platform="dingtalk",
                    webhook="https://oapi.dingtalk.com/robot/send?access_token=3")
    unit_robot_save(actor=sysadmin, robot=first, unit=street_a, platform="wecom",
                    webhook=first.webhook, active=False)
    unit_robot_save(actor=sysadmin, unit=street_a, platform="wecom",
                    webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=2")
    assert UnitRobot.objects.filter(active=True).count() == 2


def test_masked_hides_every_query_value():
    assert masked("https://h/p?key=abc&x=1") == "https://h/p?key=***&x=***"
    assert masked("https://h/p") == "https://h/p"


# The admin page writes through the service.

def test_the_admin_form_saves_through_the_service_and_refuses_a_duplicate(client, sysadmin,
                                                                          street_a):
    client.force_login(sysadmin)
    url = reverse("admin:core_unitrobot_add")
    data = {"unit": street_a.pk, "platform": "wecom", "active": "on",
            "webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1"}
    assert client.post(url, data).status_code == 302
    robot = UnitRobot.objects.get()
    assert AuditEvent.objects.filter(action="unit_robot.create",
                                     object_id=str(robot.pk)).exists()
    answer = client.post(url, {**data, "webhook": data["webhook"] + "2"})
    assert answer.status_code == 200 and "已有启用的企业微信群机器人" in answer.content.decode()
    assert UnitRobot.objects.count() == 1
    listing = client.get(reverse("admin:core_unitrobot_changelist")).content.decode()
    assert "key=***" in listing and "key=k1" not in listing
