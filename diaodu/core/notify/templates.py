"""One template per kind and channel, in Chinese, with variables: {name} (the reader), {title},
{body}, {link} (the subject's page, absolute), {site} (NOTIFY_SITE_NAME). SMS goes out as the
gateway's template code for the kind (NOTIFY_SMS_TEMPLATES) with these variables as its
parameters; the text here is what the gateway's template says and what the log shows.
Robot messages are markdown, or text with an @mention of the reader's mobile when urgent."""

from collections.abc import Mapping
from dataclasses import dataclass

_SMS = {
    "reminder": "{name}您好：到期提醒，{title}。请及时办理。",
    "overdue": "{name}您好：{title}已逾期，请尽快办理并反馈。",
    "escalation": "{name}您好：{title}已升级督办，请立即办理。",
    "chase": "{name}您好：{title}，尚有项目未报送，请抓紧填报。",
    "report_returned": "{name}您好：{title}已被退回，请修改后重新报送。",
    "case_assigned": "{name}您好：您单位有新交办事项：{title}。",
    "event_dispatched": "{name}您好：有新派遣事件：{title}，请及时处置。",
    "other": "{name}您好：{title}。",
}

_ROBOT_HEAD = {
    "reminder": "到期提醒", "overdue": "逾期提醒", "escalation": "升级督办", "chase": "催报",
    "report_returned": "报告退回", "case_assigned": "新交办事项",
    "event_dispatched": "事件派遣", "other": "消息",
}

_MARKDOWN = {
    "wecom": "### {head}\n**{title}**\n> {body}\n\n接收人：{name}　[查看详情]({link})",
    "dingtalk": "### {head}\n\n**{title}**\n\n> {body}\n\n接收人：{name}　[查看详情]({link})",
}
_TEXT = "【{head}】{title}\n{body}\n接收人：{name}\n{link}"

_EMAIL_SUBJECT = "【{site}】{head}：{title}"
_EMAIL_BODY = ("{name}您好：\n\n{title}\n\n{body}\n\n查看详情：{link}\n\n"
               "—— {site}（系统邮件，请勿回复）")

TEMPLATES: dict[tuple[str, str], str] = {}
for _kind, _head in _ROBOT_HEAD.items():
    TEMPLATES[(_kind, "sms")] = _SMS[_kind]
    TEMPLATES[(_kind, "wecom")] = _MARKDOWN["wecom"].replace("{head}", _head)
    TEMPLATES[(_kind, "dingtalk")] = _MARKDOWN["dingtalk"].replace("{head}", _head)
    TEMPLATES[(_kind, "email")] = _EMAIL_BODY
    TEMPLATES[(_kind, "text")] = _TEXT.replace("{head}", _head)
    TEMPLATES[(_kind, "subject")] = _EMAIL_SUBJECT.replace("{head}", _head)

@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    markdown: str
    params: Mapping[str, str]


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(kind: str, channel: str, values: Mapping[str, str]) -> Rendered:
    """The message for `kind` on `channel` filled with `values` (a missing value: empty)."""
    filled = _Values({k: str(v) for k, v in values.items()})
    if not filled.get("body"):
        filled["body"] = filled.get("title", "")
    body_key = channel if channel in ("sms", "email") else "text"
    markdown = TEMPLATES.get((kind, channel), "") if channel in _MARKDOWN else ""
    return Rendered(subject=TEMPLATES[(kind, "subject")].format_map(filled),
                    text=TEMPLATES[(kind, body_key)].format_map(filled),
                    markdown=markdown.format_map(filled),
                    params={k: filled[k] for k in ("name", "title", "link")})
