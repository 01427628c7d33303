"""Print maps: page size and DPI, PDF/SVG, legend and scale bar in the picture, CJK glyphs."""
from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from geo.params import ScenarioParams
from geo.scenario import run_scenario
from tests.conftest import ROOT
from ui.printmap import (PrintOptions, cjk_font, has_glyphs, nice_length_km, render_figure,
                         render_print_map)


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(outlets=2000, sites=300))


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB")).astype(int)


def test_a4_landscape_png_at_150_dpi(result, tmp_path):
    out = render_print_map(result, PrintOptions(dpi=150), tmp_path / "a4.png")
    with Image.open(out) as im:
        assert abs(im.size[0] - 1754) <= 1 and abs(im.size[1] - 1240) <= 1
        assert round(im.info["dpi"][0]) == 150
    arr = pixels(out)
    assert len(np.unique(arr.reshape(-1, 3), axis=0)) > 200  # a real map, not blank


def test_a3_portrait_png(result, tmp_path):
    out = render_print_map(result, PrintOptions(page="A3", orientation="portrait", dpi=72),
                           tmp_path / "a3.png")
    with Image.open(out) as im:
        assert abs(im.size[0] - round(297 / 25.4 * 72)) <= 1
        assert abs(im.size[1] - round(420 / 25.4 * 72)) <= 1


def test_pdf_page_size_and_svg(result, tmp_path):
    pdf = render_print_map(result, PrintOptions(dpi=150), tmp_path / "m.pdf").read_bytes()
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box and abs(float(box[1]) - 841.9) < 1 and abs(float(box[2]) - 595.3) < 1
    svg = render_print_map(result, PrintOptions(dpi=150), tmp_path / "m.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and root.get("width", "").startswith("841")


def _region_diff(result, tmp_path, **off) -> tuple[float, float, float]:
    on = pixels(render_print_map(result, PrintOptions(dpi=100), tmp_path / "on.png"))
    without = pixels(render_print_map(result, PrintOptions(dpi=100, **off), tmp_path / "off.png"))
    h, w, _ = on.shape
    changed = np.abs(on - without).sum(axis=2) > 30
    lower_left = changed[int(h * 0.55):int(h * 0.93), int(w * 0.15):int(w * 0.32)].mean()
    bottom_mid = changed[int(h * 0.80):int(h * 0.93), int(w * 0.33):int(w * 0.55)].mean()
    elsewhere = changed[int(h * 0.15):int(h * 0.5), int(w * 0.5):int(w * 0.75)].mean()
    return lower_left, bottom_mid, elsewhere


def test_legend_is_in_the_lower_left(result, tmp_path):
    legend, _mid, elsewhere = _region_diff(result, tmp_path, legend=False)
    assert legend > 0.05 and elsewhere == 0.0


def test_scale_bar_is_at_the_bottom(result, tmp_path):
    _ll, scale, elsewhere = _region_diff(result, tmp_path, scale_bar=False)
    assert scale > 0.001 and elsewhere == 0.0


def test_legend_shows_the_gap_colours(result, tmp_path):
    from ui.webmap import GAP_COLOURS

    arr = pixels(render_print_map(result, PrintOptions(dpi=100), tmp_path / "l.png"))
    h, w, _ = arr.shape
    box = arr[int(h * 0.55):int(h * 0.93), int(w * 0.15):int(w * 0.32)]
    for colour in GAP_COLOURS:
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(box - rgb).max(axis=2) <= 12).any(), colour


def test_chinese_labels_render_glyphs_not_tofu(result, tmp_path):
    path = cjk_font()
    assert path is not None and has_glyphs(path, "西藏自治区新疆维吾尔自治区图例")
    fig = render_figure(result, PrintOptions(dpi=72, lang="zh"))
    texts = [t for ax in fig.axes for t in ax.texts] + list(fig.texts)
    assert any("西藏" in t.get_text() for t in texts)
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    zh = [t.get_text() for t in texts if re.search(r"[\u4e00-\u9fff]", t.get_text())]
    assert zh and all(font.get_char_index(ord(c)) != 0
                      for s in zh for c in s if "\u4e00" <= c <= "\u9fff")
    # and the drawn label has ink: a CJK string renders more dark pixels than a box would
    render_print_map(result, PrintOptions(dpi=150, lang="zh"), tmp_path / "zh.png")
    assert (pixels(tmp_path / "zh.png") < 100).all(axis=2).mean() > 0.001


def test_nice_scale_lengths():
    assert nice_length_km(5200) == 1000 and nice_length_km(740) == 100
    assert nice_length_km(2600) == 500


def test_print_map_cli_and_errors(tmp_path):
    out = tmp_path / "report.pdf"
    p = subprocess.run([sys.executable, str(ROOT / "main.py"), "print-map", "--out", str(out),
                        "--dpi", "150", "--page", "A4", "--lang", "zh", "--outlets", "2000"],
                       cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().startswith(b"%PDF")
    bad = subprocess.run([sys.executable, str(ROOT / "main.py"), "print-map", "--out",
                          str(tmp_path / "x.gif")], cwd=ROOT, capture_output=True, text=True,
                         timeout=180)
    assert bad.returncode != 0 and "unsupported format" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
