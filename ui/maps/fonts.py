"""CJK font discovery for the print map: the Simplified Chinese face, never tofu.

Chinese text needs a CJK font: :func:`cjk_font` takes the app's own subset of Noto Sans
SC (``resources/fonts``, so a print looks the same on every machine and needs no system
font), else the Simplified Chinese face of Noto Sans CJK (Debian's ``fonts-noto-cjk``) or
another CJK font on the system, and refuses to draw Chinese with a font that would show
empty boxes.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

from matplotlib.font_manager import FontProperties, findSystemFonts
from matplotlib.ft2font import FT2Font

from reach_planner.geo.data import RESOURCES

try:  # matplotlib >= 3.11: a path that also names the face inside a .ttc collection
    from matplotlib.font_manager import FontPath
except ImportError:  # older matplotlib reads face 0 (Noto's JP face: still no tofu)
    FontPath = None  # type: ignore[assignment,misc]

# Simplified Chinese first: Noto/Source Han collections hold JP, KR, SC, TC and HK faces
# and face 0 (JP) draws shared characters such as 直 and 骨 the Japanese way.
CJK_CANDIDATES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN",
                  "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback",
                  "AR PL UMing CN")
CJK_FILE_HINTS = ("cjk", "sourcehan", "notosanssc", "droidsansfallback", "wqy", "uming", "ukai")
CJK_PROBE = "省自治区服务网点图例黑龙江维吾尔壮族南海诸岛"
FONT_ENV = "REACH_PLANNER_CJK_FONT"  # path[:face] of a CJK font, for machines without fontconfig
BUNDLED_FONTS = RESOURCES / "fonts"  # rebuilt by resources/tools/build_font.py
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _face(path: str | os.PathLike[str], index: int = 0) -> str:
    """A font path that keeps the face index where matplotlib can use one."""
    path = os.fspath(path)
    return FontPath(path, index) if FontPath is not None else path


def _ft2(path: str) -> FT2Font:
    index = getattr(path, "face_index", 0)
    return FT2Font(str(path), face_index=index) if index else FT2Font(str(path))


def has_glyphs(path: str, text: str = CJK_PROBE) -> bool:
    """True when the font (face) maps every character of ``text`` to a real glyph."""
    try:
        font = _ft2(path)
    except (OSError, RuntimeError, TypeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


def _fc_match(pattern: str) -> str | None:
    """The file and face fontconfig picks for ``pattern`` (None without fontconfig)."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}", pattern],
                             capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, index = out.partition("\t")
    return _face(file, int(index or 0)) if file else None


def _env_font() -> str | None:
    value = os.environ.get(FONT_ENV, "").strip()
    if not value:
        return None
    path, _, index = value.rpartition(":") if re.search(r":\d+$", value) else (value, "", "0")
    return _face(path, int(index))


def _scanned_fonts(bold: bool) -> list[str]:
    """Fallback without fontconfig: font files that look CJK, each face, SC first."""
    found = []
    for path in sorted(findSystemFonts()):
        name = os.path.basename(path).lower()
        if not any(k in name for k in CJK_FILE_HINTS) or ("bold" in name) != bold:
            continue
        try:
            n = FT2Font(path).num_faces
        except (OSError, RuntimeError):
            continue
        faces = [_face(path, i) for i in range(n)]
        found += sorted(faces, key=lambda f: "SC" not in _family(f))
    return found


def _family(path: str) -> str:
    try:
        return _ft2(path).family_name
    except (OSError, RuntimeError, TypeError, ValueError):
        return ""


@functools.cache
def cjk_font(bold: bool = False) -> str | None:
    """A font (path, with the face inside a collection) that has Chinese glyphs, or None.

    Order: ``$REACH_PLANNER_CJK_FONT``, then the bundled Noto Sans SC (preferred to any
    system font, so prints are the same everywhere), then fontconfig's choice for each family in
    :data:`CJK_CANDIDATES` (the Simplified Chinese face of a .ttc), then a scan of the
    system font folders. Every candidate must really hold the glyphs (``fc-match``
    happily returns DejaVu for a family that is not installed). A missing bold face
    falls back to the regular one.
    """
    style = ":weight=bold" if bold else ""
    for path in _candidates(style, bold):  # lazily: usually the first one fits
        if path and has_glyphs(path) and (not bold or "bold" in os.fspath(path).lower()):
            return path
    return cjk_font(False) if bold else None


def bundled_font(bold: bool = False) -> str | None:
    """The app's own Noto Sans SC (``resources/fonts``): same prints on every machine."""
    path = BUNDLED_FONTS / f"NotoSansSC-{'Bold' if bold else 'Regular'}.ttf"
    return _face(path) if path.is_file() else None


def _candidates(style: str, bold: bool) -> Iterator[str | None]:
    yield _env_font()
    yield bundled_font(bold)
    for family in CJK_CANDIDATES:
        yield _fc_match(f"{family}:lang=zh-cn{style}")
    yield from _scanned_fonts(bold)


def require_cjk_font(bold: bool = False) -> str:
    path = cjk_font(bold)
    if path is None:
        raise RuntimeError("no Chinese (CJK) font found (resources/fonts is missing): install fonts-noto-cjk "
                           "(bash .ci/install does), set REACH_PLANNER_CJK_FONT to a font file, "
                           "or print the map in English (--lang en)")
    return path


@dataclass(frozen=True, eq=False)
class Fonts:
    regular: FontProperties
    bold: FontProperties


def fonts_for(lang: str, sample: str = "") -> Fonts:
    """DejaVu Sans for English; the CJK font for Chinese or for any Chinese in ``sample``
    (a user's title in an English print must not turn into boxes either)."""
    if lang != "zh" and not HAN.search(sample):
        return Fonts(FontProperties(family="DejaVu Sans"),
                     FontProperties(family="DejaVu Sans", weight="bold"))
    return Fonts(FontProperties(fname=require_cjk_font()),
                 FontProperties(fname=require_cjk_font(bold=True)))
