"""From a problem to a certified answer: reduce, greedy at once, then better with a proof.

Stages, each reported through ``improved`` as soon as it has an answer (the window
shows greedy at once and replaces it): greedy + interchange on the reduced problem;
for ``certified``, the LP relaxation by column generation (:mod:`lp`: its cell prices
prove a bound on the whole problem), a MILP among the LP's support and the picks
(warm-started, stopped once close enough to that bound), and if needed subgradient steps
from the LP's prices; for ``greedy`` and ``exact``, the Lagrangian bound and heuristic,
and for ``exact`` HiGHS on the full reduced candidate set, warm-started with the best
answer so far, until the gap tolerance or the time limit. Certified and exact stages
share ``time_limit``.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reach_planner.geo.siting.bound import Bound, dual_bound, fixings, gap_pct, lagrangian
from reach_planner.geo.siting.exact import solve_milp
from reach_planner.geo.siting.greedy import covered_by, greedy, improve, order_by_gain, solve_greedy
from reach_planner.geo.siting.lp import PricedLP, priced_lp
from reach_planner.geo.siting.problem import Problem, Reduction, column_counts, reduce

Progress = Callable[[int, str], None]
METHODS = ("greedy", "certified", "exact")
TOLERANCE = {"greedy": 5e-4, "certified": 1e-3, "exact": 1e-9}  # relative gap to stop at
BOUND_STEPS = {"greedy": 600, "certified": 600, "exact": 1500}  # subgradient iterations
CERTIFY_STEPS = 100_000  # subgradient iterations from the LP's prices (the deadline stops them first)
MIN_STEP = {"greedy": 1e-4, "certified": 1e-7, "exact": 1e-4}  # subgradient stops below this
LP_SHARE = 0.6  # of certified's time limit, at most, for the LP's column generation


@dataclass(frozen=True)
class Solution:
    picks: list[int]  # indices into the problem, greedy order, every one adds people
    gains: list[float]
    value: float
    bound: float
    status: str  # optimal | within tolerance | heuristic | time limit
    reduction: Reduction
    covers_all: bool  # the picks reach every gap cell any candidate can reach

    @property
    def gap_pct(self) -> float:
        return gap_pct(self.value, self.bound)


def solve(problem: Problem, count: int, method: str = "greedy", time_limit: float = 60.0,
          progress: Progress | None = None,
          improved: Callable[[Solution], None] | None = None) -> Solution:
    """``time_limit`` caps the certified and exact stages (each gets what is left of it);
    greedy, its interchange and the reduction run before and are not interrupted."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    deadline = time.perf_counter() + time_limit
    small, keep, stats = reduce(problem)
    reachable = float(small.people.sum())
    picks = solve_greedy(small, count, progress)
    best = covered_by(small, picks)
    answer = _solution(problem, keep, picks, best, reachable, "heuristic", stats)
    if answer.covers_all or not picks:
        return _proven(answer)
    if improved:
        improved(answer)
    tol = TOLERANCE[method]
    if method == "certified":
        picks, best, bound = _certify(small, count, picks, best, reachable, None,
                                      deadline - time.perf_counter(), tol, progress)
        status = _status(best, bound, tol)
        if status == "heuristic" and time.perf_counter() >= deadline - 1.0:
            status = "time limit"
        return _solution(problem, keep, picks, best, bound, status, stats)
    seen = np.zeros(small.cover.shape[0], dtype=bool)
    lag = lagrangian(small, count, best, BOUND_STEPS[method], tol, progress, MIN_STEP[method],
                     seen=seen)
    bound = min(lag.value, reachable)
    if method != "greedy":
        picks, best = _polish(small, picks, best, lag)
    status = _status(best, bound, tol)
    if method == "exact" and status != "optimal" and gap_pct(best, bound) > 100 * tol:
        if improved:
            improved(_solution(problem, keep, picks, best, bound, "heuristic", stats))
        picks, best, bound, status = _exact(small, count, picks, best, bound, lag,
                                            max(1.0, deadline - time.perf_counter()), tol, progress)
    return _solution(problem, keep, picks, best, bound, status, stats)


