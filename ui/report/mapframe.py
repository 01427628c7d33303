"""The map part of a report page, drawn by the shared print-map layer.

A report page is not a print-map sheet (its figures sit beside the map), so it asks
the map layer for the pieces (data layers, greyed neighbours, legend, scale bar,
labels, inset) and places them in its own frame. Nothing here draws map data itself.
"""
from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from reach_planner.geo.albers import CHINA
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.maps import printmap as pm

RASTER_BELOW = 6.9  # data layers (zorder < 7) become one image per page; text stays text


def frame_bounds(extent: tuple[float, float, float, float], pad: float = 0.06
                 ) -> tuple[float, float, float, float]:
    """Projected bounds of a lon/lat box, widened a little so the outline breathes."""
    w, s, e, n = extent
    lon = np.r_[np.linspace(w, e, 16), np.full(16, e), np.linspace(e, w, 16), np.full(16, w)]
    lat = np.r_[np.full(16, s), np.linspace(s, n, 16), np.full(16, n), np.linspace(n, s, 16)]
    x, y = CHINA.forward(lon, lat)
    dx, dy = pad * np.ptp(x), pad * np.ptp(y)
    return float(x.min() - dx), float(y.min() - dy), float(x.max() + dx), float(y.max() + dy)


def draw_map(fig: Figure, ax: Axes, result: ScenarioResult, popts: pm.PrintOptions,
             fonts: pm.Fonts, renderer, bounds, focus: int | None = None,
             marks: list[tuple[float, float, str]] | None = None, inset: bool = False) -> None:
    """Sea, graticule, data layers, greyed neighbours (``focus``: the GB code shown),
    numbered marks (lon, lat, label), legend, scale bar, north arrow, province names."""
    pm._fit(ax, fig, bounds, False)
    ax.set_facecolor(pm.SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_rasterization_zorder(RASTER_BELOW)
    pm._graticule(ax)
    pm._draw_data(ax, result, popts, pm.basemap())
    if focus is not None:
        pm._add(ax, _others(focus), facecolor="#d9d9d9", edgecolor="#9a9a9a", linewidth=0.4,
                zorder=4.5)
    t = pm.TEXT[popts.lang]
    obstacles = [pm._legend(ax, t, pm._layers(result).bounds, fonts, popts)
                 .get_window_extent(renderer)]
    obstacles += _marks(ax, marks or [], renderer, popts)
    obstacles.append(pm._scale_bar(ax, fonts, popts, renderer, t["km"]))
    obstacles.append(pm._north_arrow(ax, popts, renderer))
    if inset:
        page = pm.Page(popts)
        obstacles.append(pm._inset(fig, ax, t, fonts, popts, pm.basemap(), page)
                         .get_window_extent(renderer))
    pm._province_labels(ax, popts, fonts, renderer, obstacles)


def _others(focus: int):
    from matplotlib.path import Path as MplPath

    from reach_planner.geo.data import load_china

    codes = load_china().provinces["gb_code"].to_numpy()
    shapes = pm.basemap().shapes
    return MplPath.make_compound_path(*(pm.geom_path(s) for s, c in zip(shapes, codes)
                                        if int(c) != focus))


def _marks(ax: Axes, marks: list[tuple[float, float, str]], renderer, popts: pm.PrintOptions):
    boxes = []
    for lon, lat, label in marks:
        x, y = CHINA.forward(np.array([lon]), np.array([lat]))
        t = ax.text(float(x[0]), float(y[0]), label, fontsize=6.5 * popts.text_scale,
                    fontweight="bold", color="#bd0026", ha="center", va="center", zorder=8,
                    family="DejaVu Sans",
                    bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": "#bd0026", "lw": 0.8})
        boxes.append(t.get_window_extent(renderer).expanded(1.9, 1.6))
    return boxes
