"""Report pack: page count and size, a province name on each province page (text
extracted from the PDF), bookmarks, real Chinese text, PNG pages, atomic writes and
cancel, the CLI's one-line errors, and that the verb needs no Qt."""
from __future__ import annotations

import io
import re
import subprocess
import sys

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from reach_planner.geo.data import load_china
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.recommend import RecommendParams, accept, recommend
from reach_planner.geo.scenario import Cancelled, run_scenario
from reach_planner.ui.report.figures import nearest_towns, province_figures
from reach_planner.ui.report.options import ReportOptions
from reach_planner.ui.report.pack import pdf_fonttype, write_report
from tests.conftest import ROOT

A4_PT = (841.89, 595.28)
HAN = "\u4e00-\u9fff"


@pytest.fixture(scope="module")
def result():
    """A small, coarse scenario with ten accepted recommended outlets."""
    params = ScenarioParams(outlets=3000, sites=400, cell_km=20.0)
    first = run_scenario(params)
    net = accept(first.network, recommend(first, RecommendParams(count=10)))
    return run_scenario(params, network=net)


@pytest.fixture(scope="module")
def pdfs(result, tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    return {lang: write_report(result, ReportOptions(lang=lang), d / f"pack_{lang}.pdf")[0]
            for lang in ("en", "zh")}


def page_texts(path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def test_page_count_and_a4_landscape(pdfs):
    reader = PdfReader(pdfs["en"])
    assert len(reader.pages) == 33
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_PT, abs=0.5)


def test_each_province_page_names_its_province_in_gb_order(pdfs):
    prov = load_china().provinces.sort_values("gb_code")
    for lang, column in (("en", "name_en"), ("zh", "name_zh")):
        texts = page_texts(pdfs[lang])
        for i, (code, name) in enumerate(zip(prov["gb_code"], prov[column])):
            page = texts[i + 1]
            assert name in page, (lang, code)
            assert (f"GB {code}" if lang == "en" else f"代码 {code}") in page
        assert all(("Page" if lang == "en" else "第") in t for t in texts)  # page numbers
        assert "GeoNames" in texts[-1] and "seed" if lang == "en" else "种子" in texts[-1]


def test_table_page_lists_every_province(pdfs):
    table = page_texts(pdfs["en"])[-1]
    for name in load_china().provinces["name_en"]:
        assert name in table


def test_bookmarks_one_per_page(pdfs):
    reader = PdfReader(pdfs["en"])
    outline = reader.outline
    assert len(outline) == 33
    pages = [reader.get_destination_page_number(o) for o in outline]
    assert pages == list(range(33))
    assert outline[1].title == "11 Beijing" and outline[-1].title == "Province table"
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    zh = PdfReader(pdfs["zh"]).outline
    assert zh[1].title == "11 北京市"


def test_chinese_is_real_text_in_an_embedded_truetype_font(pdfs):
    reader = PdfReader(pdfs["zh"])
    text = reader.pages[0].extract_text()
    assert "全国概览" in text and "农村覆盖率" in text
    assert pdf_fonttype() == 42  # the bundled font has TrueType outlines
    # glyphs, not boxes: every Chinese character of the page has a drawn glyph (contours)
    # in one of the embedded CJK font programs (FontFile2, real TrueType data)
    drawn: dict[str, int] = {}
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        f = ref.get_object()
        if "CJK" not in str(f["/BaseFont"]):
            continue
        assert f["/Subtype"] == "/Type0" and f["/Encoding"] == "/Identity-H" and "/ToUnicode" in f
        desc = f["/DescendantFonts"][0].get_object()
        assert desc["/Subtype"] == "/CIDFontType2"
        data = desc["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        assert data[:4] == b"\x00\x01\x00\x00"  # TrueType, as FontFile2 promises
        tt = TTFont(io.BytesIO(data))
        for code, name in tt.getBestCmap().items():
            drawn[chr(code)] = max(drawn.get(chr(code), 0), tt["glyf"][name].numberOfContours)
    han = {ch for ch in text if re.match(f"[{HAN}]", ch)}
    assert len(han) > 50 and all(drawn.get(ch, 0) > 0 for ch in han)


def test_province_figures_name_gaps_by_the_nearest_town(result):
    figs = province_figures(result)
    assert [f.gb_code for f in figs] == sorted(f.gb_code for f in figs) and len(figs) == 31
    regions = result.gaps.regions
    for f in figs:
        mine = regions[regions["gb_code"] == f.gb_code]
        assert [g.rank for g in f.gaps] == list(mine["rank"].head(5))
        assert sum(f.bands.people) == pytest.approx(f.summary.rural_population, rel=1e-6)
        covered = sum(p for p, c in zip(f.bands.people, f.bands.covered) if c)
        assert covered == pytest.approx(f.summary.rural_covered, abs=2)
    recommended = sum(len(f.recommended) for f in figs)
    assert recommended == 10
    # the nearest town is the nearest: brute force over the same places
    places = load_china().places
    towns = places[places["feature_code"].str.startswith("PPLA") | (places["population"] > 0)
                   | (places["feature_code"] == "PPLC")]
    lon, lat = np.array([116.0, 87.6]), np.array([40.5, 43.8])
    got = nearest_towns(lon, lat)
    for x, y, town in zip(lon, lat, got):
        d = np.hypot((towns["lon"] - x) * np.cos(np.radians(y)), towns["lat"] - y)
        assert town.name == towns.iloc[int(np.argmin(d.to_numpy()))]["name"]


def test_png_pages_named_by_gb_code(result, tmp_path):
    out = tmp_path / "pages"
    files = write_report(result, ReportOptions(fmt="png", page="A4"), out)
    names = sorted(p.name for p in files)
    assert len(names) == 33 and names[0] == "00-national.png" and names[-1] == "99-table.png"
    assert "11-beijing.png" in names and "65-xinjiang.png" in names
    from PIL import Image
    with Image.open(out / "44-guangdong.png") as im:
        assert im.size == (1754, 1240)


def test_cancel_leaves_nothing(result, tmp_path):
    seen = []

    def progress(pct, _msg):
        seen.append(pct)
        if len(seen) % 4 == 0:
            raise Cancelled()

    out = tmp_path / "pack.pdf"
    with pytest.raises(Cancelled):
        write_report(result, ReportOptions(), out, progress)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(Cancelled):
        write_report(result, ReportOptions(fmt="png"), tmp_path / "pngs", progress)
    assert list(tmp_path.iterdir()) == []


def test_bad_options_are_refused():
    for kw in ({"lang": "fr"}, {"page": "A5"}, {"dpi": 200}, {"fmt": "svg"}):
        with pytest.raises(ValueError):
            ReportOptions(**kw)


@pytest.mark.parametrize("args, message", [
    (["--out", "{d}/missing/pack.pdf"], "does not exist"),
    (["--out", "{d}/pack.docx"], "unsupported report format"),
    (["--out", "{d}/pack.pdf", "--xlsx", "{d}/book.csv"], "unsupported workbook format"),
    (["--out", "{d}/file.txt", "--format", "png"], "not a folder"),
    (["--out", "{d}/pack.pdf", "--households", "400"], "give --xlsx FILE too"),
])
def test_cli_bad_paths_one_line_and_nothing_written(tmp_path, args, message):
    (tmp_path / "file.txt").write_text("x")
    argv = [a.format(d=tmp_path) for a in args]
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "report", *argv],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and message in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_report_verb_imports_no_qt():
    code = ("import sys; import reach_planner.main as m; from reach_planner.ui.report import pack, "
            "workbook, pages; m.build_parser().parse_args(['report', '--out', 'x.pdf']); "
            "print('PySide6' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert run.stdout.strip() == "False", run.stderr


def test_pdf_bytes_are_a_pdf_with_title(pdfs):
    data = pdfs["en"].read_bytes()
    assert data.startswith(b"%PDF-")
    assert PdfReader(io.BytesIO(data)).metadata.title == "Goodaymart rural reach: report pack"
