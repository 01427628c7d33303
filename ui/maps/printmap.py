"""Print-quality maps for reports: PNG (150/300/600 dpi), PDF, SVG on A4/A3 pages.

Drawn from the data with matplotlib (not a screenshot), in the China Albers
equal-area projection: provinces with Chinese or English labels, covered area, gap
cells by unreached rural people, sites and outlets, top gap regions, legend, scale
bar, north arrow, title, subtitle with the scenario parameters, data attribution and
an optional South China Sea inset. Qt-free; uses only matplotlib's Agg/PDF/SVG
canvases (never pyplot's global state), so it runs in the CLI and in worker threads.

Chinese text needs a CJK font: :func:`cjk_font` finds the Simplified Chinese face of
Noto Sans CJK (Debian's ``fonts-noto-cjk``, installed by ``.ci/install``) or another
CJK font on the system, and refuses to draw Chinese with a font that would show
empty boxes.
"""
from __future__ import annotations

import functools
import io
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findSystemFonts
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox
from shapely.ops import polylabel

from reach_planner.geo.albers import CHINA
from reach_planner.geo.atomic import atomic_write_bytes, check_target
from reach_planner.geo.data import DATA_DIR, load_china
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.maps.web import COVERED, GAP_COLOURS, LAND, OUTLET, SEA, SITE, gap_classes

try:  # matplotlib >= 3.11: a path that also names the face inside a .ttc collection
    from matplotlib.font_manager import FontPath
except ImportError:  # older matplotlib reads face 0 (Noto's JP face: still no tofu)
    FontPath = None  # type: ignore[assignment,misc]

PAGES_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
LAYERS = frozenset({"covered", "gaps", "outlets", "sites", "labels", "ranks"})
# Simplified Chinese first: Noto/Source Han collections hold JP, KR, SC, TC and HK faces
# and face 0 (JP) draws shared characters such as 直 and 骨 the Japanese way.
CJK_CANDIDATES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN",
                  "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback",
                  "AR PL UMing CN")
CJK_FILE_HINTS = ("cjk", "sourcehan", "notosanssc", "droidsansfallback", "wqy", "uming", "ukai")
CJK_PROBE = "省自治区服务网点图例黑龙江维吾尔壮族南海诸岛"
FONT_ENV = "REACH_PLANNER_CJK_FONT"  # path[:face] of a CJK font, for machines without fontconfig
BUNDLED_FONTS = DATA_DIR.parent / "fonts"  # resources/fonts, rebuilt by resources/tools/build_font.py
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ZH_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
TEXT = {
    "en": {"title": "Goodaymart rural reach", "legend": "Legend", "site": "Distribution site",
           "outlet": "Service outlet", "covered": "Within service radius",
           "gaps": "Unreached rural people per cell", "gap_label": "Top gap regions (rank)",
           "inset": "South China Sea islands", "upto": "up to {hi}", "over": "over {lo}",
           "attribution": "Boundaries: Natural Earth · Places: GeoNames (CC-BY 4.0) · "
                          "Population: NBS 2020 census · Network {network}",
           "projection": "Albers equal-area conic, 105°E, standard parallels 25°N and 47°N",
           "simulated": "simulated", "imported": "imported", "recommended": "recommended",
           "and": " + ", "km": "km",
           "subtitle": "{sites} distribution sites · {outlets} service outlets · service "
                       "radius {km} km · rural covered {pct}% · seed {seed}"},
    "zh": {"title": "日日顺农村覆盖", "legend": "图例", "site": "配送中心", "outlet": "服务网点",
           "covered": "服务半径内", "gaps": "每网格未覆盖农村人口", "gap_label": "主要空白区域（排名）",
           "inset": "南海诸岛", "upto": "{hi} 以下", "over": "{lo} 以上",
           "attribution": "边界：Natural Earth · 地名：GeoNames (CC-BY 4.0) · "
                          "人口：国家统计局 2020 年人口普查 · 网络：{network}",
           "projection": "阿尔伯斯等积圆锥投影，中央经线 105°E，标准纬线 25°N、47°N",
           "simulated": "模拟", "imported": "导入", "recommended": "推荐", "and": "＋", "km": "公里",
           "subtitle": "{sites} 个配送中心 · {outlets} 个服务网点 · 服务半径 {km} 公里 · "
                       "农村覆盖率 {pct}% · 种子 {seed}"},
}


