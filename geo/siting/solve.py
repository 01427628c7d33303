"""From a problem to a certified answer: reduce, greedy at once, then better with a proof.

Stages, each reported through ``improved`` as soon as it has an answer (the window
shows greedy at once and replaces it): greedy + interchange on the reduced problem;
the Lagrangian bound and heuristic; for ``certified``, the LP relaxation over the
candidates the Lagrangian steps held (HiGHS), a MILP among the LP's support
(warm-started) and the Lagrangian bound restarted from the LP's prices; for ``exact``,
HiGHS on the full reduced candidate set, warm-started with the best answer so far,
until the gap tolerance or the time limit.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reach_planner.geo.siting.bound import Bound, fixings, gap_pct, lagrangian
from reach_planner.geo.siting.exact import solve_milp
from reach_planner.geo.siting.greedy import covered_by, greedy, improve, order_by_gain, solve_greedy
from reach_planner.geo.siting.lp import pool_lp
from reach_planner.geo.siting.problem import Problem, Reduction, reduce

Progress = Callable[[int, str], None]
METHODS = ("greedy", "certified", "exact")
TOLERANCE = {"greedy": 5e-4, "certified": 1e-3, "exact": 1e-9}  # relative gap to stop at
BOUND_STEPS = {"greedy": 600, "certified": 600, "exact": 1500}  # subgradient iterations
CERTIFY_STEPS = 800  # subgradient iterations from the LP's prices
MIN_STEP = {"greedy": 1e-4, "certified": 1e-7, "exact": 1e-4}  # subgradient stops below this
CERTIFIED_MILP_SECONDS = 8.0


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
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
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
    seen = np.zeros(small.cover.shape[0], dtype=bool)
    lag = lagrangian(small, count, best, BOUND_STEPS[method], tol, progress, MIN_STEP[method],
                     seen=seen)
    bound = min(lag.value, reachable)
    if method != "greedy":
        picks, best = _polish(small, picks, best, lag)
    if method == "certified" and gap_pct(best, bound) > 100 * tol:
        if improved:
            improved(_solution(problem, keep, picks, best, bound, "heuristic", stats))
        picks, best, bound = _certify(small, count, picks, best, bound, seen, time_limit, tol,
                                      progress)
    status = _status(best, bound, tol)
    if method == "exact" and status != "optimal" and gap_pct(best, bound) > 100 * tol:
        if improved:
            improved(_solution(problem, keep, picks, best, bound, "heuristic", stats))
        limit = time_limit if method == "exact" else min(time_limit, CERTIFIED_MILP_SECONDS)
        picks, best, bound, status = _exact(small, count, picks, best, bound, lag, limit, tol,
                                            progress)
    return _solution(problem, keep, picks, best, bound, status, stats)


def _certify(small: Problem, count: int, picks: list[int], best: float, bound: float,
             seen: np.ndarray, time_limit: float, tol: float, progress: Progress | None
             ) -> tuple[list[int], float, float]:
    """The LP over the candidates the Lagrangian steps held (plus the picks), then a MILP
    among the LP's support and the picks (warm-started, so never worse), then the
    Lagrangian bound again from the LP's prices: near the LP bound in a few hundred steps.
    The bound is evaluated on the whole problem, so it holds."""
    seen[picks] = True
    if progress:
        progress(60, "LP relaxation")
    lp = pool_lp(small, count, np.flatnonzero(seen), seconds=time_limit)
    rows = np.union1d(lp.support, np.asarray(picks, dtype=np.int64))
    if progress:
        progress(75, "exact solver on the LP's candidates")
    milp = solve_milp(small.subset(rows), count, [int(np.searchsorted(rows, j)) for j in picks],
                      min(time_limit, CERTIFIED_MILP_SECONDS), tol / 4, progress)
    if milp.value > best + 1e-6:
        picks, best = [int(rows[j]) for j in milp.picks], milp.value
    again = lagrangian(small, count, best, CERTIFY_STEPS, tol / 2, progress, MIN_STEP["certified"],
                       start=lp.prices)
    return picks, best, min(bound, again.value)


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
