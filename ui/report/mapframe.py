"""The map part of a report page, drawn by the shared print-map layer.

A report page is not a print-map sheet (its figures sit beside the map), so it asks
the map layer for the pieces (map with greyed neighbours, legend, scale bar, north
arrow, inset, names) and places them in its own frame.
"""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from reach_planner.geo.albers import CHINA
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.maps import layout, placement, style
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
    recommended = _recommended(result, focus)
    extra = ("recommended", "ranks") if len(recommended) else ("ranks",)
    plan = placement.plan_frame(fig, ax, bounds, False, popts, t, fonts, renderer, extra, inset)
    ax.set_rasterization_zorder(RASTER_BELOW)
    draw_map(ax, result, popts, fonts, renderer, t)
    _draw_recommended(ax, recommended)
    obstacles = gap_ranks(ax, result, renderer, popts, top=5 if focus else 10, gb_code=focus)
    obstacles += placement.furnish(fig, ax, plan, popts, t, fonts, renderer, extra, obstacles)
    placed = province_labels(ax, popts, fonts, renderer, obstacles)
    context_labels(ax, popts, fonts, renderer, placed)


def _recommended(result: ScenarioResult, focus: int | None) -> pd.DataFrame:
    """Accepted recommended outlets (of the province ``focus``), if the scenario has any."""
    o = result.network.outlets
    if "source" not in o.columns:
        return o.iloc[:0]
    rec = o[o["source"] == "recommended"]
    return rec[rec["gb_code"] == focus] if focus is not None else rec


def _draw_recommended(ax: Axes, rec: pd.DataFrame) -> None:
    """In the window's orange."""
    if not len(rec):
        return
    x, y = CHINA.forward(rec["lon"].to_numpy(), rec["lat"].to_numpy())
    ax.scatter(x, y, s=2.5 * marker_scale(ax, basemap()), c=style.RECOMMENDED,
               edgecolors=style.RECOMMENDED_EDGE, linewidths=0.3, zorder=6.5)