@dataclass(frozen=True)
class PrintOptions:
    """How one print looks; frozen so a dialog's choice can go to a worker unchanged."""

    page: str = "A4"
    orientation: str = "landscape"
    dpi: int = 300
    lang: str = "en"
    title: str | None = None
    subtitle: str | None = None
    inset: bool = True
    legend: bool = True
    scale_bar: bool = True
    north_arrow: bool = True
    layers: frozenset[str] = LAYERS

    def __post_init__(self) -> None:
        if self.page not in PAGES_MM:
            raise ValueError(f"page must be A4 or A3, got {self.page!r}")
        if self.orientation not in ("landscape", "portrait"):
            raise ValueError(f"orientation must be landscape or portrait, got {self.orientation!r}")
        if not 72 <= int(self.dpi) <= 1200:
            raise ValueError(f"dpi must be between 72 and 1200, got {self.dpi}")
        if self.lang not in TEXT:
            raise ValueError(f"lang must be en or zh, got {self.lang!r}")
        unknown = set(self.layers) - LAYERS
        if unknown:
            raise ValueError(f"unknown layers {sorted(unknown)}; choose from {sorted(LAYERS)}")

    @property
    def size_mm(self) -> tuple[float, float]:
        w, h = PAGES_MM[self.page]
        return (h, w) if self.orientation == "portrait" else (w, h)

    @property
    def size_inches(self) -> tuple[float, float]:
        w, h = self.size_mm
        return w / 25.4, h / 25.4

    @property
    def pixels(self) -> tuple[int, int]:
        """Raster size: the page at this dpi, rounded (A4 at 150 dpi is 1754 x 1240)."""
        w, h = self.size_inches
        return round(w * self.dpi), round(h * self.dpi)

    @property
    def text_scale(self) -> float:
        """A3 is read from further away: its text is a little larger than A4's."""
        return 1.0 if self.page == "A4" else 1.2


