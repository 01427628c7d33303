"""The bundled Chinese font: it covers the app's text and GB 2312, print maps prefer it,
and a Chinese print map works on a machine with no CJK font at all."""
from __future__ import annotations

import re
import zlib

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from reach_planner.geo.data import RESOURCES, load_china
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.maps import fonts  # the CJK font lookup
from reach_planner.ui.maps.printmap import PrintOptions, render_print_map

REGULAR = RESOURCES / "fonts" / "NotoSansSC-Regular.ttf"
BOLD = RESOURCES / "fonts" / "NotoSansSC-Bold.ttf"
HAN = re.compile(r"[\u3400-\u9fff]")


def gb2312_hanzi() -> str:
    return "".join(bytes([hi, lo]).decode("gb2312") for hi in range(0xB0, 0xF8)
                   for lo in range(0xA1, 0xFF) if (hi, lo) < (0xD7, 0xFA) or hi > 0xD7)


@pytest.fixture
def no_system_fonts(monkeypatch):
    """A machine without fonts-noto-cjk: fontconfig and the font folders find nothing."""
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "_fc_match", lambda pattern: None)
    monkeypatch.setattr(fonts, "findSystemFonts", lambda *a, **k: [])
    fonts.cjk_font.cache_clear()
    yield
    fonts.cjk_font.cache_clear()


def test_bundled_font_is_a_licensed_simplified_chinese_truetype_font():
    for path, style in ((REGULAR, "Regular"), (BOLD, "Bold")):
        with open(path, "rb") as f:
            assert f.read(4) == b"\x00\x01\x00\x00"  # TrueType outlines: PDF Type 42 works too
        assert fonts._family(str(path)) == "Noto Sans CJK SC"
        assert fonts._ft2(str(path)).style_name == style
    assert "SIL OPEN FONT LICENSE Version 1.1" in (RESOURCES / "fonts" / "OFL.txt").read_text()
    assert "NotoSansSC" in (RESOURCES / "ATTRIBUTION.md").read_text()


def test_bundled_font_covers_the_apps_chinese_and_gb2312():
    """Fails when someone adds Chinese text and forgets resources/tools/build_font.py."""
    china = load_china()
    ts = (RESOURCES / "i18n" / "reach_planner_zh_CN.ts").read_text(encoding="utf-8")
    texts = [ts, *china.provinces["name_zh"], *china.places["name_zh"].dropna()]
    used = "".join(sorted({c for t in texts for c in HAN.findall(str(t))}))
    hanzi = gb2312_hanzi()
    assert len(used) > 1000 and len(hanzi) == 6763
    for path in (REGULAR, BOLD):
        assert fonts.has_glyphs(str(path), used)
        assert fonts.has_glyphs(str(path), hanzi)
    assert not fonts.has_glyphs(str(REGULAR), "𠀀")  # a subset: not every CJK character


def test_print_maps_prefer_the_bundled_font_and_the_env_variable_overrides_it(monkeypatch, tmp_path):
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    fonts.cjk_font.cache_clear()
    try:
        assert str(fonts.cjk_font()) == str(REGULAR)  # even where a system CJK font exists
        assert str(fonts.cjk_font(bold=True)) == str(BOLD)
        monkeypatch.setenv(fonts.FONT_ENV, str(BOLD))
        fonts.cjk_font.cache_clear()
        assert str(fonts.cjk_font()) == str(BOLD)
    finally:
        fonts.cjk_font.cache_clear()


def test_a_chinese_print_map_needs_no_system_cjk_font(no_system_fonts, tmp_path):
    assert str(fonts.cjk_font()) == str(REGULAR)
    result = run_scenario(ScenarioParams(outlets=2000, sites=300))
    out = render_print_map(result, PrintOptions(dpi=72, lang="zh", page="A4"), tmp_path / "zh.pdf")
    pdf = out.read_bytes()
    names = set(re.findall(rb"/BaseFont /(\S+)", pdf))
    assert any(b"NotoSansCJKsc" in n for n in names), names
    streams = b"".join(zlib.decompress(s) for s in re.findall(
        rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S) if _inflates(s))
    assert b"Tf" in streams  # text was drawn with a font, not left out


def _inflates(data: bytes) -> bool:
    try:
        zlib.decompress(data)
    except zlib.error:
        return False
    return True


def test_bundled_font_draws_distinct_glyphs_not_tofu(no_system_fonts):
    font = FontProperties(fname=fonts.cjk_font())

    def bitmap(ch: str) -> np.ndarray:
        fig = Figure(figsize=(0.5, 0.5), dpi=100)
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, ch, fontproperties=font, fontsize=24, ha="center", va="center")
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[..., 0] < 128

    chars = "新疆维吾尔自治区"
    glyphs = [bitmap(c) for c in chars]
    assert all(g.sum() > 20 for g in glyphs)
    assert len({g.tobytes() for g in glyphs}) == len(set(chars))
