"""The print sheet's layout: page options, frame, title and credits, legend, scale bar,
north arrow, graticule and the South China Sea inset.

Positions are planned in millimetres of paper and turned into figure fractions, so
A4 and A3, landscape and portrait, 150 and 600 dpi all share one layout.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from reach_planner.geo.albers import CHINA
from reach_planner.ui.maps import style
from reach_planner.ui.maps.basemap import inset_limits, inset_paths
from reach_planner.ui.maps.fonts import Fonts
from reach_planner.ui.maps.texts import LANGS

PAGES_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
LAYERS = frozenset({"covered", "gaps", "outlets", "sites", "labels", "ranks"})
SIDE_MM = 7.0
LEGEND_COLUMNS = (2, 3, 4)
INSET_LABEL = "south-china-sea-inset"  # finds the inset among a page's Axes
SCALE_GID = "scale-bar"
Translate = Callable[[str], str]


@dataclass(frozen=True)
class PrintOptions:
    """How one print looks; frozen so a dialog's choice can go to a worker unchanged.

    ``extent`` (west, south, east, north in degrees) frames part of the country instead
    of all of it; ``focus`` (GB codes) greys out every other province: together they
    draw a province with its neighbours for a report.
    """

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
    extent: tuple[float, float, float, float] | None = None
    focus: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.page not in PAGES_MM:
            raise ValueError(f"page must be A4 or A3, got {self.page!r}")
        if self.orientation not in ("landscape", "portrait"):
            raise ValueError(f"orientation must be landscape or portrait, got {self.orientation!r}")
        if not 72 <= int(self.dpi) <= 1200:
            raise ValueError(f"dpi must be between 72 and 1200, got {self.dpi}")
        if self.lang not in LANGS:
            raise ValueError(f"lang must be en or zh, got {self.lang!r}")
        unknown = set(self.layers) - LAYERS
        if unknown:
            raise ValueError(f"unknown layers {sorted(unknown)}; choose from {sorted(LAYERS)}")
        if self.extent is not None:
            w, s, e, n = self.extent
            if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
                raise ValueError(f"extent must be (west, south, east, north) degrees, got {self.extent}")

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


def add_path(ax: Axes, path: MplPath | None, **kw) -> None:
    """Add a shape without ``add_patch``'s data-limit update, which walks every Bezier
    segment in Python (90% of the drawing time); the limits are set explicitly."""
    if path is not None:
        ax.add_artist(PathPatch(path, **kw))


def inset_size_mm(opts: PrintOptions) -> tuple[float, float]:
    """The inset at the sea's true proportions, 40 mm wide on A4."""
    (x0, x1), (y0, y1) = inset_limits()
    w = 40 * opts.text_scale
    return w, w * (y1 - y0) / (x1 - x0)


def portrait_frame_mm(page: Page, bounds, legend, renderer) -> float:
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


def fit(ax: Axes, fig: Figure, bounds, portrait: bool) -> None:
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


