"""Rebuild the bundled Chinese font, ``resources/fonts/NotoSansSC-{Regular,Bold}.ttf``.

Why a bundled font: a print map in Chinese must render on a desktop that has no CJK
font installed (the desktop bundle runs anywhere), and the same font everywhere gives
the same output everywhere.

Source: Debian ``fonts-noto-cjk`` (pinned below), the Simplified Chinese face of
``NotoSansCJK-Regular.ttc`` and ``NotoSansCJK-Bold.ttc`` (SIL Open Font License 1.1, no
Reserved Font Name). The whole face is 16 MB per weight, so it is subset to:

- all 6,763 hanzi and the symbols of GB 2312 (what nearly every Chinese place or
  company name is written with; a planner's own site names can use any of them),
- every character of the app's own Chinese text: the translation catalogue, province
  and place names in ``resources/data``, and Chinese string literals in the code,
- printable ASCII, Latin-1 and the punctuation the app prints (– — · ° × → ≤ ≥ …).

The CFF outlines are converted to TrueType (quadratic) outlines with fontTools' cu2qu,
so matplotlib can embed the font in PDFs as Type 42 as well as Type 3, and every
renderer (Agg, PDF, SVG) reads it. Needs ``apt-get`` (run ``apt-get update`` once) and
fontTools (installed with matplotlib). Output is deterministic for the pinned version.

    python resources/tools/build_font.py
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parents[1]
REPO = ROOT.parent
FONTS = ROOT / "fonts"
DEB = "fonts-noto-cjk=1:20220127+repack1-1"
TTC = "usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc"
FAMILY = "Noto Sans CJK SC"
WEIGHTS = ("Regular", "Bold")
MAX_ERR_EM = 1 / 1000  # cu2qu tolerance: a thousandth of the em, invisible at print sizes
HAN_OR_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
EXTRA = "–—‘’“”…·°±×÷→←↑↓≤≥≈‰€¥•■□▲△○●※№℃"
TEXT_SOURCES = ("resources/i18n/*.ts", "resources/data/*.csv", "resources/data/*.geojson",
                "*.py", "geo/**/*.py", "ui/**/*.py")


def gb2312() -> set[str]:
    """Every character GB 2312 encodes (rows 1-9 symbols, 16-87 hanzi)."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def app_text() -> set[str]:
    """Chinese (and full-width) characters the app itself can print."""
    chars: set[str] = set()
    for pattern in TEXT_SOURCES:
        for path in sorted(REPO.glob(pattern)):
            if ".venv" in path.parts or "build" in path.parts:
                continue
            chars |= set(HAN_OR_CJK.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return chars


def wanted_chars() -> str:
    latin = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    return "".join(sorted(latin | set(EXTRA) | gb2312() | app_text()))


def fetch_ttcs(workdir: Path) -> dict[str, Path]:
    """The pinned Debian package, unpacked (apt-get download needs no root)."""
    subprocess.run(["apt-get", "download", DEB], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    deb = next(workdir.glob("fonts-noto-cjk_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(workdir / "x")], check=True)
    return {w: workdir / "x" / TTC.format(weight=w) for w in WEIGHTS}


def sc_face(ttc: Path) -> TTFont:
    for font in TTCollection(str(ttc)).fonts:
        if font["name"].getDebugName(1) == FAMILY:
            return font
    raise SystemExit(f"{ttc}: no face named {FAMILY!r}")


def subset_font(font: TTFont, text: str) -> None:
    opts = subset.Options()
    opts.layout_features = ["kern", "liga"]  # no vertical forms, no JP/KR/TC locl glyphs
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    sub = subset.Subsetter(opts)
    sub.populate(text=text)
    sub.subset(font)


def cff_to_glyf(font: TTFont) -> None:
    """Replace CFF cubic outlines by TrueType quadratic ones (what fontTools' otf2ttf does)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    max_err = font["head"].unitsPerEm * MAX_ERR_EM
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font.sfntVersion = "\x00\x01\x00\x00"


def write_licence(deb_root: Path, copyright_line: str) -> None:
    """OFL 1.1 text from the package's copyright file, with the font's own copyright."""
    lines = (deb_root / "usr/share/doc/fonts-noto-cjk/copyright").read_text().splitlines()
    start = next(i for i, s in enumerate(lines) if s.startswith("License: SIL-1.1") and
                 i + 1 < len(lines) and lines[i + 1].startswith(" "))
    body = []
    for s in lines[start + 1:]:
        if not s.startswith(" "):
            break
        body.append("" if s.strip() == "." else s[1:])
    text = f"{copyright_line}\n\nThis Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n"
    (FONTS / "OFL.txt").write_text(text + "\n".join(body).strip() + "\n", encoding="utf-8")


def main() -> None:
    FONTS.mkdir(exist_ok=True)
    text = wanted_chars()
    with tempfile.TemporaryDirectory() as tmp:
        ttcs = fetch_ttcs(Path(tmp))
        for weight, ttc in ttcs.items():
            font = sc_face(ttc)
            copyright_line = font["name"].getDebugName(0)
            subset_font(font, text)
            cff_to_glyf(font)
            out = FONTS / f"NotoSansSC-{weight}.ttf"
            font.recalcTimestamp = False  # keep the source's date: byte-identical rebuilds
            font.save(str(out))
            print(f"{out.relative_to(REPO)}: {len(font.getGlyphOrder()):,} glyphs, "
                  f"{out.stat().st_size / 1e6:.2f} MB")
        write_licence(Path(tmp) / "x", copyright_line)
    print(f"{len(text):,} characters requested", file=sys.stderr)


if __name__ == "__main__":
    main()
