"""Closing and moving existing outlets, with certified bounds.

Close N: keep M - N of the M outlets so that as many currently covered rural people
as possible stay covered, i.e. the covering problem with the outlets as candidates and
K = M - N. Greedy removal (lazy: closing others only raises an outlet's loss, so a
stale loss is a lower bound) gives the answer; the bound is the larger of two proven
lower bounds on any closure's loss: the N smallest "only I reach them" losses (those
people are lost whichever outlets close, and they never overlap), and the Lagrangian
bound of the covering problem.

Relocate N: close the N cheapest outlets, then place N new ones in the gaps that
opens and the old gaps (greedy + interchange); only moves that pay off are kept, and
the after-figure is re-measured. Its bound: the network after any relocation is a
subset of today's outlets plus N candidate sites, so no relocation gains more than N
candidates could add to today's network (the Lagrangian bound of that problem).
"""
from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from reach_planner.geo.coverage import compute_coverage
from reach_planner.geo.data import load_china
from reach_planner.geo.gaps import find_gaps
from reach_planner.geo.network import OUTLET, make_layer
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.siting.bound import gap_pct, lagrangian
from reach_planner.geo.siting.exact import solve_milp
from reach_planner.geo.siting.problem import (
    Candidates,
    Problem,
    build_problem,
    cell_cover,
    column_counts,
    covered_people,
)
from reach_planner.geo.siting.solve import solve

Progress = Callable[[int, str], None]
EXACT_CLOSE_MAX_OUTLETS = 6000  # HiGHS proves small closures; larger ones keep greedy's bound
EXACT_CLOSE_SECONDS = 3.0


@dataclass(frozen=True, eq=False)
class Closure:
    closed: gpd.GeoDataFrame  # the outlets to close, cheapest first, with their loss
    losses: tuple[float, ...]  # covered rural people lost, outlet by outlet
    lost: int
    lost_bound: int  # proven: every closure of N outlets loses at least this many
    covered_before: int
    covered_after: int

    @property
    def gap_people(self) -> int:
        return max(0, self.lost - self.lost_bound)

    def to_dict(self) -> dict:
        return {"close": len(self.closed), "lost": self.lost, "lost_bound": self.lost_bound,
                "gap_people": self.gap_people, "rural_covered_before": self.covered_before,
                "rural_covered_after": self.covered_after,
                "closed": [{"site_id": r.site_id, "name": r.name, "lon": r.lon, "lat": r.lat,
                            "province": r.province, "loss": int(r.loss)}
                           for r in self.closed.itertuples()]}


@dataclass(frozen=True, eq=False)
class Relocation:
    closure: Closure
    added: gpd.GeoDataFrame  # the new outlets
    gained: int
    net_gain: int
    net_bound: int  # proven: no relocation of N outlets gains more than this
    covered_before: int
    covered_after: int

    @property
    def moved(self) -> int:
        return len(self.added)

    def to_dict(self) -> dict:
        return {"relocate": self.moved, "net_gain": self.net_gain, "net_bound": self.net_bound,
                "gained": self.gained, "lost": self.closure.lost,
                "rural_covered_before": self.covered_before,
                "rural_covered_after": self.covered_after,
                "closed": self.closure.to_dict()["closed"],
                "added": [{"name": r.name, "lon": r.lon, "lat": r.lat, "province": r.province}
                          for r in self.added.itertuples()]}


def _outlet_problem(result: ScenarioResult, radius: float) -> Problem:
    """Existing outlets as candidates, currently covered rural cells as demand."""
    d, o = result.demand, result.network.outlets
    covered = np.flatnonzero((d.rural > 0) & (result.coverage.dist_km <= radius))
    cover = cell_cover(result, o["lon"].to_numpy(float), o["lat"].to_numpy(float), covered, radius)
    return Problem(o["lon"].to_numpy(float), o["lat"].to_numpy(float),
                   o["gb_code"].to_numpy(np.int64), list(o["name"].astype(str)), covered,
                   d.rural[covered].astype(float), cover, radius)