# -- fonts -------------------------------------------------------------------------------
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
    system font so that a print looks the same everywhere), then fontconfig's choice for each family in
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
        raise RuntimeError("no Chinese (CJK) font found: install fonts-noto-cjk "
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


def font_for(lang: str) -> FontProperties:
    return fonts_for(lang).regular


# -- geometry to matplotlib ----------------------------------------------------------------
def project(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(CHINA.forward(xy[:, 0], xy[:, 1])))


def geom_path(geom) -> MplPath:
    """One compound path for (multi)polygons, holes included (even-odd fill)."""
    verts, codes = [], []
    for poly in shapely.get_parts(geom):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            verts.append(xy)
            codes.append(np.r_[MplPath.MOVETO, np.full(len(xy) - 2, MplPath.LINETO),
                               MplPath.CLOSEPOLY])
    if not verts:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


@dataclass(frozen=True, eq=False)
class Basemap:
    """Projected provinces and islands: the same for every print, built once."""

    shapes: np.ndarray  # projected province geometries, in load_china() order
    land: MplPath  # every province in one compound path
    islands: MplPath | None
    bounds: tuple[float, float, float, float]


@functools.cache
def basemap() -> Basemap:
    shapes = np.array([project(g) for g in load_china().provinces.geometry], dtype=object)
    land = MplPath.make_compound_path(*(geom_path(s) for s in shapes))
    isl = _islands()
    islands = None if isl is None else geom_path(project(isl))
    return Basemap(shapes=shapes, land=land, islands=islands,
                   bounds=tuple(shapely.total_bounds(shapes)))


@functools.cache
def _islands():
    import geopandas as gpd

    path = DATA_DIR / "south_china_sea_islands.geojson"
    if not path.exists():
        return None
    return shapely.union_all(gpd.read_file(path).geometry.to_numpy())


@dataclass(frozen=True, eq=False)
class Layers:
    covered: MplPath | None
    gaps: tuple[MplPath | None, ...]  # one dissolved path per gap colour class
    bounds: np.ndarray  # upper bounds of the gap classes


@functools.lru_cache(maxsize=2)
def _layers(result: ScenarioResult) -> Layers:
    """Covered area and gap classes, each dissolved into one shape (tens of thousands of
    hexagons become a handful of paths); cached per result (immutable, hashed by
    identity) so a second print of the same scenario skips the work."""
    g = result.demand.grid
    cov_cells = np.flatnonzero(result.coverage.covered)
    covered = (geom_path(project(shapely.coverage_union_all(g.polygons(cov_cells))))
               if len(cov_cells) else None)
    gap_cells = np.flatnonzero(result.gaps.is_gap)
    people = result.demand.rural[gap_cells]
    bounds = gap_classes(people)
    cls = np.searchsorted(bounds, people, side="left")
    polys = g.polygons(gap_cells)
    gaps = tuple(geom_path(project(shapely.coverage_union_all(polys[cls == c])))
                 if (cls == c).any() else None for c in range(len(GAP_COLOURS)))
    return Layers(covered=covered, gaps=gaps, bounds=bounds)


def _add(ax: Axes, path: MplPath | None, **style) -> None:
    """Add a shape without ``add_patch``'s data-limit update, which walks every Bezier
    segment in Python (90% of the drawing time); the limits are set explicitly."""
    if path is not None:
        ax.add_artist(PathPatch(path, **style))


# -- page layout ------------------------------------------------------------------------------
INSET_BOX = ((105.0, 125.0), (3.0, 25.0))  # South China Sea: lon and lat ranges
SIDE_MM = 7.0


@dataclass(frozen=True)
class Page:
    """Where things go on the sheet, in millimetres turned into figure fractions.

    ``frame_mm`` shortens the map frame (portrait: a wide country leaves the bottom of
    a tall frame empty); the title, frame and credits then sit centred on the page.
    """

    opts: PrintOptions
    frame_mm: float | None = None

    def fx(self, mm: float) -> float:
        return mm / self.opts.size_mm[0]

    def fy(self, mm: float) -> float:
        return mm / self.opts.size_mm[1]

    @property
    def head_mm(self) -> float:
        return 22.0 * self.opts.text_scale

    @property
    def foot_mm(self) -> float:
        return 9.0 * self.opts.text_scale

    @property
    def frame_w_mm(self) -> float:
        return self.opts.size_mm[0] - 2 * SIDE_MM

    @property
    def frame_h_mm(self) -> float:
        room = self.opts.size_mm[1] - self.head_mm - self.foot_mm
        return min(room, self.frame_mm or room)

    @property
    def margin_mm(self) -> float:
        """Blank space above the title and below the credits (0 on a full frame)."""
        return (self.opts.size_mm[1] - self.head_mm - self.foot_mm - self.frame_h_mm) / 2

    def map_rect(self) -> list[float]:
        return [self.fx(SIDE_MM), self.fy(self.margin_mm + self.foot_mm),
                self.fx(self.frame_w_mm), self.fy(self.frame_h_mm)]


def inset_size_mm(opts: PrintOptions) -> tuple[float, float]:
    """The inset at the sea's true proportions, 40 mm wide on A4."""
    xs, ys = CHINA.forward(np.array(INSET_BOX[0] * 2), np.repeat(INSET_BOX[1], 2))
    w = 40 * opts.text_scale
    return w, w * np.ptp(ys) / np.ptp(xs)


def _portrait_frame_mm(page: Page, bounds, legend, renderer) -> float:
    """Frame height for a portrait sheet: the map across the full width, plus a band
    below it as tall as the legend or the inset, whichever is taller."""
    xmin, ymin, xmax, ymax = bounds
    pad = 0.02 * max(xmax - xmin, ymax - ymin)
    data_mm = page.frame_w_mm * (ymax - ymin + 2 * pad) / (xmax - xmin + 2 * pad)
    legend_mm = 0.0
    if legend is not None:
        legend_mm = legend.get_window_extent(renderer).height / renderer.dpi * 25.4
    inset_mm = inset_size_mm(page.opts)[1] if page.opts.inset else 0.0
    return data_mm + max(legend_mm, inset_mm, 10.0) + 6.0


def _fit(ax: Axes, fig: Figure, bounds, portrait: bool) -> None:
    """Limits with true proportions filling the whole frame; in portrait the map hangs
    from the top so the legend and the inset get the free band at the bottom."""
    xmin, ymin, xmax, ymax = bounds
    pad = 0.02 * max(xmax - xmin, ymax - ymin)
    pos = ax.get_position()
    w_in, h_in = pos.width * fig.get_figwidth(), pos.height * fig.get_figheight()
    scale = max((xmax - xmin + 2 * pad) / w_in, (ymax - ymin + 2 * pad) / h_in)
    w, h = scale * w_in, scale * h_in
    x0 = (xmin + xmax) / 2 - w / 2
    y0 = ymax + pad - h if portrait else (ymin + ymax) / 2 - h / 2
    ax.set_xlim(x0, x0 + w)
    ax.set_ylim(y0, y0 + h)


# -- drawing ---------------------------------------------------------------------------------
def render_figure(result: ScenarioResult, opts: PrintOptions) -> Figure:
    """The whole sheet as a matplotlib Figure (no file written)."""
    t = TEXT[opts.lang]
    fonts = fonts_for(opts.lang, f"{opts.title or ''}{opts.subtitle or ''}")
    w_px, h_px = opts.pixels
    fig = Figure(figsize=(w_px / opts.dpi, h_px / opts.dpi), dpi=opts.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    page = Page(opts)
    ax = fig.add_axes(page.map_rect())
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    base = basemap()
    renderer = RendererAgg(1, 1, fig.dpi)  # measures text; no full-page buffer
    legend = _legend(ax, t, _layers(result).bounds, fonts, opts) if opts.legend else None
    portrait = opts.orientation == "portrait"
    if portrait:
        page = Page(opts, _portrait_frame_mm(page, base.bounds, legend, renderer))
        ax.set_position(page.map_rect())
    _fit(ax, fig, base.bounds, portrait)
    _graticule(ax)
    _draw_data(ax, result, opts, base)
    obstacles = [] if legend is None else [legend.get_window_extent(renderer)]
    if "ranks" in opts.layers:
        obstacles += _gap_labels(ax, result, renderer, opts)
    if opts.scale_bar:
        obstacles.append(_scale_bar(ax, fonts, opts, renderer, t["km"]))
    if opts.north_arrow:
        obstacles.append(_north_arrow(ax, opts, renderer))
    if opts.inset:
        obstacles.append(_inset(fig, ax, t, fonts, opts, base, page).get_window_extent(renderer))
    if "labels" in opts.layers:
        _province_labels(ax, opts, fonts, renderer, obstacles)
    _frame_text(fig, result, opts, t, fonts, page, renderer)
    return fig


def _draw_data(ax: Axes, result: ScenarioResult, opts: PrintOptions, base: Basemap) -> None:
    _add(ax, base.land, facecolor=LAND, edgecolor="none", zorder=1)
    layers = _layers(result)
    if "covered" in opts.layers:
        _add(ax, layers.covered, facecolor=COVERED, alpha=0.45, edgecolor="none", zorder=2)
    if "gaps" in opts.layers:
        for colour, path in zip(GAP_COLOURS, layers.gaps):
            _add(ax, path, facecolor=colour, edgecolor="none", alpha=0.85, zorder=3)
    _add(ax, base.land, facecolor="none", edgecolor="#6f6f6f", linewidth=0.4, zorder=4)
    net = result.network
    if "outlets" in opts.layers and len(net.outlets):
        x, y = CHINA.forward(net.outlets["lon"].to_numpy(), net.outlets["lat"].to_numpy())
        ax.scatter(x, y, s=0.35, c=OUTLET, alpha=0.8, linewidths=0, zorder=5, rasterized=True)
    if "sites" in opts.layers and len(net.sites):
        x, y = CHINA.forward(net.sites["lon"].to_numpy(), net.sites["lat"].to_numpy())
        ax.scatter(x, y, s=1.6, c=SITE, linewidths=0, zorder=6, rasterized=True)


def _graticule(ax: Axes) -> None:
    """10° meridians and parallels on the sea: shows the conic projection's curvature.
    Cut to the frame, like everything drawn, so SVG viewers that ignore clip paths
    (Qt's, ImageMagick's) show nothing outside it."""
    lat, lon = np.linspace(0, 60, 61), np.linspace(60, 150, 91)
    lines = [np.column_stack(CHINA.forward(np.full_like(lat, m), lat)) for m in range(60, 151, 10)]
    lines += [np.column_stack(CHINA.forward(lon, np.full_like(lon, p))) for p in range(0, 61, 10)]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    cut = shapely.clip_by_rect([shapely.LineString(xy) for xy in lines], x0, y0, x1, y1)
    parts = [np.asarray(g.coords) for g in shapely.get_parts(cut) if not g.is_empty]
    ax.add_collection(LineCollection(parts, colors="#b7cbd9", linewidths=0.3, zorder=0.5),
                      autolim=False)


def _short_zh(name: str) -> str:
    """内蒙古自治区 -> 内蒙古, 黑龙江省 -> 黑龙江: the short forms Chinese maps print."""
    for suffix in ZH_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _label_point(shape) -> tuple[float, float]:
    """Pole of inaccessibility of the largest part: well inside, even for crescents."""
    parts = shapely.get_parts(shape)
    big = max(parts, key=lambda p: p.area)
    pt = polylabel(big, tolerance=max(2000.0, np.sqrt(big.area) / 200))
    return pt.x, pt.y


def _province_labels(ax: Axes, opts: PrintOptions, fonts: Fonts, renderer, obstacles) -> None:
    """Largest provinces first; a label that would collide moves around its anchor,
    then shrinks, and is left out only when nothing fits (a small coastal
    municipality squeezed between its neighbours' names)."""
    prov = load_china().provinces
    names = [_short_zh(n) for n in prov["name_zh"]] if opts.lang == "zh" else list(prov["name_en"])
    shapes = basemap().shapes
    frame = ax.get_window_extent(renderer)
    placed = list(obstacles)
    s = opts.text_scale
    for i in np.argsort([-sh.area for sh in shapes]):
        area = shapes[i].area
        size = (7.5 if area > 3e11 else 6.5 if area > 1e11 else 6.0) * s
        x, y = _label_point(shapes[i])
        for fs in (size, 0.85 * size):
            if _place(ax, names[i], x, y, fs, fonts.regular, renderer, frame, placed):
                break


def _place(ax: Axes, label: str, x: float, y: float, size: float, font, renderer, frame,
           placed: list) -> bool:
    txt = ax.text(x, y, label, fontproperties=font, fontsize=size, ha="center", va="center",
                  color="#222222", zorder=7,
                  path_effects=[patheffects.withStroke(linewidth=1.8, foreground="white")])
    bb = txt.get_window_extent(renderer).expanded(1.06, 1.15)
    w, h = bb.width, bb.height
    for dx, dy in ((0, 0), (0, 1.1), (0, -1.1), (0.6, 0), (-0.6, 0), (0.6, 1.1), (-0.6, 1.1),
                   (0.6, -1.1), (-0.6, -1.1), (0, 2.2), (0, -2.2)):
        cand = bb.translated(dx * w, dy * h)
        if frame.contains(cand.x0, cand.y0) and frame.contains(cand.x1, cand.y1) \
                and not any(cand.overlaps(p) for p in placed):
            px, py = ax.transData.inverted().transform(
                ax.transData.transform((x, y)) + (dx * w, dy * h))
            txt.set_position((px, py))
            placed.append(cand)
            return True
    txt.remove()
    return False


def _gap_labels(ax: Axes, result: ScenarioResult, renderer, opts: PrintOptions) -> list[Bbox]:
    regs = result.gaps.regions.head(10)
    x, y = CHINA.forward(regs["lon"].to_numpy(), regs["lat"].to_numpy())
    boxes = []
    for rank, px, py in zip(regs["rank"], x, y):
        t = ax.text(px, py, str(int(rank)), fontsize=6 * opts.text_scale, fontweight="bold",
                    color="#bd0026", ha="center", va="center", zorder=8, family="DejaVu Sans",
                    bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": "#bd0026",
                          "lw": 0.8})
        boxes.append(t.get_window_extent(renderer).expanded(1.9, 1.6))
    return boxes


def _network_credit(result: ScenarioResult, t: dict[str, str]) -> str:
    net = result.network
    sources = [s for s in ("simulated", "imported", "recommended")
               if any(s in set(layer["source"]) for layer in (net.sites, net.outlets)
                      if "source" in layer and len(layer))]
    return t["and"].join(t[s] for s in sources) or t["simulated"]


def _frame_text(fig: Figure, result: ScenarioResult, opts: PrintOptions, t, fonts: Fonts,
                page: Page, renderer) -> None:
    """Title, subtitle and the credits line; long texts shrink to the page width, and
    the projection note drops below the credits when both do not fit on one line."""
    p, s = result.params, result.summary
    k = opts.text_scale
    title = opts.title or t["title"]
    subtitle = opts.subtitle or t["subtitle"].format(
        sites=f"{s.distribution_sites:,}", outlets=f"{s.service_outlets:,}",
        km=f"{p.radius_km:g}", pct=f"{s.rural_covered_pct:.1f}", seed=p.seed)
    top, width = page.margin_mm, page.frame_w_mm / 25.4 * fig.dpi
    _shrink_to(fig.text(0.5, 1 - page.fy(top + 6 * k), title, ha="center", va="top",
                        fontproperties=fonts.bold, fontsize=16 * k), width, renderer)
    _shrink_to(fig.text(0.5, 1 - page.fy(top + 14.5 * k), subtitle, ha="center", va="top",
                        fontproperties=fonts.regular, fontsize=8.5 * k, color="#444444"),
               width, renderer)
    y = page.fy(page.margin_mm + 3.2 * k)
    credit = fig.text(page.fx(SIDE_MM), y, t["attribution"].format(
        network=_network_credit(result, t)), ha="left", va="bottom",
        fontproperties=fonts.regular, fontsize=6.5 * k, color="#555555")
    note = fig.text(1 - page.fx(SIDE_MM), y, t["projection"], ha="right", va="bottom",
                    fontproperties=fonts.regular, fontsize=6 * k, color="#777777")
    _shrink_to(credit, width, renderer)
    a, b = credit.get_window_extent(renderer), note.get_window_extent(renderer)
    if a.x1 + 0.02 * width > b.x0:
        credit.set_y(page.fy(page.margin_mm + 4.6 * k))
        note.set_position((page.fx(SIDE_MM), page.fy(page.margin_mm + 1.2 * k)))
        note.set_ha("left")


def _shrink_to(text, width_px: float, renderer) -> None:
    """A user's long title must stay on the page: smaller type rather than cut off."""
    w = text.get_window_extent(renderer).width
    if w > width_px:
        text.set_fontsize(text.get_fontsize() * width_px / w * 0.98)


def _legend(ax: Axes, t, bounds, fonts: Fonts, opts: PrintOptions):
    k = opts.text_scale
    handles = []
    if "sites" in opts.layers:
        handles.append(Line2D([], [], marker="o", ls="", color=SITE, markersize=3.5,
                              label=t["site"]))
    if "outlets" in opts.layers:
        handles.append(Line2D([], [], marker="o", ls="", color=OUTLET, markersize=2,
                              label=t["outlet"]))
    if "covered" in opts.layers:
        handles.append(Patch(facecolor=COVERED, alpha=0.45, label=t["covered"]))
    if "gaps" in opts.layers:
        handles.append(Patch(facecolor="none", edgecolor="none", label=t["gaps"]))
        lo = 0
        for colour, hi in zip(GAP_COLOURS, bounds):
            label = (t["over"].format(lo=f"{lo:,.0f}") if np.isinf(hi) else
                     t["upto"].format(hi=f"{hi:,.0f}") if lo == 0 else f"{lo:,.0f} – {hi:,.0f}")
            handles.append(Patch(facecolor=colour, alpha=0.85, label=label))
            lo = hi
    if "ranks" in opts.layers:
        handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="white",
                              markeredgecolor="#bd0026", markersize=5, label=t["gap_label"]))
    leg = ax.legend(handles=handles, loc="lower left", title=t["legend"], prop=fonts.regular,
                    title_fontproperties=fonts.bold, frameon=True, framealpha=0.92,
                    edgecolor="#999999", borderpad=0.7, handlelength=1.6, labelspacing=0.45)
    leg.get_title().set_fontsize(8 * k)
    for text in leg.get_texts():
        text.set_fontsize(6.5 * k)
    leg.set_zorder(20)
    return leg


