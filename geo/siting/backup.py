"""Backup coverage: rural people within reach of at least two outlets, and where new
outlets would give the most people a second outlet.

Recommending for backup is the same covering problem with different demand: the cells
exactly one outlet reaches (one more outlet backs them up). Cells no outlet reaches are
what *Close the gaps* is for, and stay out of it. So the same solvers, bound and
certification apply, and the after-figure equals a re-count with the picks added.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from reach_planner.geo.network import OUTLET, make_layer
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.siting.problem import Candidates, Problem, coverage_matrix
from reach_planner.geo.siting.solve import Solution, solve
from reach_planner.geo.sphere import km_to_chord, to_xyz


@dataclass(frozen=True, eq=False)
class Backup:
    backed_up_before: int  # rural people within reach of >= 2 outlets
    backed_up_after: int
    single_before: int  # rural people exactly one outlet reaches
    rural_population: int
    solution: Solution | None
    sites: object  # GeoDataFrame of the new outlets (network schema)

    @property
    def pct_before(self) -> float:
        return round(100 * self.backed_up_before / max(self.rural_population, 1), 2)

    @property
    def pct_after(self) -> float:
        return round(100 * self.backed_up_after / max(self.rural_population, 1), 2)

    def to_dict(self) -> dict:
        s = self.solution
        return {"backed_up_before": self.backed_up_before, "backed_up_after": self.backed_up_after,
                "backed_up_pct_before": self.pct_before, "backed_up_pct_after": self.pct_after,
                "single_before": self.single_before, "count": 0 if s is None else len(s.picks),
                "bound": None if s is None else round(s.bound),
                "gap_pct": None if s is None else round(s.gap_pct, 4),
                "status": None if s is None else s.status}


def reach_counts(lon: NDArray[np.float64], lat: NDArray[np.float64],
                 o_lon: NDArray[np.float64], o_lat: NDArray[np.float64],
                 radius_km: float) -> NDArray[np.int64]:
    """How many outlets lie within the radius of each point (great-circle)."""
    if not len(o_lon):
        return np.zeros(len(lon), dtype=np.int64)
    counts = cKDTree(to_xyz(o_lon, o_lat)).query_ball_point(to_xyz(lon, lat), km_to_chord(radius_km),
                                                            return_length=True, workers=-1)
    return np.asarray(counts, dtype=np.int64)


def backed_up(result: ScenarioResult, radius_km: float | None = None,
              extra: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None) -> float:
    """Rural people within reach of at least two outlets (optionally with extra outlets)."""
    counts = _counts(result, float(radius_km or result.params.radius_km), extra)
    return float(result.demand.rural[counts >= 2].sum())


def _counts(result: ScenarioResult, radius: float,
            extra: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None) -> NDArray[np.int64]:
    g, o = result.demand.grid, result.network.outlets
    lon, lat = o["lon"].to_numpy(float), o["lat"].to_numpy(float)
    if extra is not None:
        lon, lat = np.concatenate([lon, extra[0]]), np.concatenate([lat, extra[1]])
    return reach_counts(g.lon, g.lat, lon, lat, radius)


def backup_problem(result: ScenarioResult, radius_km: float | None = None,
                   candidates: Candidates | None = None) -> Problem:
    radius = float(radius_km or result.params.radius_km)
    g, d = result.demand.grid, result.demand
    single = np.flatnonzero((d.rural > 0) & (_counts(result, radius) == 1))
    if candidates is None:
        candidates = Candidates(g.lon[single], g.lat[single], g.gb_code[single], [""] * len(single))
    cover = coverage_matrix(candidates.lon, candidates.lat, g.lon[single], g.lat[single], radius)
    return Problem(candidates.lon, candidates.lat, candidates.gb, list(candidates.label), single,
                   d.rural[single].astype(float), cover, radius)


def recommend_backup(result: ScenarioResult, count: int, radius_km: float | None = None,
                     method: str = "certified", candidates: Candidates | None = None) -> Backup:
    """The ``count`` new outlets that give the most singly covered rural people a second outlet."""
    radius = float(radius_km or result.params.radius_km)
    p = backup_problem(result, radius, candidates)
    sol = solve(p, count, method)
    idx = np.asarray(sol.picks, dtype=np.int64)
    names = [f"Backup outlet {k + 1}" for k in range(len(idx))]
    sites = make_layer(OUTLET, p.cand_lon[idx], p.cand_lat[idx], p.cand_gb[idx], names, {},
                       source="recommended", ids=[f"RB{k + 1:05d}" for k in range(len(idx))])
    before = backed_up(result, radius)
    return Backup(backed_up_before=round(before), backed_up_after=round(before + sol.value),
                  single_before=round(float(p.people.sum())),
                  rural_population=round(float(result.demand.rural.sum())), solution=sol,
                  sites=sites)
