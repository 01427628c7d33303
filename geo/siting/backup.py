"""Backup coverage: rural people within reach of at least two outlets, and where new
outlets would give the most people a second outlet.

Recommending for backup solves the covering problem whose demand is the cells exactly
one outlet reaches (one more outlet backs them up), with the same solvers. But two
picks whose reach overlaps also back up cells no outlet reached, so the after-figure is
re-counted with the picks added (never before + the solver's value), and the proven
bound counts those cells too (they need two picks: the Lagrangian bound with needs).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.coverage import outlets_in_reach
from reach_planner.geo.data import load_china
from reach_planner.geo.network import OUTLET, make_layer
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.siting.bound import gap_pct, lagrangian
from reach_planner.geo.siting.problem import Candidates, Problem, RowSums, cell_cover
from reach_planner.geo.siting.solve import TOLERANCE, Solution, solve


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


def reach_counts(result: ScenarioResult, lon: NDArray[np.float64], lat: NDArray[np.float64],
                 radius_km: float) -> NDArray[np.int64]:
    """How many of the points (lon, lat) reach each grid cell, in the scenario's distance."""
    return outlets_in_reach(result.demand, lon, lat, radius_km, result.coverage.distance)


def outlet_counts(result: ScenarioResult, radius_km: float | None = None,
                  extra: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None) -> NDArray[np.int64]:
    """How many outlets (and extra outlets) reach each grid cell."""
    o, cov = result.network.outlets, result.coverage
    radius = float(radius_km or result.params.radius_km)
    if extra is None and cov.outlets_in_reach is not None and radius == cov.radius_km:
        return cov.outlets_in_reach
    lon, lat = o["lon"].to_numpy(float), o["lat"].to_numpy(float)
    if extra is not None:
        lon, lat = np.concatenate([lon, extra[0]]), np.concatenate([lat, extra[1]])
    return reach_counts(result, lon, lat, radius)


def backed_up(result: ScenarioResult, radius_km: float | None = None,
              extra: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None) -> float:
    """Rural people within reach of at least two outlets (optionally with extra outlets)."""
    counts = outlet_counts(result, radius_km, extra)
    return float(result.demand.rural[counts >= 2].sum())


def backup_problem(result: ScenarioResult, radius_km: float | None = None,
                   candidates: Candidates | None = None,
                   counts: NDArray[np.int64] | None = None) -> Problem:
    """Candidates x singly covered cells (one more outlet backs them up)."""
    radius = float(radius_km or result.params.radius_km)
    g, d = result.demand.grid, result.demand
    counts = outlet_counts(result, radius) if counts is None else counts
    single = np.flatnonzero((d.rural > 0) & (counts == 1))
    if candidates is None:
        candidates = Candidates(g.lon[single], g.lat[single], g.gb_code[single], [""] * len(single))
    cover = cell_cover(result, candidates.lon, candidates.lat, single, radius)
    return Problem(candidates.lon, candidates.lat, candidates.gb, list(candidates.label), single,
                   d.rural[single].astype(float), cover, radius)


def needs_problem(result: ScenarioResult, problem: Problem, counts: NDArray[np.int64]
                  ) -> tuple[Problem, NDArray[np.float64]]:
    """The problem's candidates x every cell at most one outlet reaches, with the number
    of new outlets each needs to be backed up (1 if one outlet reaches it, else 2)."""
    d = result.demand
    cells = np.flatnonzero((d.rural > 0) & (counts <= 1))
    full = Problem(problem.cand_lon, problem.cand_lat, problem.cand_gb, problem.cand_label, cells,
                   d.rural[cells].astype(float),
                   cell_cover(result, problem.cand_lon, problem.cand_lat, cells, problem.radius_km),
                   problem.radius_km)
    return full, np.where(counts[cells] == 0, 2.0, 1.0)


def backup_bound(full: Problem, need: NDArray[np.float64], count: int, known: float) -> float:
    """Proven: no ``count`` of the candidates back up more people than this.

    New outlets back up a singly covered cell when one reaches it, and a cell no outlet
    reaches when two do: both count, with a need of 1 or 2 (the Lagrangian relaxation
    with needs, geo.siting.bound)."""
    return lagrangian(full, count, known, iterations=1500, tolerance=1e-4, need=need).value


