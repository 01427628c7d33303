"""Report languages (issue 23 defect 20, issue 22 item 4): a zh pack reads as Chinese
throughout (Chinese place names, full-width punctuation in Chinese sentences, Chinese
workbook sheets and headers) and an en pack prints plain pinyin; map names are text.

The fast tests check the text sources (templates, translation tables, the name data);
the slow ones build whole packs and read them back with pdftotext and openpyxl.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from reach_planner.geo.data import DATA_DIR, load_china
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.recommend import RecommendParams, accept, recommend
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.siting.capacity import capacity
from reach_planner.ui.maps.style import MAP_TEXT_LABELS, short_zh
from reach_planner.ui.maps.texts import translate
from reach_planner.ui.report import workbook
from reach_planner.ui.report.options import ReportOptions
from reach_planner.ui.report.pack import write_report
from reach_planner.ui.report.texts import CHART_ZH, HEADERS_ZH, SHEETS_ZH, TEXT, VALUES_ZH, place_line, province_title

HAN = "\u3400-\u9fff"
# Latin letters with diacritics (Latin-1 letters, Latin Extended A/B and Additional) and
# combining marks: "Yùmén" in either spelling. "·" (U+00B7) and "×" (U+00D7) are not letters.
DIACRITIC = re.compile("[À-ÖØ-öø-ɏḀ-ỿ\u0300-\u036f]")
PINYIN_NEAR = re.compile(r"[A-Za-zÀ-ž]+附近")
# An ASCII comma, colon or semicolon touching Chinese text: "（凉山彝族自治州）, 四川省".
ASCII_IN_ZH = re.compile(rf"[{HAN}（）]\s?[,:;]|[,:;]\s?[{HAN}（）]")
# Latin words a zh pack may print: the data credits' proper names and the north arrow.
ZH_LATIN_OK = {"Natural", "Earth", "GeoNames", "CC", "BY", "N"}
UNITS = re.compile(r"km²|km|%")


def ascii_letters(s: str) -> bool:
    return bool(re.search("[A-Za-z]", UNITS.sub("", s)))


# -- fast: the text sources ---------------------------------------------------------------------
def _template(s: str) -> str:
    return re.sub(r"\{[^}]*\}", "0", s)


def test_zh_templates_use_chinese_punctuation():
    for key, text in TEXT["zh"].items():
        s = _template(text)
        assert not ASCII_IN_ZH.search(s), (key, text)
        assert "(" not in s and ")" not in s, (key, text)
    for key in MAP_TEXT_LABELS:  # legend, credits, projection note of the map pieces
        s = _template(translate(key, "zh"))
        assert not ASCII_IN_ZH.search(s) and "(" not in s and ")" not in s, (key, s)
        assert set(re.findall("[A-Za-z]+", s)) <= ZH_LATIN_OK, (key, s)


def test_place_lines_and_titles_in_the_page_language():
    muli = "木里藏族自治县（凉山彝族自治州）"
    assert place_line((muli, "四川省"), "zh") == f"{muli}，四川省"
    assert place_line(("Muli, Liangshan", "", "Sichuan"), "en") == "Muli, Liangshan, Sichuan"
    assert province_title("Beijing", "北京市", "zh") == "北京市"
    assert province_title("Beijing", "北京市", "en") == "Beijing · 北京市"
    assert TEXT["zh"]["code_head"].format(code=11) == "代码 11"


def test_every_workbook_header_sheet_and_word_has_chinese():
    columns = [c[0] for cols in (workbook.PROVINCE_COLUMNS, workbook.GAP_COLUMNS, workbook.COUNTY_COLUMNS,
                                 workbook.REC_COLUMNS) for c in cols]
    columns += ["site_id", "name", "gb_code", "province_zh", "lon", "lat", "parent_id", "source",
                "workload_households", "served_households", "capacity_households", "over_capacity",
                "new_outlets", "newly_covered", "rural_covered_pct", "figure", "value", "scenario",
                "attribution", "distribution_sites", "service_outlets"]
    columns += [f"param_{k}" for k in ScenarioParams().to_dict()]
    missing = [c for c in columns if c not in HEADERS_ZH]
    assert not missing
    for table in (HEADERS_ZH, SHEETS_ZH, VALUES_ZH, CHART_ZH):
        for key, zh in table.items():
            assert re.search(f"[{HAN}]", zh) and not ascii_letters(zh), (key, zh)
            assert not ASCII_IN_ZH.search(zh) and "(" not in zh, (key, zh)
    assert {"simulated", "imported", "recommended", "accepted", "proposed", "straight", "terrain",
            "population", "towns", "uniform"} <= set(VALUES_ZH)


def test_place_name_data_is_plain_pinyin():
    """The names the pages print come from these files (GeoNames English, the division
    list's pinyin): no diacritics, so an en page never says "Yùmén"."""
    places = pd.read_csv(DATA_DIR / "places.csv", keep_default_na=False, dtype=str)
    div = pd.read_csv(DATA_DIR / "divisions.csv", keep_default_na=False, dtype=str)
    for col in (places["name"], div["name_en"], div["prefecture_en"], load_china().provinces["name_en"]):
        bad = col[col.str.contains(DIACRITIC)]
        assert bad.empty, bad.head().tolist()


# -- slow: whole packs ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scenario():
    """A small, coarse scenario with ten accepted recommended outlets and a pending
    recommendation of five more (every sheet and row kind of the workbook)."""
    params = ScenarioParams(outlets=3000, sites=400, cell_km=20.0)
    first = run_scenario(params)
    result = run_scenario(params, network=accept(first.network, recommend(first, RecommendParams(count=10))))
    return result, recommend(result, RecommendParams(count=5))


@pytest.fixture(scope="module")
def packs(scenario, tmp_path_factory):
    d = tmp_path_factory.mktemp("lang")
    result, _ = scenario
    return {lang: write_report(result, ReportOptions(lang=lang), d / f"pack_{lang}.pdf")[0]
            for lang in ("en", "zh")}


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def province_names(lang: str) -> list[str]:
    prov = load_china().provinces
    return [short_zh(n) for n in prov["name_zh"]] if lang == "zh" else list(prov["name_en"])


@pytest.mark.slow
def test_zh_pack_reads_as_chinese(packs):
    text = pdf_text(packs["zh"])
    assert "附近" in text  # the gap lists name their towns
    assert not DIACRITIC.search(text), DIACRITIC.findall(text)[:5]
    assert not PINYIN_NEAR.search(text), PINYIN_NEAR.findall(text)[:5]
    assert not ASCII_IN_ZH.search(text), ASCII_IN_ZH.findall(text)[:5]
    assert "(" not in text and ")" not in text
    words = set(re.findall("[A-Za-z]+", re.sub(r"\b[A-Z]{2}\d{5,}\b", "", text)))  # site ids are data
    assert words <= ZH_LATIN_OK, sorted(words - ZH_LATIN_OK)


@pytest.mark.slow
def test_national_pages_name_provinces_and_cities_as_text(packs):
    zh = pdf_text(packs["zh"], 1)
    assert sum(p in zh for p in province_names("zh")) >= 28
    assert "成都" in zh and "深圳" in zh
    fujian = next(i for i, p in enumerate(load_china().provinces["gb_code"]) if p == 35) + 2
    assert "厦门" in pdf_text(packs["zh"], fujian)
    en = pdf_text(packs["en"], 1)
    assert sum(p in en for p in province_names("en")) >= 28
    assert "Chengdu" in en and "Shenzhen" in en


@pytest.mark.slow
def test_en_pack_prints_plain_pinyin(packs):
    text = pdf_text(packs["en"])
    assert "near " in text
    assert not DIACRITIC.search(text), DIACRITIC.findall(text)[:5]
    # Chinese only beside an English name (the province titles), never alone
    for line in text.splitlines():
        if re.search(f"[{HAN}]", line):
            assert re.search("[A-Za-z]{3}", line), line


@pytest.mark.slow
def test_zh_workbook_sheets_headers_and_words_are_chinese(scenario, tmp_path):
    result, rec = scenario
    outlets = result.network.outlets.copy()
    outlets.loc[0, "name"] = "=HYPERLINK(\"http://x\",\"y\")"  # user text stays data
    named = run_scenario(result.params, network=result.network.with_layers(outlets=outlets))
    wb = openpyxl.load_workbook(workbook.write_workbook(named, tmp_path / "zh.xlsx", "zh", rec,
                                                       capacity(named, 400)))
    assert len(wb.sheetnames) == 7
    for ws in wb.worksheets:
        assert re.fullmatch(f"[{HAN}]+", ws.title), ws.title
        for cell in ws[1]:
            assert cell.value and not ascii_letters(str(cell.value)), (ws.title, cell.value)
        for chart in ws._charts:
            title = "".join(r.t for p in chart.title.tx.rich.p for r in p.r)
            assert re.search(f"[{HAN}]", title) and not ascii_letters(title), title
    prov, outs, recs, scen = (wb[SHEETS_ZH[k]] for k in ("provinces", "outlets", "recommendations", "scenario"))
    assert [c.value for c in prov[1]][:3] == ["省级代码", "省份（英文）", "省份"]
    head = [c.value for c in outs[1]]
    assert outs.cell(2, head.index("名称") + 1).value == "=HYPERLINK(\"http://x\",\"y\")"
    assert outs.cell(2, head.index("名称") + 1).data_type == "s"
    assert outs.cell(2, head.index("省份") + 1).value == "北京市"
    assert {c.value for c in outs[get_letter(head, "来源")][1:]} == {"模拟", "推荐"}
    rhead = [c.value for c in recs[1]]
    assert {c.value for c in recs[get_letter(rhead, "状态")][1:]} == {"已采纳", "建议"}
    assert all(re.search(f"[{HAN}]", c.value) for c in recs[get_letter(rhead, "省份")][1:])
    figures = {r[0]: r[1] for r in scen.iter_rows(min_row=2, values_only=True)}
    assert figures["参数：布点方式"] == "按人口布点" and figures["参数：距离计算方式"] == "直线"
    assert all(not ascii_letters(k) for k in figures)


def get_letter(header: list, name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(header.index(name) + 1)
