"""Issue 21.5: a province run's report pages say how many of the newly covered people live
in the province and how many across its border (text read back from the PDF)."""
from __future__ import annotations

import pytest
from pypdf import PdfReader

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.recommend import RecommendParams, accept, recommend
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.report.figures import province_figures
from reach_planner.ui.report.options import ReportOptions
from reach_planner.ui.report.pack import write_report

NINGXIA = 64


@pytest.fixture(scope="module")
def run():
    """Ten outlets recommended in Ningxia (many reach across its border), accepted."""
    params = ScenarioParams(outlets=3000, sites=400, cell_km=20.0)
    first = run_scenario(params)
    rec = recommend(first, RecommendParams(count=10, province=NINGXIA, method="greedy"))
    return rec, run_scenario(params, network=accept(first.network, rec))


def test_province_figures_split_as_the_recommendation_does(run):
    rec, result = run
    pf = {p.gb_code: p for p in province_figures(result)}[NINGXIA]
    assert rec.newly_covered_across_border > 0 and rec.newly_covered_in_province > 0
    assert pf.newly_in == pytest.approx(rec.newly_covered_in_province, abs=2)
    assert pf.newly_across == pytest.approx(rec.newly_covered_across_border, abs=2)
    others = [p for p in province_figures(result) if p.gb_code != NINGXIA]
    assert all(p.newly_in == p.newly_across == 0 for p in others)


@pytest.mark.parametrize("lang, words", [("en", ("Newly covered in the province",
                                                  "Newly covered across its border")),
                                          ("zh", ("省内新覆盖", "跨省新覆盖"))])
def test_the_pdf_page_of_a_province_run_shows_both_figures(run, tmp_path, lang, words):
    _rec, result = run
    pf = {p.gb_code: p for p in province_figures(result)}[NINGXIA]
    path = write_report(result, ReportOptions(lang=lang), tmp_path / f"pack_{lang}.pdf")[0]
    pages = [p.extract_text() for p in PdfReader(path).pages]
    page = next(t for t in pages if "GB 64" in t or "代码 64" in t)
    flat = " ".join(page.split())
    for word, people in zip(words, (pf.newly_in, pf.newly_across)):
        assert word in flat
        assert f"{people:,}" in flat
