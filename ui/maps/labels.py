"""Label placement on the print map: province names that never collide, gap ranks.

Labels are placed largest province first; a label that would overlap one already
placed (or the legend, scale bar, north arrow, inset, gap ranks) tries positions
around its anchor, then a smaller size, and is left out only when nothing fits.

Every name is real text in PDF and SVG (issue 22): the white halo is a separate,
stroke-only twin underneath (a path effect on the name itself would turn it into
outlines, which ``pdftotext`` and a search in the SVG cannot find). Names are data:
drawn with ``parse_math=False``, never as mathtext.
"""
from __future__ import annotations

import functools

import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox
from shapely.ops import polylabel

from reach_planner.geo.albers import CHINA
from reach_planner.geo.data import load_china
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.maps import context, style
from reach_planner.ui.maps.basemap import basemap
from reach_planner.ui.maps.fonts import Fonts
from reach_planner.ui.maps.layout import PrintOptions
from reach_planner.ui.maps.style import RANK, short_zh

RANK_GID = "gap-rank"  # finds the rank circles among a map's texts
# Offsets tried around the anchor, in label widths and heights.
OFFSETS = ((0, 0), (0, 1.1), (0, -1.1), (0.6, 0), (-0.6, 0), (0.6, 1.1), (-0.6, 1.1),
           (0.6, -1.1), (-0.6, -1.1), (0, 2.2), (0, -2.2))
# Beside a point (a city dot): right, left, above, below - never on the dot itself.
SIDE_OFFSETS = ((0.56, 0), (-0.56, 0), (0, 0.75), (0, -0.75))
# The largest cities also try the corners and a smaller size before giving way.
CORNER_OFFSETS = SIDE_OFFSETS + ((0.56, 0.75), (-0.56, 0.75), (0.56, -0.75), (-0.56, -0.75))


def label_point(shape) -> tuple[float, float]:
    """Pole of inaccessibility of the largest part: well inside, even for crescents."""
    parts = shapely.get_parts(shape)
    big = max(parts, key=lambda p: p.area)
    pt = polylabel(big, tolerance=max(2000.0, np.sqrt(big.area) / 200))
    return pt.x, pt.y


@functools.cache
def label_points() -> tuple[tuple[float, float], ...]:
    """Label anchors of every province, once per process (a report asks 33 times)."""
    return tuple(label_point(sh) for sh in basemap().shapes)


def province_names(lang: str) -> list[str]:
    """Province labels in load_china() order: short Chinese forms, or English."""
    prov = load_china().provinces
    return [short_zh(n) for n in prov["name_zh"]] if lang == "zh" else list(prov["name_en"])


def province_labels(ax: Axes, opts: PrintOptions, fonts: Fonts, renderer, obstacles: list[Bbox]
                    ) -> list[Bbox]:
    """Place every province name that fits; returns every box taken so far (obstacles
    included), for the labels placed after them."""
    names = province_names(opts.lang)
    shapes = basemap().shapes
    frame = ax.get_window_extent(renderer)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    placed = list(obstacles)
    s = opts.text_scale
    for i in np.argsort([-sh.area for sh in shapes]):
        area = shapes[i].area
        size = (7.5 if area > 3e11 else 6.5 if area > 1e11 else 6.0) * s
        x, y = label_points()[i]
        if not (x0 < x < x1 and y0 < y < y1):  # a framed province: names elsewhere stay off
            continue
        for fs in (size, 0.85 * size):
            if place(ax, names[i], x, y, fs, fonts.regular, renderer, frame, placed):
                break
    return placed


def context_labels(ax: Axes, opts: PrintOptions, fonts: Fonts, renderer, placed: list[Bbox]) -> None:
    """Taiwan, Hong Kong and Macao, the cities (capitals first), the island groups and
    the neighbouring countries, each only where it fits; city dots are always drawn."""
    frame = ax.get_window_extent(renderer)
    s = opts.text_scale
    name = (lambda r: short_zh(r.name_zh)) if opts.lang == "zh" else (lambda r: r.name_en)
    cities = context.cities()
    cx, cy = CHINA.forward(np.array([c.lon for c in cities]), np.array([c.lat for c in cities]))
    caps = np.array([c.capital for c in cities])
    ax.scatter(cx[caps], cy[caps], s=4 * s, facecolors="white", edgecolors="#222222", linewidths=0.6,
               zorder=7.5)
    for c, x, y in zip(cities, cx, cy):
        if c.capital:
            place(ax, c.name(opts.lang), float(x), float(y), 5.2 * s, fonts.regular, renderer, frame,
                  placed, colour="#222222", offsets=SIDE_OFFSETS)
    # the largest cities before Hong Kong and Macao, so Shenzhen keeps its name beside them
    first = [k for k, c in enumerate(cities) if not c.capital and c.name_en in context.LARGEST_CITIES]
    dots = [k for k in first if _city(ax, cities[k], cx[k], cy[k], opts, fonts, renderer, frame, placed,
                                      big=True)]
    for r in context.of_kind("region").itertuples():
        x, y = CHINA.forward(r.label_lon, r.label_lat)
        place(ax, name(r), float(x), float(y), 6.0 * s, fonts.regular, renderer, frame, placed,
              colour="#333333", offsets=SIDE_OFFSETS if r.code != "TW" else OFFSETS)
    dots += [k for k, c in enumerate(cities) if not c.capital and k not in first
             and _city(ax, c, cx[k], cy[k], opts, fonts, renderer, frame, placed)]
    if dots:  # a city of a million or more: a dot only where its name fits
        ax.scatter(cx[dots], cy[dots], s=2.2 * s, c="#333333", linewidths=0, zorder=7.5)
    for kind, colour, size in (("islands", "#4f6f86", 4.8), ("neighbour", style.NEIGHBOUR_TEXT, 6.5)):
        for r in context.of_kind(kind).itertuples():
            x, y = CHINA.forward(r.label_lon, r.label_lat)
            place(ax, name(r), float(x), float(y), size * s, fonts.regular, renderer, frame, placed,
                  colour=colour, offsets=OFFSETS[:5])


