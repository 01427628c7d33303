"""Print-quality maps for reports: PNG (150/300/600 dpi), PDF, SVG on A4/A3 pages.

Drawn from the data with matplotlib (not a screenshot), in the China Albers
equal-area projection. This module draws the map and writes the file; the pieces
live beside it: :mod:`.style` (colours, classes, legend and subtitle texts),
:mod:`.shapes` (dissolved layers, cached per result), :mod:`.basemap` (projected
provinces), :mod:`.layout` (page, legend, scale bar, north arrow, inset),
:mod:`.labels` (collision-free names), :mod:`.fonts` (the CJK face) and
:mod:`.texts` (Chinese from the ``.ts`` catalogue). Qt-free; it uses only
matplotlib's Agg/PDF/SVG canvases (never pyplot's global state), so it runs in the
CLI and in worker threads.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from reach_planner.geo.albers import CHINA
from reach_planner.geo.atomic import check_target
from reach_planner.geo.fileset import FileSet
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.maps import layout, placement, relief, style
from reach_planner.ui.maps.basemap import Basemap, basemap, province_paths
from reach_planner.ui.maps.fonts import Fonts, cjk_font, fonts_for, has_glyphs  # noqa: F401
from reach_planner.ui.maps.labels import context_labels, gap_ranks, province_labels
from reach_planner.ui.maps.layout import LAYERS, PrintOptions, add_path, nice_length_km  # noqa: F401
from reach_planner.ui.maps.shapes import print_layers
from reach_planner.ui.maps.texts import Texts

FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
SAVE_RC = {"pdf.fonttype": 3, "svg.fonttype": "none", "text.parse_math": False}  # user text is never math
GREY_OUT = "#d9d9d9"


def render_figure(result: ScenarioResult, opts: PrintOptions) -> Figure:
    """The whole sheet as a matplotlib Figure (no file written).

    With ``opts.extent`` the frame shows that lon/lat box; with ``opts.focus`` the
    provinces outside it are greyed (a report's province page)."""
    t = Texts(opts.lang)
    fonts = fonts_for(opts.lang, f"{opts.title or ''}{opts.subtitle or ''}")
    w_px, h_px = opts.pixels
    fig = Figure(figsize=(w_px / opts.dpi, h_px / opts.dpi), dpi=opts.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    page = layout.Page(opts)
    ax = fig.add_axes(page.map_rect())
    renderer = RendererAgg(1, 1, fig.dpi)  # measures text; no full-page buffer
    legend = layout.legend(ax, t, fonts, opts) if opts.legend else None
    bounds = layout.extent_bounds(opts.extent) if opts.extent else basemap().bounds
    portrait = opts.orientation == "portrait"
    if portrait:
        page = layout.Page(opts, layout.portrait_frame_mm(page, bounds, legend, renderer))
        ax.set_position(page.map_rect())
    plan = placement.plan_frame(fig, ax, bounds, portrait, opts, t, fonts, renderer, inset=opts.inset)
    obstacles = draw_map(ax, result, opts, fonts, renderer, t)
    obstacles += placement.furnish(fig, ax, plan, opts, t, fonts, renderer, (), obstacles)
    if "labels" in opts.layers:
        placed = province_labels(ax, opts, fonts, renderer, obstacles)
        context_labels(ax, opts, fonts, renderer, placed)
    title = opts.title or t(style.TITLE)
    subtitle = opts.subtitle or style.subtitle_for(result, t)
    credit = t(style.PRINT_ATTRIBUTION).format(network=style.network_credit(result, t))
    layout.frame_text(fig, opts, title, subtitle, credit, t, fonts, page, renderer)
    return fig


def draw_map(ax: Axes, result: ScenarioResult, opts: PrintOptions, fonts: Fonts | None = None,
             renderer=None, t: Texts | None = None) -> list:
    """The map itself on an Axes whose limits are set (projected metres): sea,
    graticule, provinces, covered area, gap classes, network, gap ranks. Returns the
    boxes (pixels) the ranks take, for label placement. A report draws its own pages
    around this."""
    ax.set_facecolor(style.SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    layout.graticule(ax)
    _draw_data(ax, result, opts, basemap())
    if opts.focus is not None:
        add_path(ax, province_paths(opts.focus, inside=False), facecolor=GREY_OUT,
                 edgecolor="#9a9a9a", linewidth=0.4, zorder=4.5)
    if "ranks" in opts.layers and renderer is not None:
        return gap_ranks(ax, result, renderer, opts)
    return []


def _draw_base(ax: Axes, base: Basemap) -> None:
    """Neighbours in grey; China as on approved maps (Taiwan, Hong Kong and Macao in
    the province style, a shade apart: outside the network data); relief over the land."""
    add_path(ax, base.neighbours, facecolor=style.NEIGHBOUR, edgecolor=style.NEIGHBOUR_BORDER,
             linewidth=0.35, zorder=0.8)
    add_path(ax, base.china, facecolor=style.LAND, edgecolor="none", zorder=0.9)
    add_path(ax, base.land, facecolor=style.LAND, edgecolor="none", zorder=1)
    add_path(ax, base.regions, facecolor=style.OUTSIDE, edgecolor="#6f6f6f", linewidth=0.4, zorder=1)
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    img = relief.albers_raster(xlim, ylim)
    if img is not None:
        ax.imshow(img, extent=(*xlim, *ylim), origin="upper", interpolation="bilinear",
                  zorder=1.5, rasterized=True, aspect="auto")
        ax.set_xlim(*xlim)  # imshow resets the limits and the aspect
        ax.set_ylim(*ylim)


def _draw_data(ax: Axes, result: ScenarioResult, opts: PrintOptions, base: Basemap) -> None:
    _draw_base(ax, base)
    layers = print_layers(result)
    if "covered" in opts.layers:
        add_path(ax, layers.covered, facecolor=style.COVERED, alpha=style.COVERED_ALPHA,
                 edgecolor="none", zorder=2)
    if "gaps" in opts.layers:
        for colour, path in zip(style.GAP_COLOURS, layers.gaps):
            add_path(ax, path, facecolor=colour, edgecolor="none", alpha=style.GAP_ALPHA, zorder=3)
    add_path(ax, base.land, facecolor="none", edgecolor="#6f6f6f", linewidth=0.4, zorder=4)
    add_path(ax, base.china, facecolor="none", edgecolor="#555555", linewidth=0.7, zorder=4)
    add_path(ax, base.islands, facecolor=style.DASH, edgecolor=style.DASH, linewidth=0.5, zorder=4)
    add_path(ax, base.dashes, facecolor=style.DASH, edgecolor=style.DASH, linewidth=0.5, zorder=4)
    net = result.network
    k = marker_scale(ax, base)
    if "outlets" in opts.layers and len(net.outlets):
        x, y = CHINA.forward(net.outlets["lon"].to_numpy(), net.outlets["lat"].to_numpy())
        ax.scatter(x, y, s=0.35 * k, c=style.OUTLET, alpha=0.8, linewidths=0, zorder=5, rasterized=True)
    if "sites" in opts.layers and len(net.sites):
        x, y = CHINA.forward(net.sites["lon"].to_numpy(), net.sites["lat"].to_numpy())
        ax.scatter(x, y, s=1.6 * k, c=style.SITE, linewidths=0, zorder=6, rasterized=True)


def marker_scale(ax: Axes, base: Basemap) -> float:
    """Dots grow (up to 12x in area) when the frame shows part of the country, so a
    province's outlets stay visible on a report page."""
    x0, x1 = ax.get_xlim()
    return float(np.clip((base.bounds[2] - base.bounds[0]) / max(x1 - x0, 1.0), 1.0, 12.0))


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
    # (the Chinese text would vanish). SVG keeps names as <text> (issue 22: searchable,
    # editable); the page names its font family, so the reader needs a CJK font for zh.
    with matplotlib.rc_context(SAVE_RC):
        # PNG: zlib level 3 writes a relief-textured page twice as fast as the default 6,
        # for a file about 10% larger.
        extra = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
        fig.savefig(buf, format=fmt, dpi=opts.dpi, facecolor="white",
                    metadata=_metadata(fmt, opts), **extra)
    with FileSet() as files:  # new files follow the umask; a replaced one keeps its mode
        files.add_bytes(path, buf.getvalue())
        return files.commit()[0]


def _metadata(fmt: str, opts: PrintOptions) -> dict[str, str]:
    title = opts.title or Texts(opts.lang)(style.TITLE)
    if fmt == "png":
        return {"Title": title, "Software": "Reach Planner"}
    if fmt == "pdf":
        return {"Title": title, "Creator": "Reach Planner"}
    return {"Title": title}
