"""投票结果登记表 as .xlsx (LedgerWriter of diaodu/ledgers/exports.py): the count per candidate
and, on a second part, the roll with who voted — never how."""

from django.utils.translation import gettext as _

from diaodu.ledgers.exports import Col, LedgerWriter, _unit_line

from . import selectors


def export_results(user, results) -> bytes:
    poll = results.poll
    columns = [Col("序号", 6, "int"), Col("候选人 / 选民", 24), Col("得票 / 单位", 24),
               Col("备注", 20)]
    writer = LedgerWriter(_("%(t)s 投票结果") % {"t": poll.title}, _unit_line(user, "票"),
                          columns, memory=False, sheet="结果")
    writer.section(_("一、计票结果（应到%(e)s人，实投%(v)s人，收回选票%(b)s张）")
                   % {"e": results.eligible, "v": results.voted, "b": results.cast})
    for n, c in enumerate(results.rows, start=1):
        writer.write([n, c.name, c.tally or 0, ""])
    writer.section(_("二、参加投票名单（只记是否投票，不记投给谁）"))
    for n, voter in enumerate(selectors.roll(user=user, poll=poll), start=1):
        writer.write([n, str(voter.user), str(voter.user.unit or ""),
                      _("已投票") if voter.voted else _("未投票")])
    return writer.close()
