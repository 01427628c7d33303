"""Where should the next K outlets go? A maximal-covering location problem (MCLP).

Demand: the rural people in cells beyond the service radius of every outlet (the gap
cells). Candidates: every gap-cell centre plus every GeoNames town lying in a gap
cell. A candidate covers the gap cells within the service radius of it (great-circle,
the same rule as :mod:`geo.coverage`), so "after" figures equal a re-run of the
scenario with the new outlets (tested).

Solvers:
- :func:`greedy` — lazy greedy (CELF): marginal gains only shrink as outlets are
  added (coverage is submodular), so a stale gain is an upper bound and most
  candidates are never re-evaluated. The coverage sets come from a KD-tree on the
  unit sphere as a sparse matrix; national scale, K up to a few thousand.
  :func:`improve` then tries swapping each pick for a better candidate (interchange),
  and for small K :func:`solve_greedy` also restarts from the 15 best single sites;
  together they close the small gap plain greedy leaves on hard instances.
- :func:`exact` — the MCLP integer programme through PySAL spopt (pulp/CBC), for
  small instances (a province, K <= 50) to show how close greedy is. Candidates are
  first pruned to the 600 that cover the most people on their own (:func:`prune`).
"""
from __future__ import annotations

import heapq
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import sparse
from scipy.spatial import cKDTree

from reach_planner.geo.data import load_china
from reach_planner.geo.network import OUTLET, Network, make_layer
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.sphere import km_to_chord, to_xyz

MAX_COUNT = 5000
EXACT_MAX_CANDIDATES = 600
EXACT_MAX_COUNT = 50


@dataclass(frozen=True)
class RecommendParams:
    count: int = 100
    radius_km: float | None = None  # None: the scenario's service radius
    province: int | None = None  # GB code to restrict candidates and demand to
    method: str = "greedy"  # or "exact"

    def __post_init__(self) -> None:
        if not 1 <= int(self.count) <= MAX_COUNT:
            raise ValueError(f"count must be between 1 and {MAX_COUNT:,}, got {self.count}")
        if self.radius_km is not None and not 0.1 <= self.radius_km <= 1000:
            raise ValueError(f"radius_km must be between 0.1 and 1000, got {self.radius_km}")
        if self.method not in ("greedy", "exact"):
            raise ValueError(f"method must be greedy or exact, got {self.method!r}")


@dataclass(frozen=True, eq=False)
class Problem:
    """Candidates (lon/lat/province/label), demand cells (grid index, people), and
    the sparse candidate x demand coverage matrix."""

    cand_lon: NDArray[np.float64]
    cand_lat: NDArray[np.float64]
    cand_gb: NDArray[np.int64]
    cand_label: list[str]
    cells: NDArray[np.int64]
    people: NDArray[np.float64]
    cover: sparse.csr_matrix
    radius_km: float


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

    @property
    def pct_before(self) -> float:
        return round(100 * self.covered_before / self.rural_population, 2)

    @property
    def pct_after(self) -> float:
        return round(100 * self.covered_after / self.rural_population, 2)

    def to_dict(self) -> dict:
        return {
            "method": self.method, "radius_km": self.radius_km, "count": len(self.sites),
            "newly_covered": self.newly_covered, "rural_covered_before": self.covered_before,
            "rural_covered_after": self.covered_after,
            "rural_covered_pct_before": self.pct_before,
            "rural_covered_pct_after": self.pct_after,
            "target_pct": self.target_pct, "target_reached": self.reached,
            "solve_seconds": round(self.solve_seconds, 3),
            "by_province": self.by_province.to_dict(orient="records"),
            "outlets": [{"name": r.name, "lon": r.lon, "lat": r.lat, "province": r.province,
                         "gain": round(g)} for r, g in zip(self.sites.itertuples(), self.gains)],
        }