def extent_bounds(extent: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Projected bounds of a lon/lat box (its edges are curves on a conic map)."""
    w, s, e, n = extent
    lon = np.r_[np.linspace(w, e, 32), np.full(32, e), np.linspace(e, w, 32), np.full(32, w)]
    lat = np.r_[np.full(32, s), np.linspace(s, n, 32), np.full(32, n), np.linspace(n, s, 32)]
    x, y = CHINA.forward(lon, lat)
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


def graticule(ax: Axes) -> None:
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


def frame_text(fig: Figure, opts: PrintOptions, title: str, subtitle: str, credit_text: str,
               t: Translate, fonts: Fonts, page: Page, renderer) -> None:
    """Title, subtitle and the credits line; long texts shrink to the page width, and
    the projection note drops below the credits when both do not fit on one line."""
    k = opts.text_scale
    top, width = page.margin_mm, page.frame_w_mm / 25.4 * fig.dpi
    plain = {"parse_math": False}  # user text: a "$" is a dollar sign, never mathtext
    shrink_to(fig.text(0.5, 1 - page.fy(top + 6 * k), title, ha="center", va="top",
                       fontproperties=fonts.bold, fontsize=16 * k, **plain), width, renderer)
    shrink_to(fig.text(0.5, 1 - page.fy(top + 14.5 * k), subtitle, ha="center", va="top",
                       fontproperties=fonts.regular, fontsize=8.5 * k, color="#444444", **plain),
              width, renderer)
    y = page.fy(page.margin_mm + 3.2 * k)
    credit = fig.text(page.fx(SIDE_MM), y, credit_text, ha="left", va="bottom",
                      fontproperties=fonts.regular, fontsize=6.5 * k, color="#555555", **plain)
    note = fig.text(1 - page.fx(SIDE_MM), y, t(style.PROJECTION), ha="right", va="bottom",
                    fontproperties=fonts.regular, fontsize=6 * k, color="#777777", **plain)
    shrink_to(credit, width, renderer)
    a, b = credit.get_window_extent(renderer), note.get_window_extent(renderer)
    if a.x1 + 0.02 * width > b.x0:
        credit.set_y(page.fy(page.margin_mm + 4.6 * k))
        note.set_position((page.fx(SIDE_MM), page.fy(page.margin_mm + 1.2 * k)))
        note.set_ha("left")


def shrink_to(text, width_px: float, renderer) -> None:
    """A user's long title must stay on the page: smaller type rather than cut off."""
    w = text.get_window_extent(renderer).width
    if w > width_px:
        text.set_fontsize(text.get_fontsize() * width_px / w * 0.98)


def _handle(e: style.LegendEntry):
    if e.shape == "dot":
        return Line2D([], [], marker="o", ls="", color=e.colour, markersize=2 * e.size, label=e.label)
    if e.shape == "ring":
        return Line2D([], [], marker="o", ls="", markerfacecolor=e.colour, markeredgecolor=e.edge,
                      markersize=2.8 * e.size, label=e.label)
    if e.shape == "heading":
        return Patch(facecolor="none", edgecolor="none", label=e.label)
    return Patch(facecolor=e.colour, alpha=e.alpha, label=e.label)


def legend(ax: Axes, t: Translate, fonts: Fonts, opts: PrintOptions, extra: tuple[str, ...] = (),
           ncols: int = 2):
    """The style's legend rows for the layers printed (and ``extra`` ones a caller draws,
    such as "recommended"); :func:`put_legend` moves it where :mod:`.placement` says."""
    k = opts.text_scale
    entries = style.legend_entries(t, {*opts.layers, *extra, "outside"})
    head = next((i for i, e in enumerate(entries) if e.shape == "heading"), None)
    if head is not None:  # the gap classes start a column, under their heading
        blank = style.LegendEntry("blank", "heading", "")
        rows = -(-len(entries) // ncols)
        while -(-head // rows) * rows + len(entries) - head > ncols * rows:
            rows += 1
        entries[head:head] = [blank] * (-(-head // rows) * rows - head)
    handles = [_handle(e) for e in entries]
    leg = ax.legend(handles=handles, loc="lower left", title=t("Legend"), prop=fonts.regular,
                    ncols=ncols, title_fontproperties=fonts.bold, frameon=True, framealpha=0.92,
                    edgecolor="#999999", borderpad=0.7, handlelength=1.6, labelspacing=0.45,
                    borderaxespad=0.0, columnspacing=1.6)
    leg.get_title().set_fontsize(8 * k)
    for text in leg.get_texts():
        text.set_fontsize(6.5 * k)
    leg.set_zorder(20)
    return leg


def legend_sizes(ax: Axes, t: Translate, fonts: Fonts, opts: PrintOptions, renderer,
                 extra: tuple[str, ...] = ()) -> tuple[tuple[float, float], ...]:
    """The legend's size (pixels) in 2, 3 and 4 columns: the frame takes the compact
    two-column form, a band below the map a wider, shorter one."""
    sizes = []
    for n in LEGEND_COLUMNS:
        bb = legend(ax, t, fonts, opts, extra, n).get_window_extent(renderer)
        sizes.append((bb.width, bb.height))
    return tuple(sizes)


def put_legend(leg, ax: Axes, box: Bbox) -> None:
    """Anchor the legend's lower left corner at the box's (in or below the frame)."""
    leg.set_bbox_to_anchor(tuple(ax.transAxes.inverted().transform((box.x0, box.y0))),
                           transform=ax.transAxes)


def nice_length_km(span_km: float) -> int:
    """A round scale-bar length about a fifth of the map width (1, 2 or 5 x 10^n km)."""
    raw = span_km / 5
    mag = 10 ** np.floor(np.log10(raw))
    return int(max(m for m in (1, 2, 5, 10) if m * mag <= raw) * mag)


def scale_bar(ax: Axes, fonts: Fonts, opts: PrintOptions, renderer, t_km: str,
              spot: Callable[[tuple[float, float]], Bbox]) -> Bbox:
    """Alternating bar; lengths are true near the standard parallels. Drawn, measured,
    then moved to the box ``spot`` gives for its size (pixels): off the land where the
    frame has room, wholly inside the figure always (issue 23.2: it was cut off)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length_km((x1 - x0) / 1000 / 1.5) * 1000
    bx, by = x0, y0
    h = 0.007 * (y1 - y0)
    artists: list = []
    for k in range(4):
        r = Rectangle((bx + k * length / 4, by), length / 4, h, zorder=21, linewidth=0.6, clip_on=False,
                      facecolor="black" if k % 2 == 0 else "white", edgecolor="black")
        ax.add_artist(r)
        artists.append(r)
    for frac in (0, 0.5, 1):
        artists.append(ax.text(bx + frac * length, by + 1.8 * h, f"{frac * length / 1000:g}" +
                               (f" {t_km}" if frac == 1 else ""), ha="center", va="bottom",
                               fontproperties=fonts.regular, fontsize=6 * opts.text_scale,
                               zorder=21))
    first, mid, last = (a.get_window_extent(renderer) for a in artists[4:])
    if mid.overlaps(first) or mid.overlaps(last):  # a short bar: "0 50100 km" read as one
        artists.pop(5).remove()
    box = Bbox.union([a.get_window_extent(renderer) for a in artists])
    pad = 0.15 * box.height
    target = spot((box.width + 2 * pad, box.height + 2 * pad))
    inv = ax.transData.inverted()
    (dx, dy) = inv.transform((target.x0 + pad, target.y0 + pad)) - inv.transform((box.x0, box.y0))
    for a in artists:
        a.set_gid(SCALE_GID)
        if isinstance(a, Rectangle):
            a.set_xy((a.get_x() + dx, a.get_y() + dy))
        else:
            px, py = a.get_position()
            a.set_position((px + dx, py + dy))
    return target


def inset_pixels(opts: PrintOptions, dpi: float) -> tuple[float, float]:
    w, h = inset_size_mm(opts)
    return w / 25.4 * dpi, h / 25.4 * dpi


def _arrow_at(ax: Axes, opts: PrintOptions) -> tuple[float, float, float, float]:
    """x, y, length of the north arrow and metres per mm of paper (data units)."""
    x0, x1 = ax.get_xlim()
    y1 = ax.get_ylim()[1]
    mm = (x1 - x0) / (ax.get_position().width * opts.size_mm[0])  # metres per mm of paper
    k = opts.text_scale
    length, x = 11 * k * mm, float(CHINA.forward(CHINA.lon_0, 45.0)[0])
    if not x0 + 15 * mm < x < x1 - 15 * mm:
        x = x1 - 12 * k * mm
    return x, y1 - (8 + 11) * k * mm, length, mm


def north_arrow_box(ax: Axes, opts: PrintOptions) -> Bbox:
    """Where :func:`north_arrow` will draw (pixels), before it does: the legend and the
    inset are placed first and keep clear of it."""
    x, y, length, mm = _arrow_at(ax, opts)
    k = opts.text_scale
    corners = ax.transData.transform([(x - 4 * k * mm, y - 1 * mm), (x + 4 * k * mm, y + length + 7 * k * mm)])
    return Bbox(corners)


def north_arrow(ax: Axes, opts: PrintOptions, renderer) -> Bbox:
    """On the central meridian (105°E) when it is in the frame, in the empty band over
    Mongolia: on a conic map meridians converge, so only there does true north point
    straight up the page. A framed part of the country puts it in the upper right."""
    x, y, length, mm = _arrow_at(ax, opts)
    k = opts.text_scale
    arrow = FancyArrow(x, y, 0, length, width=1.2 * k * mm, head_width=3.6 * k * mm,
                       head_length=4.5 * k * mm, color="black", zorder=21,
                       length_includes_head=True)
    ax.add_artist(arrow)
    n = ax.text(x, y + length + 0.8 * k * mm, "N", ha="center", va="bottom",
                fontsize=10 * k, fontweight="bold", family="DejaVu Sans", zorder=21)
    return Bbox.union([arrow.get_window_extent(renderer),
                       n.get_window_extent(renderer)]).expanded(1.3, 1.1)


def inset(fig: Figure, t: Translate, fonts: Fonts, opts: PrintOptions, box: Bbox) -> Axes:
    """南海诸岛: the South China Sea (105-125°E, 3-25°N) in ``box`` (figure pixels, chosen
    off the land by :mod:`.placement`), at its true proportions, with the island groups
    and the ten-dash line, as approved Chinese maps show it."""
    xlim, ylim = inset_limits()
    sub = fig.add_axes(fig.transFigure.inverted().transform_bbox(box).bounds, label=INSET_LABEL)
    sub.set_facecolor(style.SEA)
    sub.set_xticks([])
    sub.set_yticks([])
    for side in sub.spines.values():
        side.set_linewidth(0.8)
    sub.set_xlim(*xlim)
    sub.set_ylim(*ylim)
    paths = inset_paths()
    add_path(sub, paths.get("neighbours"), facecolor=style.NEIGHBOUR, edgecolor=style.NEIGHBOUR_BORDER,
             linewidth=0.3)
    add_path(sub, paths.get("china"), facecolor=style.LAND, edgecolor="#7a7a7a", linewidth=0.3)
    add_path(sub, paths.get("islands"), facecolor=style.DASH, edgecolor=style.DASH, linewidth=0.8)
    add_path(sub, paths.get("dashes"), facecolor=style.DASH, edgecolor=style.DASH, linewidth=0.6)
    sub.text(0.97, 0.03, t("South China Sea Islands"), transform=sub.transAxes, ha="right", parse_math=False,
             va="bottom", fontproperties=fonts.regular, fontsize=6 * opts.text_scale,
             bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1.2})
    return sub
