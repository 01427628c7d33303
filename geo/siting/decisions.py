"""Closing and moving existing outlets, with certified bounds.

Close N: keep M - N of the M outlets so that as many currently covered rural people
as possible stay covered, i.e. the covering problem with the outlets as candidates and
K = M - N. Greedy removal (lazy: closing others only raises an outlet's loss, so a
stale loss is a lower bound) gives the answer; the bound is the larger of two proven
lower bounds on any closure's loss: the N smallest "only I reach them" losses (those
people are lost whichever outlets close, and they never overlap), and the Lagrangian
bound of the covering problem.

Relocate N: one model closes and opens up to N outlets together (:mod:`geo.siting.joint`,
HiGHS with a time cap), warm-started from close-then-add and from "the N outlets that
can close losing nobody + Close the gaps' N picks"; the after-figure is re-measured.
Its bound is the smaller of the joint model's (Lagrangian, or HiGHS's dual bound when
the fixed model is exact) and "what N candidates could add to today's network" (after
any relocation the network is a subset of today's outlets plus N candidate sites).
"""
from __future__ import annotations

import heapq
import time
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
from reach_planner.geo.recommend import RecommendParams, recommend
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.siting.bound import gap_pct, lagrangian
from reach_planner.geo.siting.exact import solve_milp
from reach_planner.geo.siting.joint import JointAnswer, JointProblem, Move, solve_joint
from reach_planner.geo.siting.problem import (
    Candidates,
    Problem,
    _columns,
    build_problem,
    cell_cover,
    column_counts,
    covered_people,
)
from reach_planner.geo.siting.solve import solve

Progress = Callable[[int, str], None]
EXACT_CLOSE_MAX_OUTLETS = 6000  # HiGHS proves small closures; larger ones keep greedy's bound
EXACT_CLOSE_SECONDS = 3.0
RELOCATE_SECONDS = 30.0  # time cap of the joint model's solver


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
    net_bound: int  # proven: no relocation of up to N outlets gains more than this
    covered_before: int
    covered_after: int
    status: str = "heuristic"  # optimal | within tolerance | time limit | heuristic
    solve_seconds: float = 0.0
    requested: int = 0  # N: up to this many outlets may move

    @property
    def moved(self) -> int:
        return len(self.added)

    @property
    def value(self) -> int:
        """The net gain in covered rural people (the model's objective less today's)."""
        return self.net_gain

    @property
    def bound(self) -> int:
        return self.net_bound

    @property
    def gap_pct(self) -> float:
        return round(gap_pct(self.net_gain, self.net_bound), 4)

    def to_dict(self) -> dict:
        return {"relocate": self.moved, "net_gain": self.net_gain, "net_bound": self.net_bound,
                "gap_pct": self.gap_pct, "status": self.status,
                "solve_seconds": round(self.solve_seconds, 3), "requested": self.requested,
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
             progress: Progress | None = None, method: str = "certified",
             time_limit: float = RELOCATE_SECONDS) -> Relocation:
    """The best relocation of up to N outlets, closing and opening chosen together (the
    joint model of :mod:`geo.siting.joint`), warm-started from the better of
    close-then-add and, when N outlets can close losing nobody, that closure plus
    *Close the gaps*' own N picks (``method``): so it is never worse than adding N."""
    t0 = time.perf_counter()
    radius = float(radius_km or result.params.radius_km)
    closure = close(result, count, radius, progress)
    new = build_problem(_opened(result, closure, radius), radius)
    sol = solve(new, count, method, progress=progress)
    lon, lat, gb = new.cand_lon, new.cand_lat, new.cand_gb
    add_bound = None
    extra: list[int] = []
    if closure.lost == 0:  # the recommendation's picks, with that closure, are a relocation
        rec = recommend(result, RecommendParams(count=count, radius_km=radius, method=method),
                        progress)
        extra = list(range(len(lon), len(lon) + len(rec.sites)))
        lon = np.concatenate([lon, rec.sites["lon"].to_numpy(float)])
        lat = np.concatenate([lat, rec.sites["lat"].to_numpy(float)])
        gb = np.concatenate([gb, rec.sites["gb_code"].to_numpy(np.int64)])
        if not any(closure.losses):  # today's gaps exactly, so the same candidates:
            add_bound = rec.bound  # no relocation gains more than adding N
    jp = joint_problem(result, lon, lat, radius)
    shut = [int(j) for j in _positions_order(result, closure)]
    starts = [Move([], [], jp.value([], []))]
    for opened, closed in ((list(sol.picks), shut[:len(sol.picks)]), (extra, shut[:len(extra)])):
        if opened:
            starts.append(Move(opened, closed, jp.value(opened, closed)))
    ans = solve_joint(jp, count, starts, time_limit, progress)
    if add_bound is None:
        cands = Candidates(lon, lat, gb, [""] * len(lon))
        add_bound = float(lagrangian(build_problem(result, radius, candidates=cands), count,
                                     max(ans.move.value - jp.value([], []), 0.0),
                                     iterations=600).value)
    return _relocation(result, closure, ans, lon, lat, gb, radius,
                       min(ans.bound - jp.value([], []), add_bound), time.perf_counter() - t0)