# -- the problem -----------------------------------------------------------------------
def build_problem(result: ScenarioResult, radius_km: float | None = None,
                  province: int | None = None) -> Problem:
    radius = float(radius_km or result.params.radius_km)
    g, d = result.demand.grid, result.demand
    uncovered = (d.rural > 0) & (result.coverage.dist_outlet_km > radius)
    if province is not None:
        uncovered &= g.gb_code == province
    cells = np.flatnonzero(uncovered)
    c_lon, c_lat, c_gb, labels = _candidates(result, cells)
    if len(cells) == 0 or len(c_lon) == 0:
        empty = sparse.csr_matrix((len(c_lon), len(cells)))
        return Problem(c_lon, c_lat, c_gb, labels, cells, d.rural[cells], empty, radius)
    cand_tree = cKDTree(to_xyz(c_lon, c_lat))
    cell_tree = cKDTree(to_xyz(g.lon[cells], g.lat[cells]))
    m = cand_tree.sparse_distance_matrix(cell_tree, km_to_chord(radius), output_type="coo_matrix")
    cover = sparse.csr_matrix((np.ones(m.nnz, dtype=bool), (m.row, m.col)),
                              shape=(len(c_lon), len(cells)))
    return Problem(c_lon, c_lat, c_gb, labels, cells, d.rural[cells].astype(float), cover, radius)


def _candidates(result: ScenarioResult, cells: NDArray[np.int64]):
    """Gap-cell centres, plus GeoNames towns whose nearest cell is one of those cells."""
    g = result.demand.grid
    lon, lat, gb = g.lon[cells], g.lat[cells], g.gb_code[cells]
    labels = [""] * len(cells)
    places = load_china().places
    if len(cells):
        tree = cKDTree(to_xyz(g.lon, g.lat))
        _, nearest = tree.query(to_xyz(places["lon"].to_numpy(), places["lat"].to_numpy()))
        in_gap = np.isin(nearest, cells)
        towns = places[in_gap]
        lon = np.concatenate([lon, towns["lon"].to_numpy(float)])
        lat = np.concatenate([lat, towns["lat"].to_numpy(float)])
        gb = np.concatenate([gb, towns["gb_code"].to_numpy(np.int64)])
        labels += list(towns["name"].astype(str))
    return lon, lat, gb, labels


# -- solvers ---------------------------------------------------------------------------
def greedy(problem: Problem, count: int, stop_at: float | None = None,
           progress: Callable[[int, str], None] | None = None) -> tuple[list[int], list[float]]:
    """Lazy greedy (CELF). ``stop_at``: stop once this many people are newly covered."""
    cover = problem.cover.tocsr()
    w = problem.people
    gains = cover @ w
    heap = [(-g, i) for i, g in enumerate(gains) if g > 0]
    heapq.heapify(heap)
    done = np.zeros(len(w), dtype=bool)
    picks: list[int] = []
    got: list[float] = []
    total = 0.0
    while heap and len(picks) < count and (stop_at is None or total < stop_at):
        neg, i = heapq.heappop(heap)
        row = cover.indices[cover.indptr[i]:cover.indptr[i + 1]]
        fresh = row[~done[row]]
        gain = float(w[fresh].sum())
        if gain <= 0:
            continue
        if heap and gain < -heap[0][0] - 1e-9:  # stale: re-queue with the true gain
            heapq.heappush(heap, (-gain, i))
            continue
        done[fresh] = True
        picks.append(i)
        got.append(gain)
        total += gain
        if progress and len(picks) % 50 == 0:
            progress(min(99, int(100 * len(picks) / count)), f"{len(picks)} outlets placed")
    return picks, got


def exact(problem: Problem, count: int) -> tuple[list[int], list[float]]:
    """Optimal MCLP by PySAL spopt with CBC (dense matrices: small instances only)."""
    import pulp
    from spopt.locate import MCLP

    n_cand, n_dem = problem.cover.shape
    if count > EXACT_MAX_COUNT or n_cand > EXACT_MAX_CANDIDATES:
        raise ValueError(f"the exact solver takes at most {EXACT_MAX_COUNT} outlets and "
                         f"{EXACT_MAX_CANDIDATES} candidates (got {count} and {n_cand:,}); "
                         "restrict it to a province or use greedy")
    if n_cand == 0 or n_dem == 0:
        return [], []
    # spopt wants demand x facility costs; covered pairs cost 0, others 2 (radius 1).
    cost = np.where(problem.cover.T.toarray(), 0.0, 2.0)
    with warnings.catch_warnings():  # pulp 3.x announces its 4.0 API on every variable
        warnings.simplefilter("ignore", DeprecationWarning)
        model = MCLP.from_cost_matrix(cost, problem.people, service_radius=1.0,
                                      p_facilities=min(count, n_cand), name="reach-mclp")
        model.solve(pulp.PULP_CBC_CMD(msg=False))
    chosen = [j for j in range(n_cand) if model.fac_vars[j].value() > 0.5]
    return _order_by_gain(problem, chosen)


