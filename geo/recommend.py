"""Where should the next K outlets go? The answers the CLI and the window show.

The solving lives in :mod:`geo.siting`; this module turns a scenario and a request
into a :class:`Recommendation` whose figures equal a re-run of the scenario with the
picks added (national and province runs alike: demand is every gap cell, so a
province's picks near a border are credited with the people they reach across it).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from reach_planner.geo.data import load_china
from reach_planner.geo.network import OUTLET, Network, make_layer
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.siting.bound import gap_pct
from reach_planner.geo.siting.greedy import covered_by, greedy, improve, solve_greedy
from reach_planner.geo.siting.problem import (
    Candidates,
    Problem,
    Reduction,
    build_problem,
    covered_people,
    reduce,
)
from reach_planner.geo.siting.solve import METHODS, Solution, greedy_curve, solve

__all__ = ["MAX_COUNT", "METHODS", "Candidates", "Problem", "Recommendation", "RecommendParams",
           "accept", "build_problem", "covered_by", "greedy", "improve", "min_outlets_for_target",
           "recommend", "reduce", "solve_greedy"]

MAX_COUNT = 5000
CURVE_MARKS = (95.0, 98.0, 99.0)  # rural coverage % marked on the coverage curve


@dataclass(frozen=True)
class RecommendParams:
    count: int = 100
    radius_km: float | None = None  # None: the scenario's service radius
    province: int | None = None  # GB code: candidates only there (demand stays national)
    method: str = "greedy"  # greedy | certified | exact
    time_limit: float = 60.0  # seconds for the exact solver (certified/exact)

    def __post_init__(self) -> None:
        if not 1 <= int(self.count) <= MAX_COUNT:
            raise ValueError(f"count must be between 1 and {MAX_COUNT:,}, got {self.count}")
        if self.radius_km is not None and not 0.1 <= self.radius_km <= 1000:
            raise ValueError(f"radius_km must be between 0.1 and 1000, got {self.radius_km}")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if not 0 < self.time_limit <= 3600:
            raise ValueError(f"time limit must be between 0 and 3600 s, got {self.time_limit}")


@dataclass(frozen=True, eq=False)
class Recommendation:
    sites: gpd.GeoDataFrame  # the new outlets, network schema, source='recommended'
    gains: tuple[float, ...]  # newly covered rural people, pick by pick
    newly_covered: int
    covered_before: int
    covered_after: int
    rural_population: int
    by_province: pd.DataFrame  # gb_code, province, province_zh, outlets, newly_covered
    solve_seconds: float
    method: str
    radius_km: float
    target_pct: float | None = None
    reached: bool = True
    bound: float | None = None  # proven: no K outlets cover more new people than this
    status: str = "heuristic"  # optimal | within tolerance | heuristic | time limit
    candidates_used: int = 0
    reduction: Reduction | None = None
    covers_all: bool = False  # fewer picks than asked: they already cover every gap
    requested: int = 0
    curve: tuple[float, ...] = field(default=())  # greedy: newly covered after 0..K picks
    distance: str = "straight"  # straight | terrain: the measure of every figure here
    gains_home: tuple[float, ...] = field(default=())  # of each gain: in the pick's own province
    province: int | None = None  # GB code of a province run

    @property
    def newly_covered_in_province(self) -> int:
        """Newly covered people in the province of the pick that reaches them."""
        return round(sum(self.gains_home))

    @property
    def newly_covered_across_border(self) -> int:
        """Newly covered people across the border of the pick's province."""
        return self.newly_covered - self.newly_covered_in_province

    @property
    def pct_before(self) -> float:
        return round(100 * self.covered_before / self.rural_population, 2)

    @property
    def pct_after(self) -> float:
        return round(100 * self.covered_after / self.rural_population, 2)

    @property
    def gap_pct(self) -> float | None:
        return None if self.bound is None else round(gap_pct(self.newly_covered, self.bound), 4)

    def curve_marks(self) -> dict[float, int | None]:
        """Fewest new outlets (on the curve) for 95/98/99% rural coverage; None: not within K."""
        marks: dict[float, int | None] = {}
        for pct in CURVE_MARKS:
            need = pct / 100 * self.rural_population - self.covered_before
            hit = [k for k, v in enumerate(self.curve) if v >= need - 0.5]
            marks[pct] = hit[0] if hit else None
        return marks

    def quality(self) -> str:
        """One line a planner reads: how close to the best possible, and why it stopped."""
        if self.bound is None:
            return ""
        if self.covers_all:
            return (f"{len(self.sites):,} outlets already cover every gap the candidates can "
                    f"reach; no more are needed")
        gap = self.gap_pct or 0.0
        if self.status == "optimal":
            return "proven optimal"
        if self.status == "time limit":
            return f"stopped at {gap:.2f}% gap (time limit); best possible <= {self.bound:,.0f}"
        return f"within {max(gap, 0.01):.2f}% of the best possible (<= {self.bound:,.0f})"

    def to_dict(self) -> dict:
        return {
            "method": self.method, "radius_km": self.radius_km, "distance": self.distance,
            "province": self.province, "count": len(self.sites),
            "requested": self.requested, "newly_covered": self.newly_covered,
            "newly_covered_in_province": self.newly_covered_in_province,
            "newly_covered_across_border": self.newly_covered_across_border,
            "rural_covered_before": self.covered_before,
            "rural_covered_after": self.covered_after,
            "rural_covered_pct_before": self.pct_before,
            "rural_covered_pct_after": self.pct_after,
            "bound": None if self.bound is None else round(self.bound),
            "gap_pct": self.gap_pct, "status": self.status, "covers_all": self.covers_all,
            "candidates_used": self.candidates_used,
            "reduction": None if self.reduction is None else self.reduction.to_dict(),
            "target_pct": self.target_pct, "target_reached": self.reached,
            "solve_seconds": round(self.solve_seconds, 3),
            "curve": [round(v) for v in self.curve],
            "curve_marks": {f"{k:g}": v for k, v in self.curve_marks().items()},
            "by_province": self.by_province.to_dict(orient="records"),
            "outlets": [{"name": r.name, "lon": r.lon, "lat": r.lat, "province": r.province,
                         "gain": round(g), "gain_in_province": round(h)}
                        for r, g, h in zip(self.sites.itertuples(), self.gains, self.gains_home)],
        }


