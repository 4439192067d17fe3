"""Group robots per unit (企业微信/钉钉): where a group message to a person goes, and the service
that keeps the units' robots.

A message posted by a group robot goes to the recipient's unit's group: the robot of the
recipient's unit on that platform, else the nearest unit above it that has one (a community's
people reach their street's group), else the district-wide webhook from settings
(NOTIFY_WECOM_WEBHOOK, NOTIFY_DINGTALK_WEBHOOK with NOTIFY_DINGTALK_SECRET). Nowhere to post:
the delivery is skipped and logged. In production a webhook must be https, as the settings
check demands of the settings' webhooks."""

import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit
from diaodu.core.models_notify import RobotPlatform, UnitRobot
from diaodu.core.roles import ROBOT_ADMINS, require_role


@dataclass(frozen=True)
class RobotAddress:
    """Where one group message goes: the webhook, its 钉钉 signing secret, and the reader's
    mobile to @mention ("" when unknown)."""

    url: str
    secret: str
    mobile: str


def _default(platform: str) -> tuple[str, str] | None:
    if platform == RobotPlatform.WECOM:
        return (settings.NOTIFY_WECOM_WEBHOOK, "") if settings.NOTIFY_WECOM_WEBHOOK else None
    if settings.NOTIFY_DINGTALK_WEBHOOK:
        return settings.NOTIFY_DINGTALK_WEBHOOK, settings.NOTIFY_DINGTALK_SECRET
    return None


def robot_for_unit(unit_id: int | None, platform: str) -> tuple[str, str] | None:
    """(webhook, secret) of the unit's robot, the nearest one above it, or the default."""
    if unit_id is not None:
        path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
        if path:
            step = OrgUnit.steplen
            ancestry = [path[:end] for end in range(step, len(path) + 1, step)]
            nearest = (UnitRobot.objects.filter(unit__path__in=ancestry, platform=platform,
                                                active=True)
                       .order_by("-unit__depth").values_list("webhook", "secret").first())
            if nearest:
                return nearest
    return _default(platform)


def robot_address(user: Any, platform: str) -> RobotAddress | None:
    """Where a group message to `user` goes on `platform`; None when nowhere."""
    target = robot_for_unit(getattr(user, "unit_id", None), platform)
    if target is None:
        return None
    mobile = (getattr(user, "phone", "") or "").strip()
    return RobotAddress(url=target[0], secret=target[1], mobile=mobile)


def robots_reachable(platform: str) -> bool:
    """Whether any group message can go out on `platform` (a default or an active robot)."""
    return _default(platform) is not None or \
        UnitRobot.objects.filter(platform=platform, active=True).exists()


def masked(url: str) -> str:
    """The webhook with its query values (the robot's key or token) hidden, for the audit log
    and the admin list."""
    parts = urllib.parse.urlsplit(url)
    query = "&".join(f"{name}=***" for name, _value in urllib.parse.parse_qsl(
        parts.query, keep_blank_values=True))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _clean_webhook(webhook: str) -> str:
    webhook = (webhook or "").strip()
    if not webhook:
        raise UserError("robot.webhook_missing", _("请填写 Webhook 地址。"), "webhook")
    try:
        URLValidator(schemes=["http", "https"])(webhook)
    except ValidationError:
        raise UserError("robot.webhook_invalid",
                        _("Webhook 地址不是有效的网址（须以 http:// 或 https:// 开头）。"),
                        "webhook") from None
    if settings.PRODUCTION and not webhook.startswith("https://"):
        raise UserError("robot.webhook_not_https",
                        _("生产环境中 Webhook 地址必须以 https:// 开头。"), "webhook")
    return webhook


def unit_robot_save(*, actor: Any, unit: OrgUnit | None, platform: str, webhook: str,
                    secret: str | None = "", active: bool = True,
                    robot: UnitRobot | None = None) -> UnitRobot:
    """Add a unit's group robot (`robot` None) or change one. `secret` None keeps the stored
    one (an edit form that does not show it); "" clears it. Only one active robot per unit and
    platform."""
    require_role(actor, ROBOT_ADMINS, gettext_noop("只有系统管理员可以管理群机器人。"))
    if unit is None:
        raise UserError("robot.unit_missing", _("请选择单位。"), "unit")
    if platform not in RobotPlatform.values:
        raise UserError("robot.platform", _("平台须为企业微信或钉钉。"), "platform")
    webhook = _clean_webhook(webhook)
    if secret is not None:
        secret = secret.strip()
        if secret and platform != RobotPlatform.DINGTALK:
            raise UserError("robot.secret_wecom",
                            _("企业微信群机器人不使用加签密钥，请留空。"), "secret")
    with transaction.atomic():
        if robot is not None:
            robot = UnitRobot.objects.select_for_update().get(pk=robot.pk)
            before = {"unit": str(robot.unit), "platform": robot.platform,
                      "webhook": masked(robot.webhook), "active": robot.active}
            old_secret = robot.secret
        else:
            robot, before, old_secret = UnitRobot(), {}, ""
        if secret is None:
            secret = old_secret if platform == RobotPlatform.DINGTALK else ""
        if active and UnitRobot.objects.filter(unit=unit, platform=platform, active=True) \
                .exclude(pk=robot.pk).exists():
            raise UserError(
                "robot.duplicate",
                _("%(unit)s 已有启用的%(platform)s群机器人，请先停用原有的。")
                % {"unit": unit, "platform": RobotPlatform(platform).label}, "unit")
        robot.unit, robot.platform, robot.webhook = unit, platform, webhook
        robot.secret, robot.active = secret, active
        robot.save()
        after = {"unit": str(unit), "platform": platform, "webhook": masked(webhook),
                 "active": active}
        changes = {k: v for k, v in after.items() if before.get(k) != v}
        if secret != old_secret:
            changes["secret"] = "changed" if secret else "cleared"
        if changes or not before:
            audit.record(actor, "unit_robot.update" if before else "unit_robot.create", robot,
                         changes)
    return robot
