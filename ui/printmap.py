"""Print-quality maps for reports: PNG (150/300/600 dpi), PDF, SVG on A4/A3 pages.

Drawn from the data with matplotlib (not a screenshot), in the China Albers
equal-area projection: provinces with Chinese or English labels, covered area, gap
cells by unreached rural people, sites and outlets, top gap regions, legend, scale
bar, north arrow, title, subtitle with the scenario parameters, data attribution and
an optional South China Sea inset. Qt-free; uses only matplotlib's Agg/PDF/SVG
canvases (never pyplot's global state), so it runs in the CLI and in workers.

Chinese text needs a CJK font: :func:`cjk_font` finds Noto Sans CJK (Debian's
``fonts-noto-cjk``, installed by ``.ci/install``) or another CJK font on the system
and refuses to draw Chinese with a font that would show empty boxes.
"""
from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection  # noqa: F401  (backend registration)
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findSystemFonts
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from geo.albers import CHINA
from geo.data import DATA_DIR, load_china
from geo.scenario import ScenarioResult
from ui.webmap import COVERED, GAP_COLOURS, LAND, OUTLET, SEA, SITE, gap_classes

PAGES_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
CJK_CANDIDATES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                  "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN")
TEXT = {
    "en": {"title": "Goodaymart rural reach", "legend": "Legend", "site": "Distribution site",
           "outlet": "Service outlet", "covered": "Within service radius",
           "gaps": "Unreached rural people per cell", "gap_label": "Top gap regions (rank)",
           "inset": "South China Sea islands", "upto": "up to {hi}", "over": "over {lo}",
           "attribution": "Boundaries: Natural Earth · Places: GeoNames (CC-BY 4.0) · "
                          "Population: NBS 2020 census · Network simulated",
           "subtitle": "{sites} distribution sites · {outlets} service outlets · service "
                       "radius {km} km · rural covered {pct}% · seed {seed}"},
    "zh": {"title": "日日顺农村覆盖", "legend": "图例", "site": "配送中心", "outlet": "服务网点",
           "covered": "服务半径内", "gaps": "每网格未覆盖农村人口", "gap_label": "主要空白区域（排名）",
           "inset": "南海诸岛", "upto": "{hi} 以下", "over": "{lo} 以上",
           "attribution": "边界：Natural Earth · 地名：GeoNames (CC-BY 4.0) · "
                          "人口：国家统计局 2020 年人口普查 · 网络为模拟",
           "subtitle": "{sites} 个配送中心 · {outlets} 个服务网点 · 服务半径 {km} 公里 · "
                       "农村覆盖率 {pct}% · 种子 {seed}"},
}


@dataclass(frozen=True)
class PrintOptions:
    page: str = "A4"
    orientation: str = "landscape"
    dpi: int = 300
    lang: str = "en"
    title: str | None = None
    subtitle: str | None = None
    inset: bool = True
    legend: bool = True
    scale_bar: bool = True

    def __post_init__(self) -> None:
        if self.page not in PAGES_MM:
            raise ValueError(f"page must be A4 or A3, got {self.page!r}")
        if self.orientation not in ("landscape", "portrait"):
            raise ValueError(f"orientation must be landscape or portrait, got {self.orientation!r}")
        if not 72 <= int(self.dpi) <= 1200:
            raise ValueError(f"dpi must be between 72 and 1200, got {self.dpi}")
        if self.lang not in TEXT:
            raise ValueError(f"lang must be en or zh, got {self.lang!r}")

    @property
    def size_inches(self) -> tuple[float, float]:
        w, h = PAGES_MM[self.page]
        if self.orientation == "portrait":
            w, h = h, w
        return w / 25.4, h / 25.4