def close(result: ScenarioResult, count: int, radius_km: float | None = None,
          progress: Progress | None = None) -> Closure:
    radius = float(radius_km or result.params.radius_km)
    m = len(result.network.outlets)
    if not 1 <= count <= m:
        raise ValueError(f"can close between 1 and {m:,} outlets, got {count}")
    p = _outlet_problem(result, radius)
    order, losses = _greedy_close(p, count)
    before = covered_people(result, radius)
    lost = float(sum(losses))
    unique = _unique_losses(p, _counts(p, []))
    floor = float(np.sort(unique)[:count].sum())
    kept_value = float(p.people.sum()) - lost
    lag = lagrangian(p, m - count, kept_value, iterations=600, tolerance=1e-12, progress=progress)
    bound = max(floor, float(p.people.sum()) - lag.value, 0.0)
    if lost - bound > 0.5 and m <= EXACT_CLOSE_MAX_OUTLETS:
        order, losses, bound = _exact_close(p, count, order, lost, bound)
        lost = float(sum(losses))
    closed = result.network.outlets.iloc[order].copy()
    closed["loss"] = [round(v) for v in losses]
    return Closure(closed=closed.reset_index(drop=True), losses=tuple(losses), lost=round(lost),
                   lost_bound=round(min(bound, lost)), covered_before=round(before),
                   covered_after=round(before - lost))


def _exact_close(p: Problem, count: int, order: list[int], lost: float, bound: float
                 ) -> tuple[list[int], list[float], float]:
    """HiGHS on "keep M - N outlets", warm-started with the greedy closure: a better
    closure and a proven bound (small networks; the time limit keeps it short)."""
    m = p.cover.shape[0]
    closed = set(order)
    keep = [j for j in range(m) if j not in closed]
    total = float(p.people.sum())
    milp = solve_milp(p, m - count, keep, time_limit=EXACT_CLOSE_SECONDS, gap_tolerance=1e-6)
    bound = max(bound, total - milp.bound)
    if total - milp.value < lost - 1e-6:
        kept = set(milp.picks)
        spare = [j for j in range(m) if j not in kept]
        order = _loss_order(p, spare, count)  # keeping more never hurts: close exactly N
    return order, _losses_in_order(p, order), bound


def _loss_order(p: Problem, pool: list[int], count: int) -> list[int]:
    """Greedy removal restricted to ``pool`` (the outlets the exact model left closed)."""
    return _greedy_close(p, count, pool)[0]


def _losses_in_order(p: Problem, order: list[int]) -> list[float]:
    cover = p.cover
    counts = _counts(p, [])
    losses = []
    for j in order:
        row = cover.indices[cover.indptr[j]:cover.indptr[j + 1]]
        losses.append(float(p.people[row][counts[row] == 1].sum()))
        counts[row] -= 1
    return losses


def _counts(p: Problem, closed: list[int]) -> NDArray[np.int64]:
    """How many open outlets reach each covered cell."""
    count = column_counts(p.cover)
    if closed:
        count -= column_counts(p.cover, closed)
    return count


def _unique_losses(p: Problem, count: NDArray[np.int64]) -> NDArray[np.float64]:
    """Per outlet: people only it reaches (lost if it alone closes)."""
    return p.cover @ (p.people * (count == 1))


def _greedy_close(p: Problem, n: int, pool: list[int] | None = None
                  ) -> tuple[list[int], list[float]]:
    cover = p.cover
    count = _counts(p, [])
    first = _unique_losses(p, count)
    heap = [(float(first[j]), j) for j in (range(len(first)) if pool is None else pool)]
    heapq.heapify(heap)
    closed: list[int] = []
    losses: list[float] = []
    while heap and len(closed) < n:
        _stale, j = heapq.heappop(heap)
        row = cover.indices[cover.indptr[j]:cover.indptr[j + 1]]
        loss = float(p.people[row][count[row] == 1].sum())
        if heap and loss > heap[0][0] + 1e-9:  # stale (too low): re-queue with the true loss
            heapq.heappush(heap, (loss, j))
            continue
        count[row] -= 1
        closed.append(j)
        losses.append(loss)
    return closed, losses


