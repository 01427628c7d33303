"""The map part of a report page, drawn by the shared print-map layer.

A report page is not a print-map sheet (its figures sit beside the map), so it asks
the map layer for the pieces (map with greyed neighbours, legend, scale bar, north
arrow, inset, names) and places them in its own frame.
"""
from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from reach_planner.geo.albers import CHINA
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.maps import layout, style
from reach_planner.ui.maps.basemap import basemap
from reach_planner.ui.maps.fonts import Fonts
from reach_planner.ui.maps.labels import context_labels, gap_ranks, province_labels
from reach_planner.ui.maps.layout import PrintOptions
from reach_planner.ui.maps.printmap import draw_map, marker_scale
from reach_planner.ui.maps.texts import Texts

RASTER_BELOW = 6.9  # data layers (zorder < 7) become one image per page; text stays text


def map_frame(fig: Figure, ax: Axes, result: ScenarioResult, popts: PrintOptions, fonts: Fonts,
              renderer, focus: int | None = None, inset: bool = False) -> None:
    """The framed map: ``popts.extent`` and ``popts.focus`` choose a province with its
    neighbours greyed; the gap ranks are the province's (``focus``) or the nation's."""
    t = Texts(popts.lang)
    bounds = layout.extent_bounds(popts.extent) if popts.extent else basemap().bounds
    layout.fit(ax, fig, bounds, False)
    ax.set_rasterization_zorder(RASTER_BELOW)
    draw_map(ax, result, popts, fonts, renderer, t)
    extra = (*_recommended(ax, result, focus), "ranks")
    leg = layout.legend(ax, t, fonts, popts, extra)
    obstacles = [leg.get_window_extent(renderer)]
    obstacles += gap_ranks(ax, result, renderer, popts, top=5 if focus else 10, gb_code=focus)
    obstacles.append(layout.scale_bar(ax, fonts, popts, renderer, t("km"), clear_of=obstacles[0]))
    obstacles.append(layout.north_arrow(ax, popts, renderer))
    if inset:
        sub = layout.inset(fig, ax, t, fonts, popts, layout.Page(popts))
        obstacles.append(sub.get_window_extent(renderer))
    placed = province_labels(ax, popts, fonts, renderer, obstacles)
    context_labels(ax, popts, fonts, renderer, placed)


def _recommended(ax: Axes, result: ScenarioResult, focus: int | None) -> tuple[str, ...]:
    """Accepted recommended outlets in the window's orange, when the scenario has them."""
    o = result.network.outlets
    if "source" not in o.columns:
        return ()
    rec = o[o["source"] == "recommended"]
    if focus is not None:
        rec = rec[rec["gb_code"] == focus]
    if not len(rec):
        return ()
    x, y = CHINA.forward(rec["lon"].to_numpy(), rec["lat"].to_numpy())
    ax.scatter(x, y, s=2.5 * marker_scale(ax, basemap()), c=style.RECOMMENDED,
               edgecolors=style.RECOMMENDED_EDGE, linewidths=0.3, zorder=6.5)
    return ("recommended",)