# -- fonts -------------------------------------------------------------------------------
def has_glyphs(path: str, text: str = "省自治区服务网点图例") -> bool:
    try:
        font = FT2Font(path)
    except (OSError, RuntimeError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


@functools.cache
def cjk_font() -> str | None:
    """Path of a font with Chinese glyphs, or None (then Chinese text is refused)."""
    for family in CJK_CANDIDATES:
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:lang=zh"],
                                 capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and has_glyphs(out):
            return out
    for path in findSystemFonts():
        name = os.path.basename(path).lower()
        if any(k in name for k in ("cjk", "droidsansfallback", "wqy", "uming", "ukai")) \
                and has_glyphs(path):
            return path
    return None


def font_for(lang: str) -> FontProperties:
    if lang != "zh":
        return FontProperties(family="DejaVu Sans")
    path = cjk_font()
    if path is None:
        raise RuntimeError("no Chinese (CJK) font found: install fonts-noto-cjk "
                           "(bash .ci/install does) or print the map in English (--lang en)")
    return FontProperties(fname=path)


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


@functools.lru_cache(maxsize=4)
def _layers(result: ScenarioResult):
    """Projected province shapes, covered area, gap classes (dissolved), bounds; cached
    per result (results are immutable and hash by identity) for repeated prints."""
    prov = load_china().provinces
    provinces = [project(g) for g in prov.geometry]
    g = result.demand.grid
    cov_cells = np.flatnonzero(result.coverage.covered)
    covered = project(shapely.coverage_union_all(g.polygons(cov_cells))) if len(cov_cells) else None
    gap_cells = np.flatnonzero(result.gaps.is_gap)
    people = result.demand.rural[gap_cells]
    bounds = gap_classes(people)
    cls = np.searchsorted(bounds, people, side="left")
    polys = g.polygons(gap_cells)
    gaps = [project(shapely.coverage_union_all(polys[cls == c])) if (cls == c).any() else None
            for c in range(len(GAP_COLOURS))]
    return prov, provinces, covered, gaps, bounds


# -- drawing ---------------------------------------------------------------------------------
def render_figure(result: ScenarioResult, opts: PrintOptions) -> Figure:
    t = TEXT[opts.lang]
    font = font_for(opts.lang)
    fig = Figure(figsize=opts.size_inches, dpi=opts.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    portrait = opts.orientation == "portrait"
    ax = fig.add_axes([0.02, 0.07, 0.96, 0.80 if not portrait else 0.78])
    ax.set_facecolor(SEA)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    prov, provinces, covered, gaps, bounds = _layers(result)
    for shape in provinces:
        ax.add_patch(PathPatch(geom_path(shape), facecolor=LAND, edgecolor="none", zorder=1))
    if covered is not None:
        ax.add_patch(PathPatch(geom_path(covered), facecolor=COVERED, alpha=0.45,
                               edgecolor="none", zorder=2))
    for colour, shape in zip(GAP_COLOURS, gaps):
        if shape is not None:
            ax.add_patch(PathPatch(geom_path(shape), facecolor=colour, edgecolor="none",
                                   alpha=0.85, zorder=3))
    for shape in provinces:
        ax.add_patch(PathPatch(geom_path(shape), facecolor="none", edgecolor="#7a7a7a",
                               linewidth=0.4, zorder=4))
    net = result.network
    ox, oy = CHINA.forward(net.outlets["lon"].to_numpy(), net.outlets["lat"].to_numpy())
    sx, sy = CHINA.forward(net.sites["lon"].to_numpy(), net.sites["lat"].to_numpy())
    ax.scatter(ox, oy, s=0.6, c=OUTLET, linewidths=0, zorder=5, rasterized=True)
    ax.scatter(sx, sy, s=2.5, c=SITE, linewidths=0, zorder=6, rasterized=True)
    _gap_labels(ax, result, font)
    _province_labels(ax, prov, provinces, opts, font)
    xmin, ymin, xmax, ymax = shapely.total_bounds(np.array(provinces, dtype=object))
    pad = 0.03 * (xmax - xmin)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    _frame_text(fig, result, opts, t, font)
    if opts.legend:
        _legend(ax, t, bounds, font)
    if opts.scale_bar:
        _scale_bar(ax, font)
    _north_arrow(ax, font)
    if opts.inset:
        _inset(fig, ax, t, font)
    return fig


def _province_labels(ax, prov, provinces, opts: PrintOptions, font) -> None:
    names = prov["name_zh"] if opts.lang == "zh" else prov["name_en"]
    for name, shape in zip(names, provinces):
        pt = shape.representative_point() if not shape.is_empty else None
        if pt is None:
            continue
        big = shape.area > 2e11
        label = name.replace("省", "").replace("自治区", "").replace("市", "") \
            if opts.lang == "zh" and not big else name
        ax.text(pt.x, pt.y, label, fontproperties=font, fontsize=6.5 if big else 5,
                ha="center", va="center", color="#333333", zorder=7,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.6})


def _gap_labels(ax, result: ScenarioResult, font) -> None:
    regs = result.gaps.regions.head(10)
    x, y = CHINA.forward(regs["lon"].to_numpy(), regs["lat"].to_numpy())
    for rank, px, py in zip(regs["rank"], x, y):
        ax.text(px, py, str(int(rank)), fontsize=6, fontweight="bold", color="#bd0026",
                ha="center", va="center", zorder=8,
                bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": "#bd0026", "lw": 0.8})


def _frame_text(fig: Figure, result: ScenarioResult, opts: PrintOptions, t, font) -> None:
    p, s = result.params, result.summary
    title = opts.title or t["title"]
    subtitle = opts.subtitle or t["subtitle"].format(
        sites=f"{s.distribution_sites:,}", outlets=f"{s.service_outlets:,}",
        km=f"{p.radius_km:g}", pct=f"{s.rural_covered_pct:.1f}", seed=p.seed)
    top = 0.965
    fig.text(0.5, top, title, ha="center", va="top", fontsize=16, fontweight="bold",
             fontproperties=font)
    fig.text(0.5, top - 0.045, subtitle, ha="center", va="top", fontsize=8.5, color="#444444",
             fontproperties=font)
    fig.text(0.02, 0.03, t["attribution"], ha="left", va="bottom", fontsize=6.5,
             color="#555555", fontproperties=font)


def _legend(ax, t, bounds, font) -> None:
    handles = [Line2D([], [], marker="o", ls="", color=SITE, markersize=4, label=t["site"]),
               Line2D([], [], marker="o", ls="", color=OUTLET, markersize=2.5, label=t["outlet"]),
               Patch(facecolor=COVERED, alpha=0.45, label=t["covered"])]
    lo = 0
    for colour, hi in zip(GAP_COLOURS, bounds):
        label = (t["over"].format(lo=f"{lo:,.0f}") if np.isinf(hi) else
                 t["upto"].format(hi=f"{hi:,.0f}") if lo == 0 else f"{lo:,.0f} – {hi:,.0f}")
        handles.append(Patch(facecolor=colour, label=label))
        lo = hi
    handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="white",
                          markeredgecolor="#bd0026", markersize=5, label=t["gap_label"]))
    leg = ax.legend(handles=handles, loc="lower left", title=t["legend"], prop=font,
                    fontsize=6.5, title_fontproperties=font, frameon=True, framealpha=0.92,
                    borderpad=0.6)
    leg.get_title().set_fontsize(8)
    for text in leg.get_texts():
        text.set_fontsize(6.5)
    leg.set_zorder(20)
    # the gap-class heading sits between the symbol and the class rows
    leg.texts[3].set_text(f"{t['gaps']}:\n{leg.texts[3].get_text()}")


