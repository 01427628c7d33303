"""Names as text on every map export (issue 22): provinces, capitals and cities of a
million or more are real text in PDF (pdftotext finds them) and SVG (<text>), placed
without overlaps, in Chinese on zh outputs."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import matplotlib
import pytest

from reach_planner.geo.data import load_china
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.maps.layout import PrintOptions
from reach_planner.ui.maps.printmap import render_figure, render_print_map
from reach_planner.ui.maps.style import short_zh

pytestmark = pytest.mark.slow
CITIES_ZH = ("成都", "深圳", "厦门", "广州", "上海", "北京")


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams())


@pytest.fixture(scope="module")
def maps(result, tmp_path_factory):
    d = tmp_path_factory.mktemp("names")
    out = {}
    for lang, ext in (("zh", "pdf"), ("zh", "svg"), ("en", "pdf")):
        out[lang, ext] = render_print_map(result, PrintOptions(lang=lang), d / f"map_{lang}.{ext}")
    return out


def pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def provinces(lang: str) -> list[str]:
    prov = load_china().provinces
    return [short_zh(n) for n in prov["name_zh"]] if lang == "zh" else list(prov["name_en"])


def test_zh_print_map_pdf_names_capitals_and_major_cities_as_text(maps):
    text = pdf_text(maps["zh", "pdf"])
    for city in CITIES_ZH:
        assert city in text, city
    assert sum(p in text for p in provinces("zh")) >= 28
    assert not re.search(r"[ÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜàáâãäåèéêëìíîïòóôõöùúûü]", text)


def test_en_print_map_pdf_names_28_provinces_as_text(maps):
    text = pdf_text(maps["en", "pdf"])
    assert sum(p in text for p in provinces("en")) >= 28
    for city in ("Chengdu", "Shenzhen", "Xiamen"):
        assert city in text


def test_zh_print_map_svg_keeps_names_as_text(maps):
    svg = maps["zh", "svg"].read_text(encoding="utf-8")
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    joined = " ".join(texts)
    for city in CITIES_ZH:
        assert city in joined, city
    assert sum(p in joined for p in provinces("zh")) >= 28


def test_map_names_never_overlap(result):
    fig = render_figure(result, PrintOptions(lang="zh"))
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts
             if t.get_gid() != "halo" and t.get_text().strip() and not t.get_text().isdigit()]
    assert len(boxes) > 60
    shrunk = [b.shrunk(0.9, 0.8) for b in boxes]
    overlaps = [(i, j) for i in range(len(shrunk)) for j in range(i + 1, len(shrunk))
                if shrunk[i].overlaps(shrunk[j])]
    assert not overlaps


def test_report_national_page_names_provinces_and_cities_as_text(result):
    from matplotlib.backends.backend_pdf import PdfPages

    from reach_planner.ui.report.options import ReportOptions
    from reach_planner.ui.report.pack import iter_pages, pdf_fonttype
    buf = io.BytesIO()
    fig = next(iter_pages(result, ReportOptions(lang="zh")))
    with matplotlib.rc_context({"pdf.fonttype": pdf_fonttype()}), PdfPages(buf) as pdf:
        pdf.savefig(fig)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=buf.getvalue(), capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert sum(p in text for p in provinces("zh")) >= 28
    # (Xiamen lies under the South China Sea inset on this page's frame)
    for city in ("成都", "深圳", "广州", "武汉"):
        assert city in text
    assert "附近" in text and not re.search(r"[A-Za-zÀ-ÿ]+附近", text)
