"""Installation capacity: an outlet installs for at most C rural households.

Households are rural people / 2.62, the average family household size of the 2020
census (NBS, Seventh National Population Census Communique No. 2, 11 May 2021:
"平均每个家庭户的人口为2.62人"). Each covered cell's households may be served by any
outlet within the service radius; the most households that can be served with no
outlet beyond C is a maximum flow (source -> cell -> outlet in reach -> sink, outlet
edges capped at C), so nobody is counted as served by an overloaded outlet. That most
is unique; its split over outlets often is not, and ``load`` (*served* in the table) is
one maximum flow among several (``scipy.sparse.csgraph.maximum_flow``, Dinic's
algorithm). Overloaded
outlets are those whose nearest-outlet share (what the coverage map assigns them)
exceeds C: where the planner sees pressure.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import maximum_flow

from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.siting.problem import cell_cover

HOUSEHOLD_SIZE = 2.62  # persons per family household, 2020 census (see module docstring)


@dataclass(frozen=True, eq=False)
class Capacity:
    households_per_outlet: int
    households_covered: int  # in reach of an outlet
    households_served: int  # by the best split that respects every outlet's capacity
    load: np.ndarray  # households each outlet serves in that split (<= C)
    nearest_load: np.ndarray  # households whose nearest outlet it is
    overloaded: pd.DataFrame  # site_id, name, province, lon, lat, nearest_households, served, excess

    @property
    def people_beyond_capacity(self) -> int:
        return round((self.households_covered - self.households_served) * HOUSEHOLD_SIZE)

    def to_dict(self) -> dict:
        return {"households_per_outlet": self.households_per_outlet,
                "household_size": HOUSEHOLD_SIZE, "households_covered": self.households_covered,
                "households_served": self.households_served,
                "people_beyond_capacity": self.people_beyond_capacity,
                "overloaded_outlets": len(self.overloaded),
                "overloaded": self.overloaded.head(100).to_dict(orient="records")}


def households(rural: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(rural, dtype=float) / HOUSEHOLD_SIZE).astype(np.int64)


def capacity(result: ScenarioResult, households_per_outlet: int,
             radius_km: float | None = None) -> Capacity:
    c = int(households_per_outlet)
    if not 1 <= c <= 10_000_000:
        raise ValueError(f"capacity must be between 1 and 10,000,000 households, got {c}")
    radius = float(radius_km or result.params.radius_km)
    d, o = result.demand, result.network.outlets
    covered = np.flatnonzero((d.rural > 0) & (result.coverage.dist_km <= radius))
    hh = households(d.rural[covered])
    reach = cell_cover(result, o["lon"].to_numpy(float), o["lat"].to_numpy(float), covered,
                       radius).T.tocsr()  # cell x outlet, in the scenario's distance
    load = _max_flow(hh, reach.tocoo(), len(o), c)
    nearest = np.bincount(result.coverage.nearest_outlet[covered], weights=hh, minlength=len(o))
    over = np.flatnonzero(nearest > c)
    table = o.iloc[over][["site_id", "name", "province", "lon", "lat"]].copy()
    table["nearest_households"] = nearest[over].round().astype(np.int64)
    table["served"] = load[over]
    table["excess"] = table["nearest_households"] - c
    table = pd.DataFrame(table).sort_values("excess", ascending=False).reset_index(drop=True)
    return Capacity(c, int(hh.sum()), int(load.sum()), load, nearest, table)


def _max_flow(hh: np.ndarray, reach: sparse.coo_matrix, n_out: int, cap: int) -> np.ndarray:
    """Households each outlet serves in a maximum flow with outlet capacity ``cap``:
    source -> cell (its households) -> outlet in reach (unlimited: the cell's households)
    -> sink (``cap``), solved by ``scipy.sparse.csgraph.maximum_flow``."""
    n_cell = len(hh)
    src, sink = 0, 1 + n_cell + n_out
    rows = np.concatenate([np.zeros(n_cell, np.int64), 1 + reach.row, 1 + n_cell + np.arange(n_out)])
    cols = np.concatenate([1 + np.arange(n_cell), 1 + n_cell + reach.col, np.full(n_out, sink)])
    caps = np.concatenate([hh, hh[reach.row], np.full(n_out, cap)]).astype(np.int32)
    size = sink + 1
    graph = sparse.csr_matrix((caps, (rows, cols)), shape=(size, size))
    flow = maximum_flow(graph, src, sink).flow.tocsr()
    into_sink = flow[:, sink].toarray().ravel()
    return np.maximum(into_sink[1 + n_cell:1 + n_cell + n_out], 0).astype(np.int64)