def needs_greedy(full: Problem, need: NDArray[np.float64], count: int) -> list[int]:
    """Greedy on the needs model: a pick scores the people it backs up now plus half of
    those it brings one outlet closer (so pairs in unreached land can start)."""
    cover, w = full.cover, full.people
    left = need.copy()
    score = np.where(left == 1, w, w / 2)
    sums = RowSums(cover)
    chosen = np.zeros(cover.shape[0], dtype=bool)
    picks: list[int] = []
    for _ in range(count):
        gains = sums(score)
        gains[chosen] = -1.0
        j = int(np.argmax(gains)) if len(gains) else 0
        if not len(gains) or gains[j] <= 0:
            break
        row = cover.indices[cover.indptr[j]:cover.indptr[j + 1]]
        left[row] = np.maximum(left[row] - 1, 0)
        score[row] = np.where(left[row] == 1, w[row], np.where(left[row] == 2, w[row] / 2, 0.0))
        chosen[j] = True
        picks.append(j)
    return picks


def completions(full: Problem, need: NDArray[np.float64], picks: list[int]) -> list[float]:
    """People each pick (in order) backs up: the cells whose need it completes."""
    left = need.copy()
    out = []
    for j in picks:
        row = full.cover.indices[full.cover.indptr[j]:full.cover.indptr[j + 1]]
        out.append(float(full.people[row][left[row] == 1].sum()))
        left[row] = np.maximum(left[row] - 1, 0)
    return out


def recommend_backup(result: ScenarioResult, count: int, radius_km: float | None = None,
                     method: str = "certified", candidates: Candidates | None = None) -> Backup:
    """The ``count`` new outlets that back up the most rural people: the better (re-counted)
    of the singles problem's answer (``method``) and the needs-model greedy. The
    after-figure is re-counted with the picks added; the bound counts both kinds of cell."""
    radius = float(radius_km or result.params.radius_km)
    counts = outlet_counts(result, radius)
    p = backup_problem(result, radius, candidates, counts)
    sol = solve(p, count, method)
    full, need = needs_problem(result, p, counts)
    rural = result.demand.rural
    before = float(rural[counts >= 2].sum())
    options = [list(sol.picks), needs_greedy(full, need, count)]
    gains = [completions(full, need, o) for o in options]
    best = int(np.argmax([sum(g) for g in gains]))
    picks, got = [j for j, g in zip(options[best], gains[best]) if g > 0], [g for g in gains[best] if g > 0]
    idx = np.asarray(picks, dtype=np.int64)
    names = [f"Backup outlet {k + 1}" for k in range(len(idx))]
    english = {c: en for c, (en, _zh) in load_china().province_names().items()}
    sites = make_layer(OUTLET, p.cand_lon[idx], p.cand_lat[idx], p.cand_gb[idx], names, english,
                       source="recommended", ids=[f"RB{k + 1:05d}" for k in range(len(idx))])
    after = backed_up(result, radius, (p.cand_lon[idx], p.cand_lat[idx]))
    gain = after - before
    bound = max(gain, min(backup_bound(full, need, count, gain),
                          sol.bound + _zero_cell_bound(result, p, count, counts)))
    status = "optimal" if bound - gain < 0.5 else (
        "within tolerance" if gap_pct(gain, bound) <= 100 * TOLERANCE.get(method, 0.0) else "heuristic")
    answer = replace(sol, picks=picks, gains=got, value=gain, bound=bound, status=status)
    return Backup(backed_up_before=round(before), backed_up_after=round(after),
                  single_before=round(float(p.people.sum())),
                  rural_population=round(float(rural.sum())), solution=answer, sites=sites)


def _zero_cell_bound(result: ScenarioResult, problem: Problem, count: int,
                     counts: NDArray[np.int64]) -> float:
    """Cells no outlet reaches need two picks: at most half of what the K best candidates
    reach there (prices at half the people)."""
    d = result.demand
    zero = np.flatnonzero((d.rural > 0) & (counts == 0))
    cover = cell_cover(result, problem.cand_lon, problem.cand_lat, zero, problem.radius_km)
    half = cover @ (d.rural[zero].astype(float) / 2)
    return float(np.sort(half)[::-1][:count].sum())