def recommend(result: ScenarioResult, params: RecommendParams,
              progress: Callable[[int, str], None] | None = None,
              candidates: Candidates | None = None,
              improved: Callable[[Recommendation], None] | None = None) -> Recommendation:
    """The K new outlets that cover the most unreached rural people, with a proven bound.

    ``improved`` receives each better answer while the solver runs (greedy first)."""
    t0 = time.perf_counter()
    problem = build_problem(result, params.radius_km, params.province, candidates)

    def make(sol: Solution) -> Recommendation:
        rec = _recommendation(result, problem, sol, time.perf_counter() - t0, params.method)
        return replace(rec, requested=params.count, province=params.province,
                       curve=tuple(greedy_curve(problem, params.count)))

    hook = (lambda sol: improved(make(sol))) if improved else None
    return make(solve(problem, params.count, params.method, params.time_limit, progress, hook))


def min_outlets_for_target(result: ScenarioResult, target_pct: float,
                           radius_km: float | None = None, max_count: int = MAX_COUNT,
                           progress: Callable[[int, str], None] | None = None,
                           candidates: Candidates | None = None) -> Recommendation:
    """The fewest new outlets (greedy) that lift national rural coverage to the target."""
    if not 0 < target_pct <= 100:
        raise ValueError(f"target must be a percentage above 0 and at most 100, got {target_pct}")
    t0 = time.perf_counter()
    radius = float(radius_km or result.params.radius_km)
    rural = float(result.demand.rural.sum())
    need = target_pct / 100 * rural - covered_people(result, radius)
    problem = build_problem(result, radius, candidates=candidates)
    picks, gains = ([], []) if need <= 0 else greedy(problem, max_count, stop_at=need,
                                                      progress=progress)
    value = float(sum(gains))
    sol = Solution(picks, gains, value, value, "heuristic",
                   Reduction(*problem.cover.shape, *problem.cover.shape),
                   value >= float(problem.people.sum()) - 1e-6)
    rec = _recommendation(result, problem, sol, time.perf_counter() - t0, "greedy")
    reached = rec.covered_after >= target_pct / 100 * rural - 0.5
    return replace(rec, target_pct=float(target_pct), reached=reached, bound=None,
                   requested=len(picks), curve=tuple([0.0, *np.cumsum(gains).tolist()]))