def _order_by_gain(problem: Problem, chosen: list[int]) -> tuple[list[int], list[float]]:
    """Report a chosen set in greedy order so marginal gains read the same way."""
    if not chosen:
        return [], []
    sub = Problem(problem.cand_lon, problem.cand_lat, problem.cand_gb, problem.cand_label,
                  problem.cells, problem.people, problem.cover[chosen], problem.radius_km)
    order, gains = greedy(sub, len(chosen))
    rest = [chosen[i] for i in range(len(chosen)) if i not in set(order)]
    return [chosen[i] for i in order] + rest, gains + [0.0] * len(rest)


RESTARTS = 15
RESTART_MAX_COUNT = 50
RESTART_MAX_CANDIDATES = 6000  # restarts are for province-sized instances


def solve_greedy(problem: Problem, count: int,
                 progress: Callable[[int, str], None] | None = None) -> list[int]:
    """Lazy greedy + interchange. For small instances (a province), also restart from each of the
    15 best single sites as forced first pick and keep the best: cheap there, and it
    moves the answer out of the local optima plain greedy can get stuck in."""
    best = improve(problem, greedy(problem, count, progress=progress)[0])
    if count > RESTART_MAX_COUNT or count < 2 or problem.cover.shape[0] > RESTART_MAX_CANDIDATES:
        return best
    best_value = covered_by(problem, best)
    alone = problem.cover @ problem.people
    for first in np.argsort(-alone, kind="stable")[:RESTARTS]:
        picks = improve(problem, _greedy_from(problem, int(first), count))
        value = covered_by(problem, picks)
        if value > best_value + 1e-6:
            best, best_value = picks, value
    return best


def _greedy_from(problem: Problem, first: int, count: int) -> list[int]:
    row = problem.cover.indices[problem.cover.indptr[first]:problem.cover.indptr[first + 1]]
    people = problem.people.copy()
    people[row] = 0.0
    rest = Problem(problem.cand_lon, problem.cand_lat, problem.cand_gb, problem.cand_label,
                   problem.cells, people, problem.cover, problem.radius_km)
    return [first] + [i for i in greedy(rest, count - 1)[0] if i != first]


def improve(problem: Problem, picks: list[int], max_passes: int = 2) -> list[int]:
    """Interchange (Teitz-Bart) after greedy: swap a pick for the candidate that adds
    the most people without it, while that helps. One sparse product per pick."""
    cover = problem.cover.tocsr()
    w = problem.people
    picks = list(picks)
    count = np.asarray(cover[picks].sum(axis=0)).ravel() if picks else np.zeros(len(w))
    chosen = np.zeros(cover.shape[0], dtype=bool)
    chosen[picks] = True
    for _ in range(max_passes):
        swapped = False
        for k, i in enumerate(picks):
            row = cover.indices[cover.indptr[i]:cover.indptr[i + 1]]
            own = float(w[row][count[row] == 1].sum())
            count[row] -= 1
            gains = cover @ (w * (count == 0))
            gains[chosen] = -1.0
            j = int(np.argmax(gains))
            if gains[j] > own + 1e-6:
                rj = cover.indices[cover.indptr[j]:cover.indptr[j + 1]]
                count[rj] += 1
                chosen[i], chosen[j] = False, True
                picks[k] = j
                swapped = True
            else:
                count[row] += 1
        if not swapped:
            break
    return picks


def prune(problem: Problem, keep: int) -> Problem:
    """Keep the ``keep`` candidates that cover the most people on their own, and the
    demand they can reach: how an exact model stays small enough for CBC."""
    alone = problem.cover @ problem.people
    top = np.sort(np.argsort(-alone, kind="stable")[:keep])
    sub = problem.cover[top]
    reach = np.flatnonzero(np.asarray(sub.sum(axis=0)).ravel() > 0)
    return Problem(problem.cand_lon[top], problem.cand_lat[top], problem.cand_gb[top],
                   [problem.cand_label[i] for i in top], problem.cells[reach],
                   problem.people[reach], sub[:, reach].tocsr(), problem.radius_km)


