"""Excel registers of the mediation app, laid out like the ledgers (diaodu/ledgers/exports.py's
LedgerWriter: title row, unit line, headers, 万元 formats, frozen panes, A3 landscape; text
starting with = + - @ is written quoted so it is never a formula). Every read goes through the
scoped selectors; parties are masked for users who do not handle the case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from diaodu.core.money import CENT
from diaodu.ledgers.exports import Col, LedgerWriter, _unit_line

from . import selectors

CHUNK = 500


def export_disputes(user, year: int) -> bytes:
    """人民调解登记台账 of `year`: one row per dispute, totals at the foot."""
    columns = [Col("序号", 6, "int"), Col("编号", 18), Col("受理日期", 11, "date"),
               Col("调委会", 22, "wrap"), Col("层级", 10), Col("纠纷类型", 14),
               Col("申请人", 16, "wrap"), Col("被申请人", 16, "wrap"),
               Col("纠纷简要情况", 40, "wrap"), Col("涉及金额（万元）", 13, "money"),
               Col("调解员", 10), Col("调解结果", 9), Col("办结日期", 11, "date"),
               Col("排查编号", 14)]
    writer = LedgerWriter(_("%(y)s年人民调解登记台账") % {"y": year}, _unit_line(user),
                          columns)
    qs = selectors.dispute_list(user=user, filters=selectors.DisputeFilters(year=year)) \
        .order_by("serial")
    n, total = 0, Decimal(0)
    settled = 0
    for start in range(0, qs.count(), CHUNK):
        for d in selectors.with_parties(user, qs[start:start + CHUNK]):
            n += 1
            names = {side: "、".join(p.name for p in d.party_list if p.side == side)
                     for side in ("applicant", "respondent")}
            writer.write([n, d.number, d.received_on, d.committee.name,
                          d.committee.get_level_display(), d.get_category_display(),
                          names["applicant"], names["respondent"], d.summary, d.amount,
                          d.mediator.name if d.mediator else "", d.get_outcome_display(),
                          d.concluded_on, d.screening_ref])
            total += d.amount
            settled += d.outcome == "settled"
    writer.subtotal(_("合计（%(n)s件，调成%(s)s件）") % {"n": n, "s": settled},
                    {9: total.quantize(CENT)})
    return writer.close()


def export_stats(user, year: int, month: int | None = None) -> bytes:
    """人民调解工作统计表: by level, by street and by category, each with a total."""
    stats = selectors.dispute_stats(user=user, year=year, month=month)
    title = (_("%(y)s年%(m)s月人民调解工作统计表") % {"y": year, "m": month} if month
             else _("%(y)s年人民调解工作统计表") % {"y": year})
    columns = [Col("序号", 6, "int"), Col("项目", 22), Col("受理（件）", 11, "int"),
               Col("调成", 9, "int", "办结情况（件）"), Col("未调成", 9, "int", "办结情况（件）"),
               Col("转诉讼", 9, "int", "办结情况（件）"), Col("调解中（件）", 11, "int"),
               Col("调成率%", 9), Col("涉及金额（万元）", 14, "money")]
    writer = LedgerWriter(title, _unit_line(user), columns, memory=False, sheet="统计")
    for heading, rows in ((_("一、按层级"), stats.by_level), (_("二、按街道"), stats.by_street),
                          (_("三、按纠纷类型"), stats.by_category)):
        writer.section(heading)
        for n, row in enumerate(rows, start=1):
            writer.write([n, row.label, row.total, row.settled, row.failed, row.litigation,
                          row.pending, "" if row.rate is None else f"{row.rate}", row.amount])
        t = stats.total
        writer.subtotal(_("合计"), {2: t.total, 3: t.settled, 4: t.failed, 5: t.litigation,
                                   6: t.pending, 8: t.amount})
    return writer.close()


def export_mediators(user) -> bytes:
    """人民调解员名册, 金牌调解员 marked."""
    columns = [Col("序号", 6, "int"), Col("姓名", 12), Col("调委会", 30, "wrap"),
               Col("层级", 12), Col("金牌调解员", 10), Col("评定日期", 12, "date"),
               Col("联系电话", 16)]
    writer = LedgerWriter(_("人民调解员名册"), _unit_line(user, "人"), columns)
    gold = 0
    for n, m in enumerate(selectors.mediator_list(user=user).iterator(), start=1):
        writer.write([n, m.name, m.committee.name, m.committee.get_level_display(),
                      _("是") if m.gold else "", m.gold_since, m.phone])
        gold += m.gold
    writer.subtotal(_("其中金牌调解员%(n)s名") % {"n": gold}, {})
    return writer.close()


def export_directory(user, on: date) -> bytes:
    """公共法律服务名录: each street's station, each community's room, adviser and 法律明白人."""
    book = selectors.directory(user=user, on=on)
    columns = [Col("序号", 6, "int"), Col("街道", 14), Col("社区（村）", 16),
               Col("服务站/室", 30, "wrap"), Col("地址", 30, "wrap"), Col("联系电话", 16),
               Col("法律顾问", 26, "wrap"), Col("顾问电话", 16), Col("法律明白人", 30, "wrap")]
    writer = LedgerWriter(_("中原区公共法律服务名录"), _unit_line(user, "个"), columns)
    n = 0
    if book.centre:
        n += 1
        writer.write([n, "", "", book.centre.name, book.centre.address, book.centre.phone,
                      "", "", ""])
    for street in book.streets:
        writer.section(str(street.unit))
        if street.station:
            n += 1
            writer.write([n, str(street.unit), "", street.station.name, street.station.address,
                          street.station.phone, "", "", ""])
        for c in street.communities:
            n += 1
            writer.write([n, str(street.unit), str(c.unit), c.room.name if c.room else "",
                          c.room.address if c.room else "", c.room.phone if c.room else "",
                          "、".join(f"{a.name}（{a.firm}）" for a in c.advisers),
                          "、".join(a.phone for a in c.advisers if a.phone),
                          "、".join(p.name for p in c.liaisons)])
    return writer.close()