def _city(ax: Axes, c: context.City, x: float, y: float, opts: PrintOptions, fonts: Fonts, renderer,
          frame: Bbox, placed: list[Bbox], big: bool = False) -> bool:
    """A city's name beside its dot, if it is in the frame and fits."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if not (x0 < x < x1 and y0 < y < y1):
        return False
    size = 4.8 * opts.text_scale
    for fs in ((size, 0.85 * size) if big else (size,)):
        if place(ax, c.name(opts.lang), float(x), float(y), fs, fonts.regular, renderer, frame, placed,
                 colour="#333333", offsets=CORNER_OFFSETS if big else SIDE_OFFSETS):
            return True
    return False


def place(ax: Axes, label: str, x: float, y: float, size: float, font, renderer, frame: Bbox,
          placed: list[Bbox], colour: str = "#222222", offsets=OFFSETS) -> bool:
    """Put ``label`` at the first free position around (x, y); False (nothing drawn) if none."""
    txt = ax.text(x, y, label, fontproperties=font, fontsize=size, ha="center", va="center",
                  color=colour, zorder=7, parse_math=False)
    bb = txt.get_window_extent(renderer).expanded(1.06, 1.15)
    w, h = bb.width, bb.height
    for dx, dy in offsets:
        cand = bb.translated(dx * w, dy * h)
        if frame.contains(cand.x0, cand.y0) and frame.contains(cand.x1, cand.y1) \
                and not any(cand.overlaps(p) for p in placed):
            px, py = ax.transData.inverted().transform(
                ax.transData.transform((x, y)) + (dx * w, dy * h))
            txt.set_position((px, py))
            halo = ax.text(px, py, label, fontproperties=font, fontsize=size, ha="center", va="center",
                           color="white", zorder=6.9, parse_math=False,
                           path_effects=[patheffects.Stroke(linewidth=1.8, foreground="white")])
            halo.set_gid("halo")
            placed.append(cand)
            return True
    txt.remove()
    return False


def gap_ranks(ax: Axes, result: ScenarioResult, renderer, opts: PrintOptions, top: int = 10,
              gb_code: int | None = None) -> list[Bbox]:
    """Numbered circles on the largest gap regions (of one province with ``gb_code``),
    numbered by national rank; their boxes keep names off them."""
    regs = result.gaps.regions
    if gb_code is not None:
        regs = regs[regs["gb_code"] == gb_code]
    regs = regs.head(top)
    x, y = CHINA.forward(regs["lon"].to_numpy(), regs["lat"].to_numpy())
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    boxes: list[Bbox] = []
    circles: list[Bbox] = []
    for rank, px, py in zip(regs["rank"], x, y):
        if not (x0 < px < x1 and y0 < py < y1):  # a framed province: ranks elsewhere stay off
            continue
        t = ax.text(px, py, str(int(rank)), fontsize=6 * opts.text_scale, fontweight="bold",
                    color=RANK, ha="center", va="center", zorder=8, family="DejaVu Sans",
                    bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": RANK, "lw": 0.8})
        t.set_gid(RANK_GID)
        circle = _clear_spot(ax, t, renderer, circles, (float(px), float(py)))
        circles.append(circle)
        boxes.append(circle.expanded(1.9, 1.6))
    return boxes


RANK_RING = tuple((r * np.cos(a), r * np.sin(a)) for r in (1.15, 1.8, 2.5)
                  for a in np.radians(np.arange(90, 450, 45)))


def _clear_spot(ax: Axes, t, renderer, circles: list[Bbox], anchor: tuple[float, float]) -> Bbox:
    """Move a rank circle off the circles already placed (Tibet's and Qinghai's cluster:
    issue 23.2): around its anchor, nearest first; a moved circle gets a leader line to
    its gap. Where nothing is free it stays on its gap."""
    bb = _circle_box(t, renderer)
    if not any(bb.overlaps(c) for c in circles):
        return bb
    d = max(bb.width, bb.height)
    ax_px = ax.transData.transform(anchor)
    for dx, dy in RANK_RING:
        cand = bb.translated(dx * d, dy * d)
        if not any(cand.overlaps(c) for c in circles):
            pos = ax.transData.inverted().transform(ax_px + (dx * d, dy * d))
            t.set_position(tuple(pos))
            ax.plot([anchor[0], pos[0]], [anchor[1], pos[1]], color=RANK, lw=0.6, zorder=7.9)
            ax.scatter([anchor[0]], [anchor[1]], s=3, c=RANK, linewidths=0, zorder=7.9)
            return cand
    return bb


def _circle_box(t, renderer) -> Bbox:
    """The drawn circle's box (pixels); the text's own box is smaller than its circle."""
    t.update_bbox_position_size(renderer)
    return t.get_bbox_patch().get_window_extent(renderer)