def nice_length_km(span_km: float) -> int:
    """A round scale-bar length about a fifth of the map width (1, 2 or 5 x 10^n km)."""
    raw = span_km / 5
    mag = 10 ** np.floor(np.log10(raw))
    return int(max(m for m in (1, 2, 5, 10) if m * mag <= raw) * mag)


def _scale_bar(ax, font) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length_km((x1 - x0) / 1000) * 1000
    # bottom centre: the legend holds the lower left and the inset the lower right
    bx, by = x0 + 0.34 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    h = 0.008 * (y1 - y0)
    for k in range(4):
        ax.add_patch(Rectangle((bx + k * length / 4, by), length / 4, h, zorder=21,
                               facecolor="black" if k % 2 == 0 else "white", edgecolor="black",
                               linewidth=0.6))
    for frac in (0, 0.5, 1):
        ax.text(bx + frac * length, by + 2.2 * h, f"{frac * length / 1000:g}" +
                (" km" if frac == 1 else ""), ha="center", va="bottom", fontsize=6, zorder=21,
                fontproperties=font)


def _north_arrow(ax, font) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x, y = x1 - 0.04 * (x1 - x0), y1 - 0.16 * (y1 - y0)
    ax.add_patch(FancyArrow(x, y, 0, 0.07 * (y1 - y0), width=0.006 * (x1 - x0),
                            head_width=0.022 * (x1 - x0), head_length=0.03 * (y1 - y0),
                            color="black", zorder=21, length_includes_head=True))
    ax.text(x, y + 0.085 * (y1 - y0), "N", ha="center", va="bottom", fontsize=10,
            fontweight="bold", zorder=21)