def _certify(small: Problem, count: int, picks: list[int], best: float, bound: float,
             seen: np.ndarray | None, time_limit: float, tol: float, progress: Progress | None
             ) -> tuple[list[int], float, float]:
    """The LP relaxation by column generation from the picks (and ``seen``, candidates
    to start the pool with), whose prices prove a bound on the whole problem; then an
    answer rounded from the LP (:func:`_round_lp`); then a MILP among the LP's support
    and the picks (warm-started, so never worse), stopped as
    soon as it is within half the tolerance of that bound; then, if the gap is still
    above the tolerance and time is left, subgradient steps from the LP's prices.
    Each stage gets a share of ``time_limit``."""
    deadline = time.perf_counter() + max(0.0, time_limit)
    if progress:
        progress(40, "LP relaxation")
    start = _start_pool(small, count, picks, seen)
    lp = priced_lp(small, count, start, LP_SHARE * max(0.5, time_limit), tolerance=tol / 20)
    bound = min(bound, lp.bound)
    if gap_pct(best, bound) > 100 * tol / 2:
        rounded = _round_lp(small, count, lp)
        value = covered_by(small, rounded)
        if value > best + 1e-6:
            picks, best = rounded, value
    if gap_pct(best, bound) > 100 * tol / 2:
        if progress:
            progress(75, "exact solver on the LP's candidates")
        rows = np.union1d(lp.support, np.asarray(picks, dtype=np.int64))
        milp = solve_milp(small.subset(rows), count, [int(np.searchsorted(rows, j)) for j in picks],
                          max(0.5, deadline - time.perf_counter()), tol / 4, progress,
                          target=(1 - tol / 2) * bound)
        if milp.value > best + 1e-6:
            picks, best = [int(rows[j]) for j in milp.picks], milp.value
    left = deadline - time.perf_counter()
    if gap_pct(best, bound) > 100 * tol and left > 0.5:
        again = lagrangian(small, count, best, CERTIFY_STEPS, tol / 2, progress, MIN_STEP["certified"],
                           seconds=left, start=lp.prices)  # (until the tolerance, a stall or the deadline)
        bound = min(bound, again.value)
    return picks, best, bound


def _round_lp(small: Problem, count: int, lp: PricedLP) -> list[int]:
    """An answer from the LP: the candidates it takes whole, greedy among the rest of its
    support for what they leave, then interchange over every candidate."""
    whole = lp.support[lp.share >= 1 - 1e-6]
    part = lp.support[lp.share < 1 - 1e-6]
    if len(whole) >= count or not len(part):
        chosen = [int(j) for j in lp.support[np.argsort(-lp.share, kind="stable")][:count]]
        return improve(small, chosen)
    left = small.with_people(np.where(column_counts(small.cover, whole) > 0, 0.0, small.people))
    rest, _gains = greedy(left.subset(part), count - len(whole))
    return improve(small, [int(j) for j in whole] + [int(part[i]) for i in rest])


def _start_pool(small: Problem, count: int, picks: list[int], seen: np.ndarray | None) -> np.ndarray:
    """The picks, ``seen``, and the 2K candidates collecting most when the cells the picks
    reach are free and the rest priced at their people (the picks' best rivals)."""
    reached = column_counts(small.cover, picks) > 0
    _value, collected = dual_bound(small, count, np.where(reached, 0.0, small.people))
    rivals = np.argsort(-collected, kind="stable")[:2 * count]
    extra = np.flatnonzero(seen) if seen is not None else np.zeros(0, dtype=np.int64)
    return np.union1d(np.union1d(np.asarray(picks, dtype=np.int64), rivals), extra)


def _polish(small: Problem, picks: list[int], best: float, lag: Bound) -> tuple[list[int], float]:
    """Interchange from the Lagrangian heuristic's answers; keep whatever covers most."""
    for start in (lag.picks, lag.at_bound):
        better = improve(small, start, max_passes=5) if start else []
        value = covered_by(small, better)
        if value > best + 1e-6:
            picks, best = better, value
    return picks, best


def _exact(small: Problem, count: int, picks: list[int], best: float, bound: float, lag: Bound,
           limit: float, tol: float, progress: Progress | None
           ) -> tuple[list[int], float, float, str]:
    """HiGHS after reduced-cost fixing: the MILP only sees candidates that could beat the
    incumbent (which stays feasible), so its bound holds for them and the incumbent for
    the rest."""
    out, fixed_in = fixings(small, count, lag, best)
    start = np.zeros(len(out), dtype=bool)
    start[picks] = True
    rows = np.flatnonzero(~out | start)
    milp = solve_milp(small.subset(rows), count, [int(np.searchsorted(rows, j)) for j in picks],
                      limit, tol, progress, (fixed_in & start)[rows])
    bound = min(bound, max(milp.bound, best))
    if milp.value > best + 1e-6:
        picks, best = [int(rows[j]) for j in milp.picks], milp.value
    status = "time limit" if milp.status.startswith("time limit") else _status(best, bound, tol)
    return picks, best, bound, status


def _status(value: float, bound: float, tol: float) -> str:
    gap = gap_pct(value, bound)
    if gap <= 1e-7 * 100 or bound - value < 0.5:
        return "optimal"
    return "within tolerance" if gap <= 100 * tol else "heuristic"


def _proven(answer: Solution) -> Solution:
    return Solution(answer.picks, answer.gains, answer.value, answer.value, "optimal",
                    answer.reduction, answer.covers_all)


def _solution(problem: Problem, keep: np.ndarray, picks: list[int], value: float, bound: float,
              status: str, stats: Reduction) -> Solution:
    """Map reduced picks back to the problem's candidates, in greedy order, without padding."""
    original = [int(keep[i]) for i in picks]
    ordered, gains = order_by_gain(problem, original)
    total = float(sum(gains))
    covers_all = total >= float(problem.people.sum()) - 1e-6
    return Solution(ordered, gains, total, max(bound, total), status, stats, covers_all)


def greedy_curve(problem: Problem, count: int) -> list[float]:
    """Newly covered people after 0, 1, …, K greedy picks (nested, so one run gives all)."""
    _picks, gains = greedy(problem, count)
    return [0.0, *np.cumsum(gains).tolist()]