def nice_length_km(span_km: float) -> int:
    """A round scale-bar length about a fifth of the map width (1, 2 or 5 x 10^n km)."""
    raw = span_km / 5
    mag = 10 ** np.floor(np.log10(raw))
    return int(max(m for m in (1, 2, 5, 10) if m * mag <= raw) * mag)


def _scale_bar(ax: Axes, fonts: Fonts, opts: PrintOptions, renderer, t_km: str) -> Bbox:
    """Alternating bar in the lower middle of the frame (the legend holds the lower left,
    the inset the lower right); lengths are true near the standard parallels."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length_km((x1 - x0) / 1000 / 1.5) * 1000
    bx, by = x0 + 0.40 * (x1 - x0), y0 + 0.035 * (y1 - y0)
    h = 0.007 * (y1 - y0)
    artists = []
    for k in range(4):
        r = Rectangle((bx + k * length / 4, by), length / 4, h, zorder=21, linewidth=0.6,
                      facecolor="black" if k % 2 == 0 else "white", edgecolor="black")
        ax.add_artist(r)
        artists.append(r)
    for frac in (0, 0.5, 1):
        artists.append(ax.text(bx + frac * length, by + 1.8 * h, f"{frac * length / 1000:g}" +
                               (f" {t_km}" if frac == 1 else ""), ha="center", va="bottom",
                               fontproperties=fonts.regular, fontsize=6 * opts.text_scale,
                               zorder=21))
    return Bbox.union([a.get_window_extent(renderer) for a in artists]).expanded(1.1, 1.3)


def _north_arrow(ax: Axes, opts: PrintOptions, renderer) -> Bbox:
    """On the central meridian (105°E), in the empty band over Mongolia: on a conic map
    meridians converge, so only there does true north point straight up the page."""
    x0, x1 = ax.get_xlim()
    y1 = ax.get_ylim()[1]
    mm = (x1 - x0) / (ax.get_position().width * opts.size_mm[0])  # metres per mm of paper
    k = opts.text_scale
    length, x = 11 * k * mm, float(CHINA.forward(CHINA.lon_0, 45.0)[0])
    y = y1 - (8 + 11) * k * mm
    arrow = FancyArrow(x, y, 0, length, width=1.2 * k * mm, head_width=3.6 * k * mm,
                       head_length=4.5 * k * mm, color="black", zorder=21,
                       length_includes_head=True)
    ax.add_artist(arrow)
    n = ax.text(x, y + length + 0.8 * k * mm, "N", ha="center", va="bottom",
                fontsize=10 * k, fontweight="bold", family="DejaVu Sans", zorder=21)
    return Bbox.union([arrow.get_window_extent(renderer),
                       n.get_window_extent(renderer)]).expanded(1.3, 1.1)


def _inset(fig: Figure, ax: Axes, t, fonts: Fonts, opts: PrintOptions, base: Basemap,
           page: Page) -> Axes:
    """South China Sea (105-125°E, 3-25°N) in the lower right of the frame, at its true
    proportions; the islands come from the Natural Earth China outline."""
    xs, ys = CHINA.forward(np.array(INSET_BOX[0] * 2), np.repeat(INSET_BOX[1], 2))
    xlim, ylim = (xs.min(), xs.max()), (ys.min(), ys.max())
    box = ax.get_position()
    w_mm, h_mm = inset_size_mm(opts)
    w, h = page.fx(w_mm), page.fy(h_mm)
    inset = fig.add_axes([box.x1 - w - page.fx(2.5), box.y0 + page.fy(2.5), w, h])
    inset.set_facecolor(SEA)
    inset.set_xticks([])
    inset.set_yticks([])
    for side in inset.spines.values():
        side.set_linewidth(0.8)
    inset.set_xlim(*xlim)
    inset.set_ylim(*ylim)
    _add(inset, _inset_land(), facecolor=LAND, edgecolor="#7a7a7a", linewidth=0.3)
    _add(inset, base.islands, facecolor="#444444", edgecolor="#444444", linewidth=0.9)
    inset.text(0.5, 0.03, t["inset"], transform=inset.transAxes, ha="center", va="bottom",
               fontproperties=fonts.regular, fontsize=6 * opts.text_scale,
               bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1.2})
    return inset


@functools.cache
def _inset_land() -> MplPath:
    """Provinces cut to the inset box (SVG viewers that ignore clipping stay tidy)."""
    xs, ys = CHINA.forward(np.array(INSET_BOX[0] * 2), np.repeat(INSET_BOX[1], 2))
    cut = shapely.clip_by_rect(basemap().shapes, xs.min(), ys.min(), xs.max(), ys.max())
    return MplPath.make_compound_path(*(geom_path(g) for g in cut if not g.is_empty))


# -- output ------------------------------------------------------------------------------------
def check_output(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """Refuse a bad destination before any drawing (one clear line for the CLI/dialog)."""
    return check_target(path, FORMATS)


def render_print_map(result: ScenarioResult, opts: PrintOptions, out: str | os.PathLike[str]
                     ) -> Path:
    """Draw and write the map; ``out`` is replaced only once the file is complete."""
    path, fmt = check_output(out)
    fig = render_figure(result, opts)
    buf = io.BytesIO()
    # Type 3 PDF fonts: matplotlib's Type 42 subsetting cannot read a face inside a .ttc
    # (the Chinese text would vanish); SVG text as paths needs no font on the reader's side.
    with matplotlib.rc_context({"pdf.fonttype": 3, "svg.fonttype": "path"}):
        fig.savefig(buf, format=fmt, dpi=opts.dpi, facecolor="white",
                    metadata=_metadata(fmt, opts))
    atomic_write_bytes(path, buf.getvalue())
    os.chmod(path, 0o644)  # a report to share, not a private temporary file
    return path


def _metadata(fmt: str, opts: PrintOptions) -> dict[str, str]:
    title = opts.title or TEXT[opts.lang]["title"]
    if fmt == "png":
        return {"Title": title, "Software": "Reach Planner"}
    if fmt == "pdf":
        return {"Title": title, "Creator": "Reach Planner"}
    return {"Title": title}
