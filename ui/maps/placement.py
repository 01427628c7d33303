"""Where the legend, the South China Sea inset and the scale bar go: off China's land.

A fixed corner put the legend on Yunnan, Guangxi and Hainan and the inset on Taiwan
(issue 23.2). Here China's land as approved maps show it (the provinces, Taiwan, Hong
Kong, Macao, the island groups and the ten-dash line) is rasterised in the figure's
own pixel space, and each box goes to the free spot nearest its preferred corner:
one whose land share is at most :data:`MAX_LAND`. When the frame has no such spot (a
province page is land to its edges), the frame gives up a band at its bottom and the
box sits there, outside the map.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.transforms import Bbox

from reach_planner.ui.maps import layout
from reach_planner.ui.maps.basemap import basemap
from reach_planner.ui.maps.fonts import Fonts
from reach_planner.ui.maps.layout import PrintOptions, Translate

MAX_LAND = 0.002  # share of a box that may lie on land (the export test allows 0.5%)
MASK_DPI = 60  # ~0.4 mm cells: fine enough for Hainan and Taiwan, cheap to draw
SLIDE_MM = 2.0  # candidate positions step this far across the frame
CORNERS = {"lower left": (0.0, 0.0), "lower right": (1.0, 0.0), "upper left": (0.0, 1.0),
           "upper right": (1.0, 1.0), "lower middle": (0.5, 0.0)}


@dataclass(frozen=True, eq=False)
class LandMask:
    """China's land on the figure at :data:`MASK_DPI`; ``cell`` figure pixels per
    mask cell; row 0 is the figure's bottom (matplotlib's pixel space)."""

    land: np.ndarray
    cell: float

    def share(self, box: Bbox) -> float:
        """Part of ``box`` (figure pixels) that lies on land."""
        return float(self.shares(np.array([box.x0]), np.array([box.y0]), box.width, box.height)[0])

    def shares(self, x0: np.ndarray, y0: np.ndarray, w: float, h: float) -> np.ndarray:
        """Land share of many boxes of one size at once (a summed-area table)."""
        rows, cols = self.land.shape
        c = self.cell
        i0 = np.clip(np.floor(y0 / c).astype(int), 0, rows)
        j0 = np.clip(np.floor(x0 / c).astype(int), 0, cols)
        i1 = np.clip(np.ceil((y0 + h) / c).astype(int), 0, rows)
        j1 = np.clip(np.ceil((x0 + w) / c).astype(int), 0, cols)
        s = self.table
        area = np.maximum((i1 - i0) * (j1 - j0), 1)
        return (s[i1, j1] - s[i0, j1] - s[i1, j0] + s[i0, j0]) / area

    @functools.cached_property
    def table(self) -> np.ndarray:
        s = np.zeros((self.land.shape[0] + 1, self.land.shape[1] + 1))
        s[1:, 1:] = self.land.cumsum(axis=0).cumsum(axis=1)
        return s


def land_mask(fig: Figure, ax: Axes) -> LandMask:
    """Draw China's land alone, in black on white, on a twin of ``fig`` with ``ax``'s
    frame and limits, and read the pixels back: the same transform as the print."""
    twin = Figure(figsize=fig.get_size_inches(), dpi=MASK_DPI, facecolor="white")
    canvas = FigureCanvasAgg(twin)
    sub = twin.add_axes(ax.get_position().bounds)
    sub.set_axis_off()
    sub.set_xlim(ax.get_xlim())
    sub.set_ylim(ax.get_ylim())
    base = basemap()
    for path in (base.china, base.land, base.regions):
        if path is not None:
            sub.add_artist(PathPatch(path, facecolor="black", edgecolor="black", linewidth=0.5))
    for path in (base.islands, base.dashes):  # thin shapes: a stroke keeps them in the mask
        if path is not None:
            sub.add_artist(PathPatch(path, facecolor="black", edgecolor="black", linewidth=2.0))
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    land = rgba[::-1, :, 0] < 128  # flip: row 0 at the bottom, as in display coordinates
    return LandMask(land=land, cell=fig.dpi / MASK_DPI)


def free_spot(mask: LandMask, frame: Bbox, size: tuple[float, float], prefer: str,
              taken: list[Bbox], pad: float, step: float) -> Bbox | None:
    """The box of ``size`` (pixels) inside ``frame``, ``pad`` from its edges, with at
    most :data:`MAX_LAND` on land and clear of ``taken``, nearest the ``prefer`` corner;
    None when there is none."""
    w, h = size
    xs = np.arange(frame.x0 + pad, frame.x1 - pad - w + 1e-9, step)
    ys = np.arange(frame.y0 + pad, frame.y1 - pad - h + 1e-9, step)
    if not len(xs) or not len(ys):
        return None
    fx, fy = CORNERS[prefer]
    tx = frame.x0 + pad + fx * (frame.width - 2 * pad - w)
    ty = frame.y0 + pad + fy * (frame.height - 2 * pad - h)
    gx, gy = (g.ravel() for g in np.meshgrid(xs, ys))
    free = mask.shares(gx, gy, w, h) <= MAX_LAND
    for t in taken:
        free &= (gx >= t.x1) | (gx + w <= t.x0) | (gy >= t.y1) | (gy + h <= t.y0)
    if not free.any():
        return None
    k = np.flatnonzero(free)[np.argmin(np.hypot(gx[free] - tx, gy[free] - ty))]
    return Bbox.from_bounds(float(gx[k]), float(gy[k]), w, h)


def least_land(mask: LandMask, frame: Bbox, size: tuple[float, float], taken: list[Bbox],
               pad: float, step: float) -> Bbox:
    """The spot with the least land (a scale bar must be somewhere in the frame)."""
    w, h = size
    xs = np.arange(frame.x0 + pad, frame.x1 - pad - w + 1e-9, step)
    ys = np.arange(frame.y0 + pad, frame.y1 - pad - h + 1e-9, step)
    gx, gy = (g.ravel() for g in np.meshgrid(xs, ys))
    if not len(gx):
        return Bbox.from_bounds(frame.x0 + pad, frame.y0 + pad, w, h)
    cost = mask.shares(gx, gy, w, h)
    for t in taken:
        cost[~((gx >= t.x1) | (gx + w <= t.x0) | (gy >= t.y1) | (gy + h <= t.y0))] += 2.0
    k = int(np.argmin(cost))
    return Bbox.from_bounds(float(gx[k]), float(gy[k]), w, h)


@dataclass(frozen=True)
class Item:
    """A box to place: ``sizes`` (pixels) are its forms, the first for the frame, any
    for the band below it (a legend in more columns is shorter); ``prefer``: a corner."""

    name: str
    sizes: tuple[tuple[float, float], ...]
    prefer: str


@dataclass(frozen=True)
class Arrangement:
    """Where each item went (figure pixels) and which of its sizes; ``in_band``: the
    items set below the map frame, outside it."""

    boxes: dict[str, Bbox]
    forms: dict[str, int]
    in_band: frozenset[str]
    mask: LandMask


def arrange(fig: Figure, ax: Axes, fit, items: list[Item], pad: float, gap: float,
            step: float, reserved=lambda: []) -> Arrangement:
    """Put each item in the frame off China's land; items with no free spot go into a
    band cut from the bottom of the frame, which is then refitted (``fit()`` sets the
    limits for the Axes' current position) and the others placed again. ``reserved()``
    gives boxes (pixels, for the current limits) that stay clear, e.g. the north arrow."""
    full = ax.get_position()
    band: list[str] = []
    while True:
        fit()
        mask = land_mask(fig, ax)
        frame = ax.get_window_extent()
        boxes, forms, taken = _band_boxes(items, band, full, ax, fig, gap)
        taken = taken + list(reserved())
        missing = []
        for it in items:
            if it.name in band:
                continue
            box = free_spot(mask, frame, it.sizes[0], it.prefer, taken, pad, step)
            if box is None:
                missing.append(it.name)
                continue
            boxes[it.name], forms[it.name] = box, 0
            taken.append(box)
        if not missing:
            return Arrangement(boxes, forms, frozenset(band), mask)
        band.append(missing[0])
        _cut_band(fig, ax, full, [it for it in items if it.name in band], forms, gap)


def _band_forms(items: list[Item], width: float, gap: float) -> list[int]:
    """Per item the form to use in the band: the shortest whose widths fit side by side."""
    forms = [0] * len(items)
    for i, it in enumerate(items):
        others = sum(min(s[0] for s in o.sizes) + gap for j, o in enumerate(items) if j != i)
        fitting = [k for k, s in enumerate(it.sizes) if s[0] + others <= width]
        forms[i] = min(fitting, key=lambda k: it.sizes[k][1]) if fitting else 0
    return forms


def _cut_band(fig: Figure, ax: Axes, full, band: list[Item], forms: dict[str, int], gap: float) -> None:
    width = full.width * fig.bbox.width
    chosen = _band_forms(band, width, gap)
    h = max(it.sizes[k][1] for it, k in zip(band, chosen)) + gap
    frac = h / fig.bbox.height
    ax.set_position([full.x0, full.y0 + frac, full.width, full.height - frac])


def _band_boxes(items: list[Item], band: list[str], full, ax: Axes, fig: Figure, gap: float
                ) -> tuple[dict[str, Bbox], dict[str, int], list[Bbox]]:
    """Band items under the frame: left-preferring ones from the left edge, the others
    from the right edge, each hanging just below the frame."""
    inband = [it for it in items if it.name in band]
    if not inband:
        return {}, {}, []
    fw, fh = fig.bbox.width, fig.bbox.height
    width = full.width * fw
    top = ax.get_position().y0 * fh - gap
    left, right = full.x0 * fw, full.x1 * fw
    boxes, forms = {}, {}
    for it, k in zip(inband, _band_forms(inband, width, gap)):
        w, h = it.sizes[k]
        if "left" in it.prefer:
            boxes[it.name] = Bbox.from_bounds(left, top - h, w, h)
            left += w + gap
        else:
            boxes[it.name] = Bbox.from_bounds(right - w, top - h, w, h)
            right -= w + gap
        forms[it.name] = k
    return boxes, forms, list(boxes.values())


def mm(fig: Figure, v: float) -> float:
    return v / 25.4 * fig.dpi


def plan_frame(fig: Figure, ax: Axes, bounds, portrait: bool, opts: PrintOptions, t: Translate,
               fonts: Fonts, renderer, extra: tuple[str, ...] = (), inset: bool = True) -> Arrangement:
    """Fit the map to the frame and choose the legend's and the inset's places, before
    anything is drawn (the relief and graticule follow the final limits)."""
    items = []
    if opts.legend:
        items.append(Item("legend", layout.legend_sizes(ax, t, fonts, opts, renderer, extra),
                          "lower left"))
    if inset:
        items.append(Item("inset", (layout.inset_pixels(opts, fig.dpi),), "lower right"))
    arrow = (lambda: [layout.north_arrow_box(ax, opts)]) if opts.north_arrow else (lambda: [])
    return arrange(fig, ax, lambda: layout.fit(ax, fig, bounds, portrait), items,
                   pad=mm(fig, 2.5), gap=mm(fig, 2.0), step=mm(fig, SLIDE_MM), reserved=arrow)


def furnish(fig: Figure, ax: Axes, plan: Arrangement, opts: PrintOptions, t: Translate, fonts: Fonts,
            renderer, extra: tuple[str, ...], taken: list[Bbox]) -> list[Bbox]:
    """Draw the legend and the inset where ``plan`` put them, then the north arrow and
    the scale bar in a free spot; returns their boxes (labels keep off them)."""
    boxes = list(plan.boxes.values())
    ax.legend_ = None
    if "legend" in plan.boxes:
        n = layout.LEGEND_COLUMNS[plan.forms["legend"]]
        layout.put_legend(layout.legend(ax, t, fonts, opts, extra, n), ax, plan.boxes["legend"])
    if "inset" in plan.boxes:
        layout.inset(fig, t, fonts, opts, plan.boxes["inset"])
    if opts.north_arrow:
        boxes.append(layout.north_arrow(ax, opts, renderer))
    if opts.scale_bar:
        spot = _scale_spot(fig, ax, plan, [*boxes, *taken])
        boxes.append(layout.scale_bar(ax, fonts, opts, renderer, t("km"), spot))
    return boxes


def _scale_spot(fig: Figure, ax: Axes, plan: Arrangement, taken: list[Bbox]):
    def spot(size: tuple[float, float]) -> Bbox:
        frame = ax.get_window_extent()
        pad, step = mm(fig, 2.5), mm(fig, SLIDE_MM)
        box = free_spot(plan.mask, frame, size, "lower middle", taken, pad, step)
        if box is not None:
            return box
        if plan.in_band:  # between the band's left and right items
            band = [plan.boxes[n] for n in plan.in_band]
            left = max([b.x1 for b in band if b.x0 <= frame.x0 + 1] or [frame.x0 - pad]) + pad
            right = min([b.x0 for b in band if b.x0 > frame.x0 + 1] or [frame.x1 + pad]) - pad
            if right - left >= size[0]:
                return Bbox.from_bounds(left, min(b.y0 for b in band), *size)
        return least_land(plan.mask, frame, size, taken, pad, step)
    return spot
