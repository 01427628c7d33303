"""Rural and urban demand on the hex grid, anchored to the 2020 census.

No open gridded population ships with the app, so demand is modelled: each
province's census rural population (total x (1 - urban share)) is spread over its
cells in proportion to a *nearness-to-places* weight

    w(cell) = sum over GeoNames places p within 45 km of  s(p) * exp(-d / 15 km)

with ``s(p) = sqrt(clip(population, floor(type), 2e6))`` (a county seat counts as a
town of 20,000 even where GeoNames has no population; the square root keeps big
cities from swallowing the countryside). Cells farther than 45 km from every place
are unpopulated. Urban population is spread over the cells holding places, in
proportion to their population. Both sum per province to the census figures.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from reach_planner.geo.data import load_census, load_china
from reach_planner.geo.grid import HexGrid, build_grid
from reach_planner.geo.sphere import chord_to_km, km_to_chord, to_xyz

KERNEL_KM = 15.0
CUTOFF_KM = 45.0
TYPE_FLOOR = {"PPLC": 500_000, "PPLA": 500_000, "PPLA2": 100_000, "PPLA3": 20_000,
              "PPLA4": 5_000}
DEFAULT_FLOOR = 2_000
MAX_PLACE_WEIGHT_POP = 2_000_000


@dataclass(frozen=True, eq=False)
class Demand:
    """People per grid cell; ``rural`` and ``urban`` are aligned with the grid's cells."""

    grid: HexGrid
    rural: NDArray[np.float64]
    urban: NDArray[np.float64]


def place_strength(places: pd.DataFrame) -> NDArray[np.float64]:
    floor = places["feature_code"].map(TYPE_FLOOR).fillna(DEFAULT_FLOOR).to_numpy(float)
    pop = np.clip(np.maximum(places["population"].to_numpy(float), floor), 0,
                  MAX_PLACE_WEIGHT_POP)
    return np.sqrt(pop)


def nearness_weight(grid: HexGrid, places: pd.DataFrame) -> NDArray[np.float64]:
    cell_tree = cKDTree(to_xyz(grid.lon, grid.lat))
    place_tree = cKDTree(to_xyz(places["lon"].to_numpy(), places["lat"].to_numpy()))
    m = cell_tree.sparse_distance_matrix(place_tree, km_to_chord(CUTOFF_KM),
                                         output_type="ndarray")
    d_km = chord_to_km(m["v"])
    contrib = place_strength(places)[m["j"]] * np.exp(-d_km / KERNEL_KM)
    return np.bincount(m["i"], weights=contrib, minlength=grid.size).astype(np.float64)


def urban_weight(grid: HexGrid, places: pd.DataFrame) -> NDArray[np.float64]:
    tree = cKDTree(to_xyz(grid.lon, grid.lat))
    _, cell = tree.query(to_xyz(places["lon"].to_numpy(), places["lat"].to_numpy()))
    pop = places["population"].to_numpy(float)
    floor = places["feature_code"].map(TYPE_FLOOR).fillna(0).to_numpy(float)
    return np.bincount(cell, weights=np.maximum(pop, floor), minlength=grid.size).astype(np.float64)


def spread(weights: NDArray[np.float64], gb: NDArray[np.int64],
           totals: dict[int, float]) -> NDArray[np.float64]:
    """Scale weights so that each province's cells sum exactly to its total."""
    out = np.zeros(len(weights))
    for code, total in totals.items():
        sel = gb == code
        w = weights[sel]
        s = w.sum()
        if not sel.any():
            continue
        out[sel] = total * (w / s if s > 0 else np.full(len(w), 1.0 / len(w)))
    return out


@functools.cache
def build_demand(cell_km: float = 10.0) -> Demand:
    """The demand model for a grid spacing; deterministic, so cached per process."""
    china = load_china()
    grid = build_grid(cell_km)
    census = load_census()
    rural_tot = dict(zip(census["gb_code"].astype(int), census["rural_pop"]))
    urban_tot = dict(zip(census["gb_code"].astype(int), census["urban_pop"]))
    w_rural = nearness_weight(grid, china.places)
    rural = spread(w_rural, grid.gb_code, rural_tot)
    w_urban = urban_weight(grid, china.places)
    # A province whose places carry no weight falls back to the rural pattern.
    for code in urban_tot:
        sel = grid.gb_code == code
        if w_urban[sel].sum() <= 0:
            w_urban[sel] = w_rural[sel]
    urban = spread(w_urban, grid.gb_code, urban_tot)
    rural.flags.writeable = False
    urban.flags.writeable = False
    return Demand(grid=grid, rural=rural, urban=urban)
