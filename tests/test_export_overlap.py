"""Legends and insets never cover China's land in an export (issue 23.2), and the
national maps name the provinces as text.

China's land (the provinces, Taiwan, Hong Kong, Macao, the island groups, the
ten-dash line) is rasterised here with rasterio in the figure's pixel space, apart
from the code under test (which draws its own mask with matplotlib), and compared
with the boxes matplotlib reports for the legend, the inset and the scale bar.
"""
from __future__ import annotations

import io
import itertools

import matplotlib
import numpy as np
import pytest
import shapely
from affine import Affine
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.transforms import Bbox
from pypdf import PdfReader
from rasterio.features import rasterize

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.maps import context
from reach_planner.ui.maps.basemap import basemap
from reach_planner.ui.maps.fonts import fonts_for
from reach_planner.ui.maps.labels import RANK_GID, province_names
from reach_planner.ui.maps.layout import INSET_LABEL, SCALE_GID, PrintOptions
from reach_planner.ui.maps.printmap import render_figure, render_print_map
from reach_planner.ui.maps.shapes import project
from reach_planner.ui.report import pages
from reach_planner.ui.report.figures import province_figures
from reach_planner.ui.report.options import ReportOptions
from reach_planner.ui.report.pack import pdf_fonttype

MAX_SHARE = 0.005
PROVINCES = (11, 44, 65, 54, 63, 46)  # Beijing, Guangdong, Xinjiang, Tibet, Qinghai, Hainan


@pytest.fixture(scope="module")
def result():
    """The launch scenario: the one the issue's pages were read from."""
    return run_scenario(ScenarioParams())


@pytest.fixture(scope="module")
def china_land():
    """Projected China as approved maps show it; the thin island groups and dashes
    widened by 3 km so a rasteriser keeps them."""
    thin = [project(g).buffer(3000) for k in ("islands", "dashes") for g in context.of_kind(k).geometry]
    solid = [project(g) for k in ("china", "region") for g in context.of_kind(k).geometry]
    return shapely.union_all([*solid, *basemap().shapes, *thin])


def land_pixels(fig, ax, land) -> np.ndarray:
    """True where China's land is, in figure pixels, row 0 at the figure's bottom."""
    w, h = int(round(fig.bbox.width)), int(round(fig.bbox.height))
    (sx, _, tx), (_, sy, ty) = ax.transData.get_matrix()[:2]
    # row r (from the top) is display y = h - r; data = (display - t) / s
    to_data = Affine(1 / sx, 0, -tx / sx, 0, -1 / sy, (h - ty) / sy)
    frame = ax.get_window_extent()
    clip = shapely.box(*ax.get_xlim()[:1], ax.get_ylim()[0], ax.get_xlim()[1], ax.get_ylim()[1])
    inside = shapely.intersection(land, clip)
    grid = rasterize([inside], out_shape=(h, w), transform=to_data, fill=0, default_value=1,
                     all_touched=False).astype(bool)[::-1]
    assert grid[int(frame.y0) + 1:int(frame.y1) - 1, int(frame.x0) + 1:int(frame.x1) - 1].any()
    return grid


def share(grid: np.ndarray, box: Bbox) -> float:
    x0, y0 = max(0, int(box.x0)), max(0, int(box.y0))
    x1, y1 = min(grid.shape[1], int(np.ceil(box.x1))), min(grid.shape[0], int(np.ceil(box.y1)))
    return float(grid[y0:y1, x0:x1].mean()) if x1 > x0 and y1 > y0 else 0.0


def map_axes(fig):
    return next(a for a in fig.axes if a.get_legend() is not None)


def furniture(fig, ax, renderer) -> dict[str, Bbox]:
    boxes = {"legend": ax.get_legend().get_window_extent(renderer)}
    for a in fig.axes:
        if a.get_label() == INSET_LABEL:
            boxes["inset"] = a.get_window_extent(renderer)
    bar = [a.get_window_extent(renderer) for a in ax.get_children() if a.get_gid() == SCALE_GID]
    if bar:
        boxes["scale bar"] = Bbox.union(bar)
    return boxes