def joint_problem(result: ScenarioResult, lon: NDArray[np.float64], lat: NDArray[np.float64],
                  radius: float) -> JointProblem:
    """Every rural cell, today's outlets and the candidate sites, reach in the scenario's
    distance (so the model's after-figure is a re-run's); cells nobody reaches go."""
    d, o = result.demand, result.network.outlets
    cells = np.flatnonzero(d.rural > 0)
    a = cell_cover(result, lon, lat, cells, radius)
    b = cell_cover(result, o["lon"].to_numpy(float), o["lat"].to_numpy(float), cells, radius)
    reached = np.flatnonzero((column_counts(a) > 0) | (column_counts(b) > 0))
    return JointProblem(d.rural[cells[reached]].astype(float), _columns(a, reached),
                        _columns(b, reached))


def _positions_order(result: ScenarioResult, closure: Closure) -> list[int]:
    """The closure's outlets as row positions of the network's outlets, cheapest first."""
    where = {sid: i for i, sid in enumerate(result.network.outlets["site_id"])}
    return [where[sid] for sid in closure.closed["site_id"]]


def _relocation(result: ScenarioResult, closure: Closure, ans: JointAnswer,
                lon: NDArray[np.float64], lat: NDArray[np.float64], gb: NDArray[np.int64],
                radius: float, net_bound: float, seconds: float) -> Relocation:
    """The joint answer as closed and added outlets, its after-figure re-measured."""
    o = result.network.outlets
    closed_pos = list(ans.move.closed)
    p = _outlet_problem(result, radius)
    order = _greedy_close(p, len(closed_pos), closed_pos)[0] if closed_pos else []
    losses = _losses_in_order(p, order)
    closed = o.iloc[order].copy()
    closed["loss"] = [round(v) for v in losses]
    lost = round(sum(losses))
    moves = len(order)
    kept = Closure(closed.reset_index(drop=True), tuple(losses), lost,
                   closure.lost_bound if moves == len(closure.closed) else 0,
                   closure.covered_before, closure.covered_before - lost)
    idx = np.asarray(ans.move.opened, dtype=np.int64)
    added = make_layer(OUTLET, lon[idx], lat[idx], gb[idx],
                       [f"Relocated outlet {i + 1}" for i in range(len(idx))], _english(),
                       source="recommended", ids=[f"RL{i + 1:05d}" for i in range(len(idx))])
    after = _covered_with(result, kept, added, radius)  # what a re-run will say
    net_gain = round(after - covered_people(result, radius))  # rounded once, as recommend does
    return Relocation(closure=kept, added=added, gained=net_gain + kept.lost, net_gain=net_gain,
                      net_bound=max(net_gain, round(net_bound)), covered_before=closure.covered_before,
                      covered_after=round(after), status=ans.status, solve_seconds=seconds,
                      requested=len(closure.closed))


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
                  radius: float) -> float:
    outlets = result.network.outlets.drop(index=_positions(result, closure))
    both = gpd.GeoDataFrame(pd.concat([outlets, added], ignore_index=True), geometry="geometry",
                            crs=result.network.outlets.crs)
    cov = compute_coverage(result.demand, result.network.with_layers(outlets=both), radius,
                           result.params.site_radius_km, result.coverage.distance)
    return float(result.demand.rural[cov.dist_km <= radius].sum())


def _positions(result: ScenarioResult, closure: Closure) -> pd.Index:
    ids = set(closure.closed["site_id"])
    return result.network.outlets.index[result.network.outlets["site_id"].isin(ids)]


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
            f"({r.gained:,} newly covered, {r.closure.lost:,} lost); no relocation of up to "
            f"{r.requested:,} gains more than {r.net_bound:,} (gap {r.gap_pct:.2f}%, {r.status}, "
            f"{r.solve_seconds:.1f} s)")
