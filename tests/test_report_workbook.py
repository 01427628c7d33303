"""Report workbook: opens with openpyxl, 31 province rows, number formats, frozen
header rows, filters, native charts; optional workload columns and coverage curve;
atomic and refused for a bad path."""
from __future__ import annotations

import openpyxl
import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.recommend import RecommendParams, accept, recommend
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.siting.capacity import capacity
from reach_planner.ui.report.workbook import write_workbook


@pytest.fixture(scope="module")
def scenario():
    params = ScenarioParams(outlets=2000, sites=300, cell_km=20.0)
    first = run_scenario(params)
    rec = recommend(first, RecommendParams(count=12))
    return run_scenario(params, network=accept(first.network, rec)), rec


@pytest.fixture(scope="module")
def book(scenario, tmp_path_factory):
    result, _rec = scenario
    path = write_workbook(result, tmp_path_factory.mktemp("wb") / "pack.xlsx")
    return result, openpyxl.load_workbook(path)


def test_sheets_rows_and_header_handling(book):
    result, wb = book
    assert wb.sheetnames == ["provinces", "gap_regions", "counties", "outlets", "recommendations", "scenario"]
    prov = wb["provinces"]
    assert prov.max_row == 32  # header + 31 provinces
    codes = [prov.cell(r, 1).value for r in range(2, 33)]
    assert codes == sorted(p.gb_code for p in result.summary.provinces)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        assert all(c.font.b for c in ws[1])
    assert wb["gap_regions"].max_row == len(result.gaps.regions) + 1
    assert wb["outlets"].max_row == len(result.network.outlets) + 1
    assert wb["recommendations"].max_row == 13  # the 12 accepted outlets
    assert {c.value for c in wb["recommendations"]["M"][1:]} == {"accepted"}


def test_counties_sheet_adds_up_to_the_provinces_sheet(book):
    """Issue 22: the county rows (every county planning unit) sum to their province's row."""
    result, wb = book
    prov, counties = wb["provinces"], wb["counties"]
    ph, ch = [c.value for c in prov[1]], [c.value for c in counties[1]]
    assert counties.max_row == len(result.summary.counties) + 1
    assert ch[:8] == ["adcode", "gb_code", "province", "province_zh", "prefecture", "prefecture_zh",
                      "county", "county_zh"]
    rows = list(counties.iter_rows(min_row=2, values_only=True))
    for p in prov.iter_rows(min_row=2, values_only=True):
        mine = [r for r in rows if r[1] == p[ph.index("gb_code")]]
        assert {r[ch.index("province_zh")] for r in mine} == {p[ph.index("province_zh")]}
        for key in ("rural_population", "rural_covered", "rural_unreached", "outlets"):
            assert sum(r[ch.index(key)] for r in mine) == p[ph.index(key)], key
    assert counties.cell(2, ch.index("rural_covered_pct") + 1).number_format == "0.0%"


def test_number_formats_and_values(book):
    result, wb = book
    prov = wb["provinces"]
    header = [c.value for c in prov[1]]
    pct = prov.cell(2, header.index("rural_covered_pct") + 1)
    assert pct.number_format == "0.0%"
    assert pct.value == pytest.approx(result.summary.provinces[0].rural_covered_pct / 100)
    assert prov.cell(2, header.index("rural_population") + 1).number_format == "#,##0"
    gaps = wb["gap_regions"]
    gheader = [c.value for c in gaps[1]]
    assert gaps.cell(2, gheader.index("nearest_town") + 1).value  # every gap named by a town


def test_native_coverage_chart(book):
    _result, wb = book
    charts = wb["provinces"]._charts
    assert len(charts) == 1 and charts[0].tagname == "barChart"


def test_curve_sheet_and_workload_columns_when_present(scenario, tmp_path):
    result, rec = scenario
    # a real capacity analysis and a real recommendation with its coverage curve: the
    # workbook shows their sheets and columns only when it is given them
    cap = capacity(result, 400)
    assert len(rec.curve) > 1
    wb = openpyxl.load_workbook(write_workbook(result, tmp_path / "b.xlsx", "en", rec, cap))
    out = wb["outlets"]
    header = [c.value for c in out[1]]
    assert header[-4:] == ["workload_households", "served_households", "capacity_households",
                           "over_capacity"]
    rows = list(out.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(result.network.outlets)
    assert sum(r[-1] for r in rows) == len(cap.overloaded)  # over capacity = the analysis' list
    assert all(r[-3] <= 400 for r in rows)  # served within capacity
    ws = wb["coverage_curve"]
    assert ws.max_row == len(rec.curve) + 1 and ws._charts[0].tagname == "lineChart"
    assert ws.cell(ws.max_row, 2).value == round(rec.curve[-1])
    statuses = [c.value for c in wb["recommendations"]["M"][1:]]
    assert statuses.count("proposed") == len(rec.sites) and statuses.count("accepted") == 12
    assert "workload_households" not in [c.value for c in openpyxl.load_workbook(
        write_workbook(result, tmp_path / "plain.xlsx"))["outlets"][1]]


def test_formula_like_names_stay_text(scenario, tmp_path):
    result, _ = scenario
    outlets = result.network.outlets.copy()
    outlets.loc[0, "name"] = "=HYPERLINK(\"http://x\")\x07"
    net = result.network.with_layers(outlets=outlets)
    wb = openpyxl.load_workbook(write_workbook(run_scenario(result.params, network=net),
                                               tmp_path / "c.xlsx"))
    cell = wb["outlets"]["B2"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"


def test_bad_path_refused_and_old_file_kept(scenario, tmp_path):
    result, _ = scenario
    with pytest.raises(ValueError, match="unsupported workbook format"):
        write_workbook(result, tmp_path / "book.xls")
    with pytest.raises(ValueError, match="does not exist"):
        write_workbook(result, tmp_path / "nope" / "book.xlsx")
    assert list(tmp_path.iterdir()) == []
