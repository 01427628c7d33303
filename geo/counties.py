"""County planning units: which county (县/区/旗, GB/T 2260) each grid cell plans under.

No county polygons ship with a clear licence, so a cell belongs to the nearest county
seat of its own province (a Voronoi partition of the seats inside each province, on the
sphere, searched with the app's grouped nearest search). Planners act per county and
prefecture, so gap regions are split at these units and every figure per county is
summed over their cells.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from reach_planner.geo.data import load_divisions
from reach_planner.geo.grid import HexGrid, build_grid
from reach_planner.geo.sphere import nearest_in_group

NAME_COLUMNS = ("adcode", "name_en", "name_zh", "prefecture_en", "prefecture_zh")


@dataclass(frozen=True)
class Divisions:
    """The county planning units as read-only columns, read once per process: every
    recompute assigns outlets and sums figures per unit, and parsing the CSV each time
    cost more than those sums."""

    adcode: NDArray[np.int64]
    gb_code: NDArray[np.int64]
    name_en: NDArray[np.object_]
    name_zh: NDArray[np.object_]
    prefecture_en: NDArray[np.object_]
    prefecture_zh: NDArray[np.object_]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.adcode)

    def row_of(self, adcodes: NDArray[np.int64]) -> NDArray[np.int64]:
        """Row of each adcode (-1: not a county unit)."""
        adcodes = np.asarray(adcodes, dtype=np.int64)
        order = np.argsort(self.adcode, kind="stable")
        pos = np.clip(np.searchsorted(self.adcode, adcodes, sorter=order), 0, len(order) - 1)
        rows = order[pos]
        return np.where(self.adcode[rows] == adcodes, rows, -1)


@functools.cache
def divisions() -> Divisions:
    div = load_divisions()
    cols = {"adcode": div["adcode"].to_numpy(np.int64), "gb_code": div["gb_code"].to_numpy(np.int64),
            "lon": div["lon"].to_numpy(float), "lat": div["lat"].to_numpy(float),
            **{c: div[c].to_numpy(object) for c in ("name_en", "name_zh", "prefecture_en", "prefecture_zh")}}
    for arr in cols.values():
        arr.flags.writeable = False
    return Divisions(**cols)


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
    div = divisions()
    seat_gb = div.gb_code
    gb = np.asarray(gb, dtype=np.int64)
    out = np.full(len(gb), -1, dtype=np.int64)
    ok = np.flatnonzero(np.isin(gb, seat_gb))
    if len(ok):  # one grouped search (the app's own, geo.sphere): a province only finds its seats
        out[ok] = nearest_in_group(div.lon, div.lat, seat_gb,
                                   np.asarray(lon, float)[ok], np.asarray(lat, float)[ok], gb[ok])
    return out


def county_names(rows: NDArray[np.int64]) -> pd.DataFrame:
    """County and prefecture names (en, zh) and code for division rows (-1: blanks)."""
    div = divisions()
    rows = np.asarray(rows, dtype=np.int64)
    ok = rows >= 0
    out = pd.DataFrame({"county_adcode": np.where(ok, div.adcode[np.maximum(rows, 0)], 0)})
    for col, src in (("county", div.name_en), ("county_zh", div.name_zh), ("prefecture", div.prefecture_en),
                     ("prefecture_zh", div.prefecture_zh)):
        out[col] = np.where(ok, src[np.maximum(rows, 0)], "")
    return out


def county_bounds(grid: HexGrid, adcode: int) -> tuple[float, float, float, float] | None:
    """West, south, east, north of a county unit's cells (half a cell of margin), for
    zooming the map to it; None when no cell plans under it."""
    row = divisions().row_of(np.array([adcode]))[0]
    sel = county_index(grid) == row if row >= 0 else np.zeros(grid.size, dtype=bool)
    if not sel.any():
        return None
    lon, lat = grid.lon[sel], grid.lat[sel]
    pad = grid.spacing_km / 111.0  # degrees of latitude; a degree of longitude is shorter
    pad_lon = pad / max(np.cos(np.radians(float(np.abs(lat).max()))), 0.1)
    return (float(lon.min()) - pad_lon, float(lat.min()) - pad, float(lon.max()) + pad_lon,
            float(lat.max()) + pad)