def covered_by(problem: Problem, picks: list[int]) -> float:
    """People newly covered by a set of candidates (for checks and brute force)."""
    if not picks:
        return 0.0
    hit = np.asarray(problem.cover[picks].sum(axis=0)).ravel() > 0
    return float(problem.people[hit].sum())


# -- answers ---------------------------------------------------------------------------
def recommend(result: ScenarioResult, params: RecommendParams,
              progress: Callable[[int, str], None] | None = None) -> Recommendation:
    t0 = time.perf_counter()
    problem = build_problem(result, params.radius_km, params.province)
    if params.method == "exact":
        if params.count > EXACT_MAX_COUNT:
            raise ValueError(f"the exact solver takes at most {EXACT_MAX_COUNT} outlets; "
                             "use greedy for more")
        problem = prune(problem, EXACT_MAX_CANDIDATES)
        picks, gains = exact(problem, params.count)
    else:
        picks, gains = _order_by_gain(problem, solve_greedy(problem, params.count, progress))
    return _recommendation(result, problem, picks, gains, time.perf_counter() - t0,
                           params.method)


def min_outlets_for_target(result: ScenarioResult, target_pct: float,
                           radius_km: float | None = None, max_count: int = MAX_COUNT,
                           progress: Callable[[int, str], None] | None = None
                           ) -> Recommendation:
    """The fewest new outlets (greedy) that lift national rural coverage to the target."""
    if not 0 < target_pct <= 100:
        raise ValueError(f"target must be a percentage above 0 and at most 100, got {target_pct}")
    t0 = time.perf_counter()
    radius = float(radius_km or result.params.radius_km)
    rural = float(result.demand.rural.sum())
    before = float(result.demand.rural[result.coverage.dist_outlet_km <= radius].sum())
    need = target_pct / 100 * rural - before
    problem = build_problem(result, radius)
    picks, gains = ([], []) if need <= 0 else greedy(problem, max_count, stop_at=need,
                                                      progress=progress)
    rec = _recommendation(result, problem, picks, gains, time.perf_counter() - t0, "greedy")
    reached = rec.covered_after >= target_pct / 100 * rural - 0.5
    return Recommendation(**{**rec.__dict__, "target_pct": float(target_pct), "reached": reached})


def _recommendation(result: ScenarioResult, problem: Problem, picks: list[int],
                    gains: list[float], seconds: float, method: str) -> Recommendation:
    names = load_china().province_names()
    prov_en = {c: en for c, (en, _zh) in names.items()}
    idx = np.asarray(picks, dtype=np.int64)
    labels = [f"Recommended outlet {k + 1}" + (f" (near {problem.cand_label[i]})"
                                               if problem.cand_label[i] else "")
              for k, i in enumerate(picks)]
    sites = make_layer(OUTLET, problem.cand_lon[idx], problem.cand_lat[idx], problem.cand_gb[idx],
                       labels, prov_en, source="recommended",
                       ids=[f"RO{k + 1:05d}" for k in range(len(picks))])
    radius = problem.radius_km
    rural = float(result.demand.rural.sum())
    before = float(result.demand.rural[result.coverage.dist_outlet_km <= radius].sum())
    new = float(sum(gains))
    frame = pd.DataFrame({"gb_code": problem.cand_gb[idx], "gain": gains}) if picks else \
        pd.DataFrame({"gb_code": pd.Series(dtype=np.int64), "gain": pd.Series(dtype=float)})
    by = frame.groupby("gb_code").agg(outlets=("gain", "size"), newly_covered=("gain", "sum"))
    by = by.reset_index().sort_values("newly_covered", ascending=False)
    by.insert(1, "province", [names[int(c)][0] for c in by["gb_code"]])
    by.insert(2, "province_zh", [names[int(c)][1] for c in by["gb_code"]])
    by["newly_covered"] = by["newly_covered"].round().astype(np.int64)
    return Recommendation(sites=sites, gains=tuple(gains), newly_covered=round(new),
                          covered_before=round(before), covered_after=round(before + new),
                          rural_population=round(rural), by_province=by.reset_index(drop=True),
                          solve_seconds=seconds, method=method, radius_km=radius)


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
