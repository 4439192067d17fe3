"""The street office's 网格户数人口台账 (社区 / 网格 / 户数 / 人口, a section row per community,
a 合计 row with notes under it) through the ledger import: grids created or updated, the same
file twice changes nothing, refused rows named by cell, only the street centres may import."""

import io

import pytest
import xlsxwriter

from diaodu.core.errors import Forbidden
from diaodu.core.models import OrgUnit, UnitKind
from diaodu.grids.models import GridProfile

from ..ledgers.conftest import run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def street_register(rows_by_community, *, total=None):
    """The register as 林山寨街道 keeps it: title, unit line, header, then per community a
    section row (一、××社区 with its sums) and its grids; 合计 and notes at the end."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("网格台账")
    sheet.merge_range(0, 0, 0, 4, "林山寨街道网格户数人口统计表")
    sheet.write_row(1, 0, ["填报单位：林山寨街道城运中心", None, None, "2023年3月"])
    sheet.write_row(2, 0, ["序号", "社区", "网格名称", "户数（户）", "人口（人）"])
    r = 3
    numerals = "一二三四五"
    for n, (community, grids) in enumerate(rows_by_community):
        sheet.write_row(r, 0, [f"{numerals[n]}、{community}", None, None,
                               sum(g[1] for g in grids), sum(g[2] for g in grids)])
        r += 1
        for i, (name, households, population) in enumerate(grids, start=1):
            sheet.write_row(r, 0, [i, None, name, households, population])
            r += 1
    if total is not None:
        sheet.write_row(r, 0, ["合计", None, None, *total])
        sheet.write_row(r + 1, 0, ["填报人：王芳　联系电话：0371-67000000"])
    book.close()
    return buffer.getvalue()


ROWS = [("阳光花苑社区", [("第一网格", 430, 1210), ("第二网格", 186, 510),
                          ("第三网格", 355, 1002)]),
        ("秦岭社区", [("秦岭第一网格", 480, 1400)])]


@pytest.fixture
def qinling(world, street_a):
    from ..factories import unit

    return unit("410102001002", "秦岭社区", UnitKind.COMMUNITY, street_a)


def test_street_register_imports_exactly_and_twice_changes_nothing(world, qinling):
    data = street_register(ROWS, total=[1451, 4122])
    dry = run(world.street_a_ops, "grids", data, filename="网格台账.xlsx", commit=False)
    assert dry.summary["error"] == 0, dry.summary
    assert (dry.summary["create"], dry.summary["update"]) == (2, 2)
    assert not GridProfile.objects.filter(households=430).exists()
    job = run(world.street_a_ops, "grids", data, filename="网格台账.xlsx")
    assert job.summary["committed"] and job.summary["rows"] == 4
    profiles = {p.unit.name: (p.households, p.population)
                for p in GridProfile.objects.select_related("unit")}
    assert profiles["第一网格"] == (430, 1210) and profiles["第三网格"] == (355, 1002)
    assert profiles["秦岭第一网格"] == (480, 1400)
    third = OrgUnit.objects.get(name="第三网格")
    assert third.kind == UnitKind.GRID and third.path.startswith(world.community_a.path)
    again = run(world.street_a_ops, "grids", data, filename="网格台账.xlsx")
    assert again.summary["unchanged"] == 4 and again.summary["create"] == 0


def test_a_community_of_another_street_is_refused_naming_the_cell(world):
    data = street_register([("须水社区", [("须水第一网格", 640, 1900)]),
                            ("阳光花苑社区", [("第一网格", -5, 1210)])])
    job = run(world.street_a_ops, "grids", data, commit=False)
    errors = {e["cell"]: e["message"] for row in job.rows for e in row["errors"]}
    assert job.summary["error"] == 2
    # The community comes from the section row above (B4): 须水社区 is street B's.
    assert errors["B5"] == "社区“须水社区”不在您负责的街道中。"
    assert errors["D7"] == "户数不能为负数：-5"
    assert GridProfile.objects.get(unit=world.b1).households == 650


def test_only_the_city_operations_centres_import_grids(world, street_a_reporter):
    with pytest.raises(Forbidden):
        run(street_a_reporter, "grids", street_register(ROWS), commit=False)
    with pytest.raises(Forbidden):
        run(world.worker_a1, "grids", street_register(ROWS), commit=False)


def test_the_demo_register_with_micro_grids_imports_exactly(world, qinling):
    """The register as the demo writes it (merged two-row header, section rows, each grid
    followed by its micro-grids' rows, 合计 and notes): micro-grids are created under the grid
    the row names, the grid keeps the figures of its own row; the same file twice changes
    nothing."""
    from diaodu.demo.grid_register import workbook

    data = workbook("林山寨街道", [
        ("阳光花苑社区", [("第一网格", [60, 62, 58], 180), ("第三网格", [70, 49], 119)]),
        ("秦岭社区", [("秦岭第一网格", [], 480)])])
    job = run(world.street_a_ops, "grids", data, filename="网格台账.xlsx")
    assert job.summary["committed"], job.rows
    assert (job.summary["create"], job.summary["update"], job.summary["unchanged"]) == (7, 1, 0)
    profiles = {p.unit.name: (p.unit.kind, p.households, p.population)
                for p in GridProfile.objects.select_related("unit")}
    assert profiles["第一网格"] == (UnitKind.GRID, 180, 504)
    assert profiles["第一网格2号微网格"] == (UnitKind.MICRO_GRID, 62, 174)
    assert profiles["第三网格2号微网格"] == (UnitKind.MICRO_GRID, 49, 137)
    assert profiles["秦岭第一网格"] == (UnitKind.GRID, 480, 1344)
    micro = OrgUnit.objects.get(name="第三网格1号微网格")
    assert micro.path.startswith(OrgUnit.objects.get(name="第三网格").path)
    assert micro.depth == world.a1.depth + 1
    again = run(world.street_a_ops, "grids", data, filename="网格台账.xlsx")
    assert again.summary["unchanged"] == 8 and again.summary["create"] == 0


def test_a_micro_grid_of_a_grid_not_listed_is_refused_and_nothing_written(world):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("网格台账")
    sheet.write_row(0, 0, ["社区", "网格", "微网格", "户数", "人口"])
    sheet.write_row(1, 0, ["阳光花苑社区", "第一网格", "第一网格1号微网格", 60, 170])
    sheet.write_row(2, 0, ["阳光花苑社区", "第九网格", "第九网格1号微网格", 55, 150])
    book.close()
    job = run(world.street_a_ops, "grids", buffer.getvalue())
    errors = {e["cell"]: e["message"] for row in job.rows for e in row["errors"]}
    assert not job.summary["committed"] and job.summary["error"] == 1
    assert errors == {"B3": "微网格“第九网格1号微网格”所属的网格“第九网格”在阳光花苑社区下还没有，"
                            "请在它上方先列出该网格的行。"}
    assert not OrgUnit.objects.filter(kind=UnitKind.MICRO_GRID).exists()