def _recommendation(result: ScenarioResult, problem: Problem, sol: Solution, seconds: float,
                    method: str) -> Recommendation:
    names = load_china().province_names()
    picks, gains = sol.picks, list(sol.gains)
    idx = np.asarray(picks, dtype=np.int64)
    labels = [f"Recommended outlet {k + 1}" + (f" (near {problem.cand_label[i]})"
                                               if problem.cand_label[i] else "")
              for k, i in enumerate(picks)]
    sites = make_layer(OUTLET, problem.cand_lon[idx], problem.cand_lat[idx], problem.cand_gb[idx],
                       labels, {c: en for c, (en, _zh) in names.items()}, source="recommended",
                       ids=[f"RO{k + 1:05d}" for k in range(len(picks))])
    before = covered_people(result, problem.radius_km)
    new = float(sum(gains))
    return Recommendation(
        sites=sites, gains=tuple(gains), newly_covered=round(new), covered_before=round(before),
        covered_after=round(before + new), rural_population=round(float(result.demand.rural.sum())),
        by_province=_by_province(problem, idx, gains, names), solve_seconds=seconds, method=method,
        radius_km=problem.radius_km, bound=sol.bound, status=sol.status,
        candidates_used=int(problem.cover.shape[0]), reduction=sol.reduction,
        covers_all=sol.covers_all, distance=result.coverage.distance,
        gains_home=tuple(home_gains(result, problem, picks)))


def home_gains(result: ScenarioResult, problem: Problem, picks: list[int]) -> list[float]:
    """Of each pick's marginal gain (in order), the people in the pick's own province;
    the rest lives across its border."""
    cover, people = problem.cover, problem.people
    cell_gb = result.demand.grid.gb_code[problem.cells]
    done = np.zeros(len(people), dtype=bool)
    out = []
    for j in picks:
        row = cover.indices[cover.indptr[j]:cover.indptr[j + 1]]
        fresh = row[~done[row]]
        done[fresh] = True
        out.append(float(people[fresh][cell_gb[fresh] == problem.cand_gb[j]].sum()))
    return out


def _by_province(problem: Problem, idx: np.ndarray, gains: list[float],
                 names: dict[int, tuple[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame({"gb_code": problem.cand_gb[idx].astype(np.int64),
                          "gain": np.asarray(gains, dtype=float)})
    by = frame.groupby("gb_code").agg(outlets=("gain", "size"), newly_covered=("gain", "sum"))
    by = by.reset_index().sort_values("newly_covered", ascending=False)
    by.insert(1, "province", [names[int(c)][0] for c in by["gb_code"]])
    by.insert(2, "province_zh", [names[int(c)][1] for c in by["gb_code"]])
    by["newly_covered"] = by["newly_covered"].round().astype(np.int64)
    return by.reset_index(drop=True)


def accept(network: Network, rec: Recommendation) -> Network:
    """A new network with the recommended outlets added (unique ids, parents assigned)."""
    existing = set(network.outlets["site_id"])
    add = rec.sites.copy()
    n = 1
    ids = []
    for _ in range(len(add)):
        while f"RO{n:05d}" in existing:
            n += 1
        ids.append(f"RO{n:05d}")
        existing.add(ids[-1])
    add["site_id"] = ids
    outlets = pd.concat([network.outlets, add], ignore_index=True)
    return network.with_layers(outlets=gpd.GeoDataFrame(outlets, geometry="geometry",
                                                        crs=network.outlets.crs))