def relocate(result: ScenarioResult, count: int, radius_km: float | None = None,
             progress: Progress | None = None, method: str = "certified") -> Relocation:
    """Close the N cheapest outlets and place N new ones in the gaps that opens and the old
    gaps, with the same solver as *Close the gaps* (``method``): when the closures lose
    nobody the new outlets' problem is exactly the recommendation's, so a relocation is
    never worse than adding N outlets."""
    radius = float(radius_km or result.params.radius_km)
    closure = close(result, count, radius, progress)
    opened = _opened(result, closure, radius)
    new = build_problem(opened, radius)
    sol = solve(new, count, method, progress=progress)
    order, got = [int(j) for j in sol.picks], list(sol.gains)
    losses, gains = np.asarray(closure.losses), np.asarray(got)
    k = min(len(gains), len(losses))
    pay = np.cumsum(gains[:k]) - np.cumsum(losses[:k])
    moves = int(np.argmax(np.concatenate([[0.0], pay])))  # only moves that pay off
    kept = Closure(closure.closed.iloc[:moves].reset_index(drop=True), closure.losses[:moves],
                   round(sum(closure.losses[:moves])), closure.lost_bound if moves == count else 0,
                   closure.covered_before, round(closure.covered_before - sum(closure.losses[:moves])))
    idx = np.asarray(order[:moves], dtype=np.int64)
    added = make_layer(OUTLET, new.cand_lon[idx], new.cand_lat[idx], new.cand_gb[idx],
                       [f"Relocated outlet {i + 1}" for i in range(moves)], _english(),
                       source="recommended", ids=[f"RL{i + 1:05d}" for i in range(moves)])
    after = _covered_with(result, kept, added, radius)  # what a re-run will say
    net_gain = after - closure.covered_before
    bound = _relocation_bound(result, new, radius, count, net_gain)
    return Relocation(closure=kept, added=added, gained=net_gain + kept.lost, net_gain=net_gain,
                      net_bound=max(net_gain, bound), covered_before=closure.covered_before,
                      covered_after=after)


def _english() -> dict[int, str]:
    return {c: en for c, (en, _zh) in load_china().province_names().items()}


def _opened(result: ScenarioResult, closure: Closure, radius: float) -> ScenarioResult:
    """The scenario with the closure's outlets gone (coverage and gaps re-measured)."""
    outlets = result.network.outlets.drop(index=_positions(result, closure))
    net = result.network.with_layers(outlets=gpd.GeoDataFrame(
        outlets.reset_index(drop=True), geometry="geometry", crs=result.network.outlets.crs))
    cov = compute_coverage(result.demand, net, radius, result.params.site_radius_km,
                           result.coverage.distance)
    return ScenarioResult(result.params, net, result.demand, cov, find_gaps(result.demand, cov),
                          result.summary)


def _covered_with(result: ScenarioResult, closure: Closure, added: gpd.GeoDataFrame,
                  radius: float) -> int:
    outlets = result.network.outlets.drop(index=_positions(result, closure))
    both = gpd.GeoDataFrame(pd.concat([outlets, added], ignore_index=True), geometry="geometry",
                            crs=result.network.outlets.crs)
    cov = compute_coverage(result.demand, result.network.with_layers(outlets=both), radius,
                           result.params.site_radius_km, result.coverage.distance)
    return round(float(result.demand.rural[cov.dist_km <= radius].sum()))


def _positions(result: ScenarioResult, closure: Closure) -> pd.Index:
    ids = set(closure.closed["site_id"])
    return result.network.outlets.index[result.network.outlets["site_id"].isin(ids)]


def _relocation_bound(result: ScenarioResult, new: Problem, radius: float, count: int,
                      known: float) -> int:
    """After a relocation the network is a subset of (today's outlets + N sites), so its
    gain is at most what N of the relocation's candidate sites could add to today's network:
    the Lagrangian bound of that covering problem."""
    cands = Candidates(new.cand_lon, new.cand_lat, new.cand_gb, new.cand_label)
    p = build_problem(result, radius, candidates=cands)
    return round(lagrangian(p, count, max(known, 0.0), iterations=600).value)


def describe_closure(c: Closure) -> str:
    if not c.lost:
        return f"closing {len(c.closed):,} outlets loses nobody: others reach all their people"
    return (f"closing {len(c.closed):,} outlets loses {c.lost:,} covered rural people; every "
            f"closure of {len(c.closed):,} loses at least {c.lost_bound:,} (this answer is at "
            f"most {c.gap_people:,} people, {gap_pct(c.lost_bound, c.lost):.2f}%, from the best)")


def describe_relocation(r: Relocation) -> str:
    if not r.moved:
        return "no move pays off: every relocation loses more people than it gains"
    return (f"moving {r.moved:,} outlets gains {r.net_gain:,} covered rural people net "
            f"({r.gained:,} newly covered, {r.closure.lost:,} lost); no relocation of that "
            f"many gains more than {r.net_bound:,}")
