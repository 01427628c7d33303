"""The ``demand`` export layer: one row per populated cell, for QGIS, pandas and Excel.

Cells are points at the hexagon centres (108,000 hexagon polygons would make a
30 MB GeoJSON); ``cell_id`` is the grid index the gap layers use too.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from reach_planner.geo.data import WGS84
from reach_planner.geo.scenario import ScenarioResult


def demand_table(result: ScenarioResult) -> pd.DataFrame:
    """``cell_id, lon, lat, gb_code, rural, urban, dist_outlet_km, covered`` (and
    ``dist_terrain_km`` when terrain distance is on) for every cell with people."""
    d, cov = result.demand, result.coverage
    g = d.grid
    cells = np.flatnonzero((d.rural > 0) | (d.urban > 0))
    table = pd.DataFrame({
        "cell_id": cells, "lon": np.round(g.lon[cells], 5), "lat": np.round(g.lat[cells], 5),
        "gb_code": g.gb_code[cells], "rural": np.round(d.rural[cells], 2),
        "urban": np.round(d.urban[cells], 2),
        "dist_outlet_km": np.round(cov.dist_outlet_km[cells], 2),
        "covered": cov.covered[cells],
    })
    if cov.dist_terrain_km is not None:
        table["dist_terrain_km"] = np.round(cov.dist_terrain_km[cells], 2)
    return table


def demand_layer(result: ScenarioResult) -> gpd.GeoDataFrame:
    t = demand_table(result)
    return gpd.GeoDataFrame(t, geometry=gpd.points_from_xy(t["lon"], t["lat"]), crs=WGS84)
