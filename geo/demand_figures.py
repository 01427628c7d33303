"""The figures issue 9 judges a demand model by, computed from any :class:`Demand`.

Used by the tests, the benchmark and the README's before/after table, so the
claims about the model are always recomputed, never copied.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from reach_planner.geo.data import load_census, load_china
from reach_planner.geo.demand import Demand
from reach_planner.geo.sphere import SphereIndex, haversine_km

URBAN_CORE_PEOPLE = 100_000  # a cell "holds a city" above this many urban people
REMOTE_KM = 45.0
# Shenzhen's municipal outline, simplified by hand to about 5 km (113.75-114.62E,
# 22.45-22.87N); the Hong Kong side is outside the grid anyway.
SHENZHEN = shapely.Polygon([
    (113.75, 22.72), (113.87, 22.87), (114.05, 22.86), (114.22, 22.80), (114.40, 22.78),
    (114.62, 22.68), (114.62, 22.50), (114.45, 22.45), (114.25, 22.55), (114.05, 22.50),
    (113.88, 22.45), (113.75, 22.55)])
SHENZHEN_URBAN_SHARE_2020 = 0.9954  # Shenzhen 7th census communique
PASTORAL = (15, 54, 63, 65)  # Inner Mongolia, Tibet, Qinghai, Xinjiang


def in_shenzhen(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.bool_]:
    return np.asarray(shapely.contains_xy(SHENZHEN, lon, lat), dtype=bool)


def dist_to_place_km(demand: Demand) -> NDArray[np.float64]:
    places = load_china().places
    d, _ = SphereIndex(places["lon"].to_numpy(), places["lat"].to_numpy()).nearest(
        demand.grid.lon, demand.grid.lat)
    return d


def province_error_pct(demand: Demand) -> tuple[float, float]:
    """Largest relative deviation (%) of a province's rural / urban sum from the census."""
    c = load_census()
    gb = demand.grid.gb_code
    err_r = err_u = 0.0
    for code, r, u in zip(c["gb_code"], c["rural_pop"], c["urban_pop"]):
        sel = gb == code
        err_r = max(err_r, abs(demand.rural[sel].sum() / r - 1) * 100)
        err_u = max(err_u, abs(demand.urban[sel].sum() / u - 1) * 100)
    return err_r, err_u


def demand_figures(demand: Demand) -> dict[str, Any]:
    g = demand.grid
    rural, urban = demand.rural, demand.urban
    tot = float(rural.sum())
    core = urban > URBAN_CORE_PEOPLE
    sz = in_shenzhen(g.lon, g.lat)
    top8 = np.argsort(rural)[::-1][:8]
    empty = rural <= 0
    pastoral = np.isin(g.gb_code, PASTORAL)
    far = dist_to_place_km(demand) > REMOTE_KM
    err_r, err_u = province_error_pct(demand)
    return {
        "rural_total": round(tot),
        "urban_total": round(float(urban.sum())),
        "rural_in_urban_core_cells_pct": round(100 * rural[core].sum() / tot, 2),
        "urban_core_cells": int(core.sum()),
        "shenzhen_cells": int(sz.sum()),
        "shenzhen_rural": round(float(rural[sz].sum())),
        "shenzhen_urban": round(float(urban[sz].sum())),
        "shenzhen_urban_share_pct": round(100 * urban[sz].sum() / max(rural[sz].sum() + urban[sz].sum(), 1), 2),
        "top8_rural_cells_in_shenzhen": int(sz[top8].sum()),
        "largest_rural_cell": round(float(rural.max())),
        "cells_without_rural": int(empty.sum()),
        "area_without_rural_km2": round(float(empty.sum() * g.cell_area_km2)),
        "pastoral_cells_without_rural": int((empty & pastoral).sum()),
        "rural_beyond_45km_pct": round(100 * rural[far].sum() / tot, 2),
        "pastoral_rural_beyond_45km_pct": round(100 * rural[far & pastoral].sum() / rural[pastoral].sum(), 2),
        "province_rural_max_error_pct": round(err_r, 4),
        "province_urban_max_error_pct": round(err_u, 4),
    }


# City centres (WGS84) for the city-core checks: the model must call their people urban.
CITY_CORES = {"Shenzhen": (114.06, 22.545), "Dongguan": (113.75, 23.02),
              "Foshan": (113.12, 23.02), "Xiamen": (118.089, 24.479)}
CORE_RADIUS_KM = 12.0


def sanity_figures(demand: Demand) -> dict[str, Any]:
    """Issue 22's sanity table: rural density cap, top-cell share, city cores, census sums."""
    g = demand.grid
    gb = g.gb_code
    dens = demand.rural / g.cell_area_km2
    share = 0.0
    for code in np.unique(gb):
        sel = gb == code
        share = max(share, float(demand.rural[sel].max() / demand.rural[sel].sum()))
    err_r, err_u = province_error_pct(demand)
    out: dict[str, Any] = {
        "max_rural_per_km2": round(float(dens.max()), 1),
        "cells_above_2000_per_km2": int((dens > 2000.0).sum()),
        "max_cell_share_of_province_rural_pct": round(100 * share, 2),
        "province_rural_max_error_pct": round(err_r, 4),
        "province_urban_max_error_pct": round(err_u, 4),
    }
    for name, (lon, lat) in CITY_CORES.items():
        near = haversine_km(lon, lat, g.lon, g.lat) < CORE_RADIUS_KM
        u, r = float(demand.urban[near].sum()), float(demand.rural[near].sum())
        out[f"{name.lower()}_core_urban"] = round(u)
        out[f"{name.lower()}_core_urban_share_pct"] = round(100 * u / max(u + r, 1.0), 2)
    return out
