"""Coverage gaps: populated cells beyond the service radius, merged into regions.

Adjacent gap cells (sharing a hexagon edge) of the same county planning unit form one
gap region (planners act per county and prefecture; see :mod:`geo.counties`; before
issue 22 regions stopped only at province borders, and region #1 was 1.3 M km2 of
Xinjiang); regions are ranked by the rural population they leave unreached, so planners
see the biggest holes first. Each region carries its county and prefecture (en, zh).

``shares`` lists each region's part per province (people and cells), so every province
with unreached people counts the regions they live in; as regions stop at province
borders, that is one row per region.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from reach_planner.geo.counties import county_index, county_names
from reach_planner.geo.coverage import Coverage
from reach_planner.geo.demand import Demand


@dataclass(frozen=True, eq=False)
class Gaps:
    """Gap cells and their regions. ``region`` is -1 for cells that are not gaps;
    region ids are ranks: 0 is the region with the most unreached rural people."""

    is_gap: NDArray[np.bool_]
    region: NDArray[np.int64]
    # rank, gb_code, rural_unreached, cells, lon, lat, max_dist_km, area_km2,
    # county_adcode, county, county_zh, prefecture, prefecture_zh
    regions: pd.DataFrame
    shares: pd.DataFrame  # rank, gb_code, rural_unreached, cells: each region's part per province


def find_gaps(demand: Demand, coverage: Coverage) -> Gaps:
    g = demand.grid
    is_gap = (demand.rural > 0) & ~coverage.covered
    src, dst = g.neighbour_pairs(is_gap)
    # A region stays inside one province: with herders spread over the rangeland, the
    # uncovered west would otherwise be one region of 4 million km2 across five provinces.
    county = county_index(g)
    same = (g.gb_code[src] == g.gb_code[dst]) & (county[src] == county[dst])
    src, dst = src[same], dst[same]
    n = g.size
    adj = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    _, labels = connected_components(adj, directed=False)
    cells = np.flatnonzero(is_gap)
    lab = labels[cells]
    pop = demand.rural[cells]
    uniq, inv = np.unique(lab, return_inverse=True)
    k = len(uniq)
    tot = np.bincount(inv, weights=pop, minlength=k)
    frame = pd.DataFrame({
        "raw": np.arange(k),
        "rural_unreached": tot,
        "cells": np.bincount(inv, minlength=k),
        "lon": np.bincount(inv, weights=pop * g.lon[cells], minlength=k) / np.maximum(tot, 1e-12),
        "lat": np.bincount(inv, weights=pop * g.lat[cells], minlength=k) / np.maximum(tot, 1e-12),
        "max_dist_km": _group_max(inv, coverage.dist_km[cells], k),
        "gb_code": _main_province(inv, g.gb_code[cells], pop, k),
    })
    frame["area_km2"] = frame["cells"] * g.cell_area_km2
    frame = pd.concat([frame, county_names(_main_province(inv, county[cells], pop, k))], axis=1)
    frame = frame.sort_values(["rural_unreached", "cells"], ascending=[False, False],
                              kind="stable").reset_index(drop=True)
    rank_of = np.empty(k, dtype=np.int64)
    rank_of[frame["raw"].to_numpy()] = np.arange(k)
    region = np.full(n, -1, dtype=np.int64)
    region[cells] = rank_of[inv]
    frame.insert(0, "rank", np.arange(1, k + 1))
    frame = frame.drop(columns="raw")
    shares = pd.DataFrame({"rank": region[cells] + 1, "gb_code": g.gb_code[cells], "people": pop})
    shares = shares.groupby(["rank", "gb_code"], sort=True).agg(
        rural_unreached=("people", "sum"), cells=("people", "size")).reset_index()
    return Gaps(is_gap=is_gap, region=region, regions=frame, shares=shares)


def _group_max(inv: NDArray[np.int64], values: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    out = np.full(k, -np.inf)
    np.maximum.at(out, inv, values)
    return out


def _main_province(inv: NDArray[np.int64], gb: NDArray[np.int64], pop: NDArray[np.float64],
                   k: int) -> NDArray[np.int64]:
    """The province (or county row) holding most of a region's unreached people."""
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    df = pd.DataFrame({"r": inv, "gb": gb, "p": pop + 1e-9})
    s = df.groupby(["r", "gb"], sort=True)["p"].sum().reset_index()
    s = s.sort_values(["r", "p"], ascending=[True, False]).drop_duplicates("r")
    out = np.zeros(k, dtype=np.int64)
    out[s["r"].to_numpy()] = s["gb"].to_numpy()
    return out
