"""Ledgers people really send, built in memory: title rows, a two-row merged header, section
rows, subtotals and a grand total."""

import io
from decimal import Decimal

import pytest
import xlsxwriter

from diaodu.core.models import OrgUnit, UnitKind
from diaodu.core.roles import Role
from diaodu.ledgers import services

from ..factories import CategoryFactory, UserFactory, unit
from ..investment.conftest import building_a, building_b  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def categories(db):
    return [CategoryFactory(code="urban_renewal", name="城市更新"),
            CategoryFactory(code="industry", name="产业项目")]


def xlsx(rows, *, merges=(), formulas=()):
    """An xlsx file from a list of rows; `merges` are (first_row, first_col, last_row,
    last_col, text); `formulas` (row, col, formula) are written without a cached value."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("台账")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    for r0, c0, r1, c1, text in merges:
        sheet.merge_range(r0, c0, r1, c1, text)
    for r, c, formula in formulas:
        sheet.write_formula(r, c, formula)
    book.close()
    return buffer.getvalue()


PROJECT_HEADER = ["序号", "项目代码", "项目\n名称", "级别", "类别", "责任单位", "属地",
                  "总投资（亿元）", "建设内容及规模", "计划开工时间"]


def project_ledger(rows, *, total=None):
    """A 重点项目台账 as units keep it, amounts in 亿元."""
    sheet = [["中原区2022年重点项目台账"], ["填报单位：区发改委", None, None, None, None,
                                              None, None, "单位：亿元"],
             PROJECT_HEADER, ["一、省重点项目"]]
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *row])
    if total is not None:
        sheet.append(["合  计", None, None, None, None, None, None, total])
    return xlsx(sheet)


def run(actor, kind, data, *, filename="台账.xlsx", commit=True, **options):
    job = services.import_job_create(actor=actor, kind=kind, filename=filename, data=data,
                                     options=options)
    return services.import_job_run(actor=actor, job=job, commit=commit)


def money(text):
    return Decimal(text)


@pytest.fixture
def offices(district, street_a, street_b, drc):
    """Departments and streets under their full names; the ledgers write them otherwise."""
    made = {
        "zhujian": unit("410102-ZJJ", "中原区住房和城乡建设局", UnitKind.DEPARTMENT, district),
        "shangwu": unit("410102-SWJ", "中原区商务局", UnitKind.DEPARTMENT, district),
        "jiaoyu": unit("410102-JYJ", "中原区教育局", UnitKind.DEPARTMENT, district),
        "chengguan": unit("410102-CGJ", "中原区城市管理局", UnitKind.DEPARTMENT, district),
        "mianfang": unit("410102003", "棉纺路街道办事处", UnitKind.STREET, district),
        "qinling": unit("410102004", "秦岭路街道", UnitKind.STREET, district),
    }
    for key, short in (("zhujian", "区住建局"), ("shangwu", "区商务局")):
        OrgUnit.objects.filter(pk=made[key].pk).update(short_name=short)
        made[key].short_name = short
    CategoryFactory(code="industry", name="产业项目")
    CategoryFactory(code="urban_renewal", name="城市更新")
    CategoryFactory(code="infrastructure", name="基础设施")
    UserFactory(username="wangjianguo", display_name="王建国", unit=district, role=Role.LEADER)
    return made
