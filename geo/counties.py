"""County planning units: which county (县/区/旗, GB/T 2260) each grid cell plans under.

No county polygons ship with a clear licence, so a cell belongs to the nearest county
seat of its own province (a Voronoi partition of the seats inside each province, on the
sphere, searched with the app's grouped nearest search). Planners act per county and
prefecture, so gap regions are split at these units and every figure per county is
summed over their cells.
"""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from reach_planner.geo.data import load_divisions
from reach_planner.geo.grid import HexGrid, build_grid
from reach_planner.geo.sphere import nearest_in_group

NAME_COLUMNS = ("adcode", "name_en", "name_zh", "prefecture_en", "prefecture_zh")


def county_index(grid: HexGrid) -> NDArray[np.int64]:
    """Row of :func:`load_divisions` for each cell (-1 only if a province had no seat)."""
    if grid is build_grid(grid.spacing_km):
        return _cached(grid.spacing_km)
    return _county_index(grid)


@functools.cache
def _cached(spacing_km: float) -> NDArray[np.int64]:
    out = _county_index(build_grid(spacing_km))
    out.flags.writeable = False
    return out


def _county_index(grid: HexGrid) -> NDArray[np.int64]:
    return county_of_points(grid.lon, grid.lat, grid.gb_code)


def county_of_points(lon: NDArray[np.float64], lat: NDArray[np.float64],
                     gb: NDArray[np.int64]) -> NDArray[np.int64]:
    """Division row of the nearest county seat in each point's own province (-1: none)."""
    div = load_divisions()
    seat_gb = div["gb_code"].to_numpy().astype(np.int64)
    gb = np.asarray(gb, dtype=np.int64)
    out = np.full(len(gb), -1, dtype=np.int64)
    ok = np.flatnonzero(np.isin(gb, seat_gb))
    if len(ok):  # one grouped search (the app's own, geo.sphere): a province only finds its seats
        out[ok] = nearest_in_group(div["lon"].to_numpy(float), div["lat"].to_numpy(float), seat_gb,
                                   np.asarray(lon, float)[ok], np.asarray(lat, float)[ok], gb[ok])
    return out


def county_names(rows: NDArray[np.int64]) -> pd.DataFrame:
    """County and prefecture names (en, zh) and code for division rows (-1: blanks)."""
    div = load_divisions()
    rows = np.asarray(rows, dtype=np.int64)
    ok = rows >= 0
    out = pd.DataFrame({"county_adcode": np.where(ok, div["adcode"].to_numpy()[np.maximum(rows, 0)], 0)})
    for col, src in (("county", "name_en"), ("county_zh", "name_zh"), ("prefecture", "prefecture_en"),
                     ("prefecture_zh", "prefecture_zh")):
        out[col] = np.where(ok, div[src].to_numpy(object)[np.maximum(rows, 0)], "")
    return out
