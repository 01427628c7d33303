"""Print maps: page size and DPI, PDF/SVG, legend and scale bar in the picture, CJK
glyphs (not tofu), label collisions, atomic writes, CLI."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.transforms import Bbox
from PIL import Image

from reach_planner.geo.data import load_china
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.maps import context, fonts, printmap, style
from reach_planner.ui.maps.layout import SCALE_GID
from reach_planner.ui.maps.printmap import (
    PrintOptions,
    cjk_font,
    has_glyphs,
    nice_length_km,
    render_figure,
    render_print_map,
)
from reach_planner.ui.maps.style import GAP_COLOURS
from reach_planner.ui.maps.texts import translate
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(outlets=2000, sites=300))


@pytest.fixture(scope="module")
def a4(result, tmp_path_factory):
    """The default A4 landscape print at 100 dpi, and where its legend and scale bar
    went (fractions of the page, top-left origin: the same options draw the same sheet)."""
    d = tmp_path_factory.mktemp("a4")
    opts = PrintOptions(dpi=100)
    fig = render_figure(result, opts)
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    bar = [a.get_window_extent(renderer) for a in ax.get_children() if a.get_gid() == SCALE_GID]
    return {"full": pixels(render_print_map(result, opts, d / "full.png")),
            "legend": fractions(fig, ax.get_legend().get_window_extent(renderer)),
            "scale": fractions(fig, Bbox.union(bar)), "frame": fractions(fig, ax.get_window_extent())}


def fractions(fig, box: Bbox) -> tuple[float, float, float, float]:
    w, h = fig.bbox.width, fig.bbox.height
    return box.x0 / w, 1 - box.y1 / h, box.x1 / w, 1 - box.y0 / h


def crop(img: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    h, w, _ = img.shape
    x0, y0, x1, y1 = box
    return img[int(y0 * h) + 1:int(y1 * h), int(x0 * w) + 1:int(x1 * w)]


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB")).astype(int)


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])


# -- page size, DPI, formats -------------------------------------------------------------------
def test_a4_landscape_png_at_150_dpi(result, tmp_path):
    out = render_print_map(result, PrintOptions(dpi=150), tmp_path / "a4.png")
    with Image.open(out) as im:
        assert im.size == (1754, 1240)
        assert round(im.info["dpi"][0]) == 150 and round(im.info["dpi"][1]) == 150
    arr = pixels(out)
    assert len(np.unique(arr.reshape(-1, 3), axis=0)) > 500  # a real map, not blank
    assert oct(out.stat().st_mode & 0o777) == "0o644"


def test_a3_portrait_png_at_150_dpi(result, tmp_path):
    out = render_print_map(result, PrintOptions(page="A3", orientation="portrait", dpi=150),
                           tmp_path / "a3.png")
    with Image.open(out) as im:
        assert im.size == (1754, 2480) and round(im.info["dpi"][0]) == 150


def test_pdf_page_size_and_svg(result, tmp_path):
    pdf = render_print_map(result, PrintOptions(dpi=150), tmp_path / "m.pdf").read_bytes()
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box and abs(float(box[1]) - 841.9) < 1 and abs(float(box[2]) - 595.3) < 1
    pdf = render_print_map(result, PrintOptions(page="A3", orientation="portrait", dpi=150),
                           tmp_path / "p.pdf").read_bytes()
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box and abs(float(box[1]) - 841.9) < 1 and abs(float(box[2]) - 1190.6) < 1
    svg = render_print_map(result, PrintOptions(dpi=150), tmp_path / "m.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert abs(float(root.get("width", "0").removesuffix("pt")) - 841.9) < 1


# -- what is in the picture ----------------------------------------------------------------
def test_legend_is_drawn_in_the_lower_left(a4):
    """Low on the page and left: in the sea, or below the frame when the sea has no
    room for it (tests/test_export_overlap.py: never on China)."""
    x0, y0, x1, y1 = a4["legend"]
    assert (x1 - x0) * (y1 - y0) > 0.01  # a real block of the page
    assert x0 < 0.1 and x1 < 0.75 and y0 > 0.6
    assert (crop(a4["full"], a4["legend"]) > 240).all(axis=2).mean() > 0.5  # its white ground


def test_legend_shows_the_gap_colours(a4):
    box = crop(a4["full"], a4["legend"])
    for colour in GAP_COLOURS:  # drawn at alpha 0.85 on the white legend
        expect = 0.85 * rgb(colour) + 0.15 * 255
        assert (np.abs(box - expect).max(axis=2) <= 12).any(), colour


def test_scale_bar_is_low_in_the_frame(a4):
    x0, y0, x1, y1 = a4["scale"]
    fx0, fy0, fx1, fy1 = a4["frame"]
    assert fx0 < x0 < x1 < fx1 and fy0 + 0.6 * (fy1 - fy0) < y0 < y1 < fy1
    bar = crop(a4["full"], a4["scale"])
    assert (bar.max(axis=2) < 40).mean() > 0.05  # the black segments


def test_map_has_gap_cells_coverage_and_frame_text(a4):
    img = a4["full"]
    for colour in GAP_COLOURS[-2:]:
        assert (np.abs(img - (0.85 * rgb(colour) + 0.15 * rgb(style.LAND))).max(axis=2)
                <= 14).mean() > 1e-4, colour
    h = img.shape[0]
    assert (img[: int(0.08 * h)].max(axis=2) < 80).mean() > 0.002  # the title has ink
    assert (img[int(0.965 * h):].max(axis=2) < 160).mean() > 0.001  # the credits line


def test_province_labels_do_not_overlap(result):
    fig = render_figure(result, PrintOptions(dpi=100, lang="zh"))
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    names = {style.short_zh(n) for n in load_china().provinces["name_zh"]}
    labels = [t for t in ax.texts if t.get_text() in names and t.get_gid() != "halo"]  # halo: its twin
    assert len(labels) >= 28  # at most a few of the 31 squeezed out
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[i + 1:]), labels[i].get_text()


# -- Chinese text ------------------------------------------------------------------------------
def glyph_bitmap(text: str, font: FontProperties) -> np.ndarray:
    fig = Figure(figsize=(0.5, 0.5), dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, text, fontproperties=font, fontsize=24, ha="center", va="center")
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., 0] < 128


def test_chinese_font_has_every_glyph_and_is_simplified_chinese():
    path = cjk_font()
    assert path is not None, "no CJK font: install fonts-noto-cjk (bash .ci/install)"
    used = "".join(load_china().provinces["name_zh"]) + "".join(
        translate(v, "zh") for v in style.MAP_TEXT_LABELS)
    used += "".join(context.load_context()["name_zh"]) + "".join(c.name_zh for c in context.cities())
    han = {c for c in used if fonts.HAN.match(c)}
    assert has_glyphs(path, "".join(sorted(han)))
    if "Noto" in fonts._family(path):  # the SC face of the collection, not JP's
        assert fonts._family(path).endswith("SC")


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # the tofu, on purpose
def test_chinese_labels_render_glyphs_not_tofu():
    """A missing glyph draws the same empty box for every character; real glyphs differ
    from each other and from what a Latin-only font draws for them."""
    cjk = fonts.fonts_for("zh").regular
    latin = FontProperties(family="DejaVu Sans")  # has no Han glyphs: draws tofu
    chars = "西藏新疆黑龙江"
    real = [glyph_bitmap(c, cjk) for c in chars]
    tofu = [glyph_bitmap(c, latin) for c in chars]
    assert all(r.sum() > 20 for r in real)  # ink
    assert all((tofu[0] == t).all() for t in tofu)  # the boxes are all alike ...
    assert len({r.tobytes() for r in real}) == len(set(chars))  # ... real glyphs are not
    assert all(not (r == tofu[0]).all() for r in real)


def test_chinese_print_uses_the_cjk_font_for_every_chinese_text(result):
    fig = render_figure(result, PrintOptions(dpi=72, lang="zh"))
    texts = [t for ax in fig.axes for t in ax.texts] + list(fig.texts)
    texts += [t for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    zh = [t for t in texts if fonts.HAN.search(t.get_text())]
    assert any("西藏" == t.get_text() for t in zh)
    assert zh and all(has_glyphs(t.get_fontproperties().get_file(),
                                 "".join(fonts.HAN.findall(t.get_text()))) for t in zh)


def test_chinese_title_on_an_english_print_is_not_tofu(result):
    fig = render_figure(result, PrintOptions(dpi=72, title="日日顺 rural reach"))
    title = next(t for t in fig.texts if "日日顺" in t.get_text())
    assert title.get_fontproperties().get_file() is not None


def test_without_a_cjk_font_chinese_is_refused_not_tofu(result, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda bold=False: None)
    with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
        render_print_map(result, PrintOptions(dpi=72, lang="zh"), tmp_path / "zh.png")
    assert not list(tmp_path.iterdir())


# -- options, files, CLI ---------------------------------------------------------------------------
def test_options_are_checked():
    for bad in ({"page": "A5"}, {"orientation": "square"}, {"dpi": 50}, {"dpi": 2400},
                {"lang": "fr"}, {"layers": frozenset({"roads"})}):
        with pytest.raises(ValueError):
            PrintOptions(**bad)
    assert PrintOptions(dpi=600).pixels == (7016, 4961)


def test_a_failed_print_leaves_the_old_file(result, tmp_path, monkeypatch):
    out = tmp_path / "r.png"
    out.write_bytes(b"old")

    def boom(*_a, **_k):
        raise MemoryError("simulated")

    monkeypatch.setattr(printmap, "render_figure", boom)
    with pytest.raises(MemoryError):
        render_print_map(result, PrintOptions(dpi=72), out)
    assert out.read_bytes() == b"old" and os.listdir(tmp_path) == ["r.png"]


def test_bad_destinations(result, tmp_path):
    with pytest.raises(ValueError, match="unsupported format"):
        render_print_map(result, PrintOptions(dpi=72), tmp_path / "m.gif")
    with pytest.raises(ValueError, match="does not exist"):
        render_print_map(result, PrintOptions(dpi=72), tmp_path / "no" / "m.png")


def test_nice_scale_lengths():
    assert nice_length_km(5200) == 1000 and nice_length_km(740) == 100
    assert nice_length_km(2600) == 500


def test_print_map_cli_and_errors(tmp_path):
    out = tmp_path / "report.pdf"
    p = subprocess.run([sys.executable, str(ROOT / "main.py"), "print-map", "--out", str(out),
                        "--dpi", "150", "--page", "A4", "--lang", "zh", "--outlets", "2000",
                        "--sites", "300"],
                       cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().startswith(b"%PDF")
    bad = subprocess.run([sys.executable, str(ROOT / "main.py"), "print-map", "--out",
                          str(tmp_path / "x.gif")], cwd=ROOT, capture_output=True, text=True,
                         timeout=180, check=False)
    assert bad.returncode != 0 and "unsupported format" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