def check_sheet(fig, land, what: str) -> None:
    renderer = RendererAgg(int(fig.bbox.width), int(fig.bbox.height), fig.dpi)
    fig.draw(renderer)
    ax = map_axes(fig)
    grid = land_pixels(fig, ax, land)
    boxes = furniture(fig, ax, renderer)
    assert "legend" in boxes and "scale bar" in boxes
    for name, box in boxes.items():
        assert 0 <= box.x0 and box.x1 <= fig.bbox.width and 0 <= box.y0 and box.y1 <= fig.bbox.height, \
            f"{what}: the {name} leaves the page: {box}"
        if name != "scale bar":
            assert share(grid, box) <= MAX_SHARE, f"{what}: the {name} covers {share(grid, box):.1%} land"
    for (a, p), (b, q) in itertools.combinations(boxes.items(), 2):
        assert not p.overlaps(q), f"{what}: the {a} and the {b} overlap (one cuts the other off)"


@pytest.mark.parametrize("lang,page", [("en", "A4"), ("zh", "A3")])
def test_report_national_page_keeps_legend_and_inset_off_china(result, china_land, lang, page):
    opts = ReportOptions(lang=lang, page=page, dpi=150)
    fig = pages.national_page(result, opts, fonts_for(lang), 1, 33)
    assert any(a.get_label() == INSET_LABEL for a in fig.axes)
    check_sheet(fig, china_land, "page 1")


@pytest.mark.parametrize("gb_code", PROVINCES)
def test_report_province_pages_keep_legend_off_china(result, china_land, gb_code):
    pf = next(p for p in province_figures(result) if p.gb_code == gb_code)
    fig = pages.province_page(result, pf, ReportOptions(lang="en", dpi=150), fonts_for("en"), 2, 33)
    check_sheet(fig, china_land, f"GB {gb_code}")


@pytest.mark.parametrize("gb_code", (14, 37, 45, 54, 63))
def test_gap_numbers_do_not_overlap(result, gb_code):
    """Close gaps (Shanxi, Shandong, Guangxi; Tibet and Qinghai in the issue's scenario) must
    not hide each other's numbers (issue 23.2)."""
    pf = next(p for p in province_figures(result) if p.gb_code == gb_code)
    fig = pages.province_page(result, pf, ReportOptions(lang="en", dpi=150), fonts_for("en"), 2, 33)
    renderer = RendererAgg(int(fig.bbox.width), int(fig.bbox.height), fig.dpi)
    fig.draw(renderer)
    ranks = [a.get_bbox_patch().get_window_extent(renderer) for a in map_axes(fig).texts
             if a.get_gid() == RANK_GID]
    assert len(ranks) >= 3
    for a, b in itertools.combinations(ranks, 2):
        assert not a.overlaps(b), f"GB {gb_code}: gap numbers overlap"


@pytest.mark.parametrize("page,orientation,lang", [("A4", "landscape", "en"), ("A3", "portrait", "zh"),
                                                   ("A4", "portrait", "en"), ("A3", "landscape", "zh")])
def test_print_map_keeps_legend_and_inset_off_china(result, china_land, page, orientation, lang):
    fig = render_figure(result, PrintOptions(page=page, orientation=orientation, dpi=100, lang=lang))
    check_sheet(fig, china_land, f"print map {page} {orientation}")


def names_in(text: str, lang: str) -> set[str]:
    flat = text.replace("\n", " ")
    return {n for n in province_names(lang) if n.split(" (")[0] in flat}


def test_en_print_map_names_28_provinces_as_text(result, tmp_path):
    out = render_print_map(result, PrintOptions(dpi=100, lang="en"), tmp_path / "map.pdf")
    text = PdfReader(out).pages[0].extract_text()
    assert len(names_in(text, "en")) >= 28, sorted(set(province_names("en")) - names_in(text, "en"))


def test_zh_report_national_page_names_28_provinces_as_text(result):
    """Page 1 as the pack writes it (its PDF font settings), without the other 32 pages."""
    fig = pages.national_page(result, ReportOptions(lang="zh"), fonts_for("zh"), 1, 33)
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": pdf_fonttype(), "text.parse_math": False}):
        fig.savefig(buf, format="pdf", facecolor="white")
    text = PdfReader(buf).pages[0].extract_text()
    assert len(names_in(text, "zh")) >= 28, sorted(set(province_names("zh")) - names_in(text, "zh"))
