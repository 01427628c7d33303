"""Seeded simulation of the Goodaymart network (the joint-venture default scenario).

Model (also in the README):
1. Per-province counts follow the 2020 census population (largest-remainder
   apportionment, at least one distribution site per province when there are >= 31).
2. Distribution sites sit at GeoNames places in their province, drawn without
   replacement with weights favouring seats of government and towns: provincial
   capital 30, prefecture seat 20, county seat 12, township seat 4, other town 1
   (x2 if GeoNames gives it a population). If a province runs out of places the rest
   are drawn like outlets.
3. Service outlets are drawn (with replacement) over the demand cells of their
   province with probability ``rural_bias * rural share + (1 - rural_bias) * urban
   share`` of the cell (strategy ``population``), at GeoNames places (``towns``) or
   uniformly over populated cells (``uniform``), then jittered uniformly inside the
   cell's inscribed circle; a jittered point that leaves the province snaps back to
   the cell centre, so every site is on land in its province.
4. Each outlet's parent is the nearest distribution site of its province.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from reach_planner.geo.data import load_china
from reach_planner.geo.demand import Demand, build_demand
from reach_planner.geo.grid import from_albers
from reach_planner.geo.network import DISTRIBUTION, OUTLET, Network, assign_parents, make_layer
from reach_planner.geo.params import ScenarioParams

SITE_TYPE_WEIGHT = {"PPLC": 30.0, "PPLA": 30.0, "PPLA2": 20.0, "PPLA3": 12.0, "PPLA4": 4.0}


def apportion(total: int, weights: NDArray[np.float64], minimum: int = 0) -> NDArray[np.int64]:
    """Largest-remainder apportionment of ``total`` seats; sums exactly to ``total``."""
    n = len(weights)
    base = np.full(n, minimum if total >= minimum * n else 0, dtype=np.int64)
    rest = total - int(base.sum())
    share = weights / weights.sum() * rest
    out = np.floor(share).astype(np.int64)
    left = rest - int(out.sum())
    order = np.argsort(-(share - out), kind="stable")
    out[order[:left]] += 1
    return base + out


def simulate_network(params: ScenarioParams, demand: Demand | None = None) -> Network:
    """Same ``params`` (including the seed) always give the same network."""
    demand = demand or build_demand(params.cell_km)
    china = load_china()
    rng = np.random.default_rng(params.seed)
    prov = china.provinces
    codes = prov["gb_code"].to_numpy(np.int64)
    pop = prov["pop_2020_census"].to_numpy(float)
    names = dict(zip(codes.tolist(), prov["name_en"]))
    n_sites = apportion(params.sites, pop, minimum=1)
    n_outlets = apportion(params.outlets, pop)
    places = _Places.of(china.places)
    s_parts, o_parts = [], []
    for code, ns, no, geom in zip(codes, n_sites, n_outlets, prov.geometry.to_numpy()):
        cand = places.in_province(int(code))
        s_parts.append(_sites_in(int(code), int(ns), rng, demand, geom, places, cand))
        o_parts.append(_outlets_in(int(code), int(no), rng, demand, geom, params, places, cand))
    sites = _layer(DISTRIBUTION, s_parts, names)
    outlets = _layer(OUTLET, o_parts, names)
    return Network(sites=sites, outlets=assign_parents(outlets, sites))


@dataclass(frozen=True)
class _Places:
    """The GeoNames places as plain arrays: 31 provinces' draws index them instead of
    filtering the frame 31 times."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    name: NDArray[np.object_]
    gb: NDArray[np.int64]
    site_weight: NDArray[np.float64]

    @classmethod
    def of(cls, places: pd.DataFrame) -> _Places:
        w = places["feature_code"].map(SITE_TYPE_WEIGHT).fillna(1.0).to_numpy(float)
        w = w * np.where(places["population"].to_numpy() > 0, 2.0, 1.0)
        return cls(lon=places["lon"].to_numpy(float), lat=places["lat"].to_numpy(float),
                   name=places["name"].to_numpy(object), gb=places["gb_code"].to_numpy(),
                   site_weight=w)

    def in_province(self, code: int) -> NDArray[np.int64]:
        return np.flatnonzero(self.gb == code)


def _layer(kind: str, parts: list[tuple], names: dict[int, str]):
    lon = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0)
    lat = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0)
    gb = np.concatenate([np.full(len(p[0]), c) for p, c in zip(parts, [p[3] for p in parts])])
    labels = [n for p in parts for n in p[2]]
    return make_layer(kind, lon, lat, gb, labels, names)


def _sites_in(code: int, n: int, rng: np.random.Generator, demand: Demand, geom,
              places: _Places, cand: NDArray[np.int64]):
    take = min(n, len(cand))
    w = places.site_weight[cand]
    pick: Any = rng.choice(len(cand), size=take, replace=False, p=w / w.sum()) if take else []
    chosen = cand[np.sort(pick)] if take else cand[:0]
    lon, lat = places.lon[chosen], places.lat[chosen]
    labels = [f"{nm} distribution centre" for nm in places.name[chosen]]
    if n > take:  # more sites than places: place the rest like outlets
        xlon, xlat = _draw_cells(code, n - take, rng, demand, geom, demand.rural)
        lon, lat = np.concatenate([lon, xlon]), np.concatenate([lat, xlat])
        labels += [f"Distribution centre {i + 1}" for i in range(take, n)]
    return lon, lat, labels, code


def _outlets_in(code: int, n: int, rng: np.random.Generator, demand: Demand, geom,
                params: ScenarioParams, places: _Places, cand: NDArray[np.int64]):
    if n == 0:
        return np.zeros(0), np.zeros(0), [], code
    if params.strategy == "towns":
        j = cand[rng.choice(len(cand), size=n, replace=True)]
        return (places.lon[j], places.lat[j], [f"Service outlet {nm}" for nm in places.name[j]],
                code)
    sel = demand.grid.gb_code == code
    rural, urban = demand.rural[sel], demand.urban[sel]
    if params.strategy == "uniform":
        w = ((rural + urban) > 0).astype(float)
    else:
        w = (params.rural_bias * _share(rural) + (1 - params.rural_bias) * _share(urban))
    lon, lat = _draw_cells(code, n, rng, demand, geom, w, presliced=True)
    return lon, lat, [f"Service outlet {code}-{i + 1}" for i in range(n)], code


def _share(v: NDArray[np.float64]) -> NDArray[np.float64]:
    s = v.sum()
    return v / s if s > 0 else np.full(len(v), 1.0 / max(len(v), 1))


def _draw_cells(code: int, n: int, rng: np.random.Generator, demand: Demand, geom,
                weights: NDArray[np.float64], presliced: bool = False):
    g = demand.grid
    cells = np.flatnonzero(g.gb_code == code)
    w = weights if presliced else weights[cells]
    if w.sum() <= 0:
        w = np.ones(len(cells))
    j = cells[rng.choice(len(cells), size=n, replace=True, p=w / w.sum())]
    rad = g.spacing_km * 500.0 * np.sqrt(rng.random(n))  # uniform in the inscribed circle
    ang = rng.random(n) * 2 * np.pi
    lon, lat = from_albers().transform(g.x[j] + rad * np.cos(ang), g.y[j] + rad * np.sin(ang))
    lon, lat = np.asarray(lon), np.asarray(lat)
    inside = shapely.contains_xy(geom, lon, lat)
    lon[~inside], lat[~inside] = g.lon[j[~inside]], g.lat[j[~inside]]
    return lon, lat