def _inset(fig: Figure, ax, t, font) -> None:
    """South China Sea (105-125E, 3-25N) in a small frame in the lower right."""
    box = ax.get_position()
    w, h = 0.12, 0.21
    inset = fig.add_axes([box.x1 - w - 0.01, box.y0 + 0.01, w, h])
    inset.set_facecolor(SEA)
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_aspect("equal")
    for shape in (project(g) for g in load_china().provinces.geometry):
        inset.add_patch(PathPatch(geom_path(shape), facecolor=LAND, edgecolor="#7a7a7a",
                                  linewidth=0.3))
    islands = _islands()
    if islands is not None:
        inset.add_patch(PathPatch(geom_path(project(islands)), facecolor="#555555",
                                  edgecolor="#555555", linewidth=0.8))
    xs, ys = CHINA.forward(np.array([105.0, 125.0, 105.0, 125.0]), np.array([3.0, 3.0, 25.0, 25.0]))
    inset.set_xlim(xs.min(), xs.max())
    inset.set_ylim(ys.min(), ys.max())
    inset.text(0.5, 0.02, t["inset"], transform=inset.transAxes, ha="center", va="bottom",
               fontsize=5.5, fontproperties=font,
               bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1})


@functools.cache
def _islands():
    import geopandas as gpd

    path = DATA_DIR / "south_china_sea_islands.geojson"
    if not path.exists():
        return None
    return shapely.union_all(gpd.read_file(path).geometry.to_numpy())


# -- output ------------------------------------------------------------------------------------
def check_output(path: str | os.PathLike[str]) -> tuple[Path, str]:
    p = Path(path).expanduser()
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise ValueError(f"{p}: unsupported format {p.suffix or '(none)'!r}; use .png, .pdf or .svg")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(f"{p}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"{p}: folder {parent} is not writable")
    return p, fmt


def render_print_map(result: ScenarioResult, opts: PrintOptions, out: str | os.PathLike[str]
                     ) -> Path:
    """Write the map; a temporary file is renamed over ``out`` only when complete."""
    path, fmt = check_output(out)
    fig = render_figure(result, opts)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format=fmt, dpi=opts.dpi, facecolor="white",
                    metadata=_metadata(fmt, opts))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _metadata(fmt: str, opts: PrintOptions) -> dict[str, str]:
    title = opts.title or TEXT[opts.lang]["title"]
    if fmt == "png":
        return {"Title": title, "Software": "Reach Planner"}
    if fmt == "pdf":
        return {"Title": title, "Creator": "Reach Planner"}
    return {"Title": title}
