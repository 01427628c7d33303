"""A proven upper bound on the people K new outlets can cover (Lagrangian relaxation).

Relax "a cell counts only if a chosen candidate reaches it" with a price per cell
(0 <= price <= people). For any prices, the best possible coverage is at most

    sum over cells of (people - price)  +  the K largest "price collected" by a candidate,

(the relaxed problem separates: cells keep what exceeds their price, candidates
collect the prices of the cells they reach). Subgradient steps lower it towards the
LP bound, which is tight for this model. Each step's K best candidates are also a
feasible answer (the Lagrangian heuristic), kept when better than what we have.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.siting.greedy import covered_by
from reach_planner.geo.siting.problem import Problem, RowSums, column_counts

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Bound:
    value: float  # nobody can cover more than this with K new outlets
    picks: list[int]  # the best Lagrangian-heuristic answer seen
    picks_value: float
    iterations: int
    at_bound: list[int]  # the K best candidates at the prices that gave the bound
    prices: NDArray[np.float64] | None = None  # the prices that gave the bound


def top_k(values: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    if k >= len(values):
        return np.arange(len(values))
    return np.argpartition(-values, k - 1)[:k]


def trivial_bound(problem: Problem, count: int) -> float:
    """Everyone some candidate reaches, or the K best candidates' own totals: the smaller."""
    alone = problem.cover @ problem.people
    return float(min(problem.people.sum(), alone[top_k(alone, count)].sum()))


def dual_bound(problem: Problem, count: int, prices: NDArray[np.float64]
               ) -> tuple[float, NDArray[np.float64]]:
    """The relaxation above at one set of prices (clipped to [0, people], where it is valid),
    and what each candidate collects. Any prices give a proven bound: an LP's duals, a
    subgradient step's, or a stopped solver's."""
    w = problem.people
    price = np.clip(np.asarray(prices, dtype=np.float64), 0.0, w)
    collected = problem.cover.astype(np.float64) @ price
    if count >= len(collected):
        return float(w.sum()), collected
    top = top_k(collected, count)
    return float(np.maximum(0.0, w - price).sum() + collected[top].sum()), collected


def lagrangian(problem: Problem, count: int, lower: float, iterations: int = 1000,
               tolerance: float = 5e-4, progress: Progress | None = None,
               min_step: float = 1e-4, seconds: float = 60.0,
               need: NDArray[np.float64] | None = None, start: NDArray[np.float64] | None = None,
               seen: NDArray[np.bool_] | None = None) -> Bound:
    """Subgradient descent on the prices (Polyak steps aimed at ``lower``, the best answer
    known). Stops when the bound is within ``tolerance`` of the best answer, when the
    steps become tiny, or after ``iterations`` (deterministic; ``seconds`` is only a cap
    for a very slow machine).

    ``need``: how many picks must reach each cell before its people count (backup
    coverage: 2 where no outlet reaches a cell yet). The relaxation then reads
    sum of (people - need x price) + the K largest collections, valid for any prices in
    [0, people / need]; the Lagrangian-heuristic answers are skipped (they count a cell
    reached once). ``start``: first prices (e.g. an LP's duals); ``seen`` (one flag per
    candidate) is set for every candidate among some step's K best collectors."""
    cover = problem.cover
    w = problem.people
    heuristic = need is None
    k_need = np.ones_like(w) if need is None else np.asarray(need, dtype=np.float64)
    n, m = cover.shape
    best = trivial_bound(problem, count)
    if n == 0 or count >= n:
        every = list(range(n))
        got = float(w[column_counts(cover, every) >= k_need].sum()) if n else 0.0
        return Bound(got, every, got, 0, every)
    price = 0.3 * w / k_need if start is None else np.clip(start, 0.0, w / k_need)
    theta, stall, it = 1.0, 0, 0
    picks: list[int] = []
    at_bound: list[int] = []
    picks_value = -1.0
    best_prices: NDArray[np.float64] | None = None
    history = [best]
    t0 = time.perf_counter()
    collect = RowSums(cover)  # prices move in few cells per step: re-sum only their rows
    while theta > min_step and it < iterations and time.perf_counter() - t0 < seconds:
        it += 1
        collected = collect(price)
        top = top_k(collected, count)
        if seen is not None:
            seen[top] = True  # every candidate some step's K best hold: the LP's pool
        value = float(np.maximum(0.0, w - k_need * price).sum() + collected[top].sum())
        if value < best - 1e-9:
            best, stall, at_bound, best_prices = value, 0, [int(i) for i in top], price.copy()
        else:
            stall += 1
            if stall >= 30:
                theta, stall = theta / 2, 0
        history.append(best)
        if heuristic and it % 5 == 1:
            got = covered_by(problem, list(top))
            if got > picks_value:
                picks, picks_value = [int(i) for i in top], got
        known = max(lower, picks_value)
        if best - known <= tolerance * best or _stalled(history):
            break
        reached = column_counts(cover, top).astype(np.float64)
        direction = reached - k_need * (w > k_need * price)  # d value / d price
        norm = float((direction * direction).sum())  # not `@`: BLAS threads spin on a busy machine
        if norm == 0:
            break
        price -= theta * (value - known) / norm * direction
        np.clip(price, 0.0, w / k_need, out=price)
        if progress and it % 100 == 0:
            progress(min(95, int(100 * it / iterations)), f"bound {best:,.0f}")
    return Bound(best, picks, max(picks_value, 0.0), it, at_bound, best_prices)


def fixings(problem: Problem, count: int, bound: Bound, incumbent: float
            ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Candidates that cannot be in (out of) any answer better than ``incumbent``.

    At the bound's prices, forcing candidate j in swaps it for the K-th best collector and
    lowers the bound by (K-th collected - j's collected); if that drops it below the
    incumbent, j is out of every better answer. Forcing a top-K candidate out works the
    same way with the (K+1)-th. Lagrangian reduced-cost fixing: the exact model shrinks."""
    n = problem.cover.shape[0]
    out, fixed_in = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if bound.prices is None or count >= n:
        return out, fixed_in
    collected = problem.cover @ bound.prices
    ordered = np.sort(collected)[::-1]
    kth, next_one = ordered[count - 1], ordered[count]
    top = np.zeros(n, dtype=bool)
    top[bound.at_bound] = True
    slack = bound.value - incumbent
    out[~top] = (kth - collected[~top]) > slack + 1e-6
    fixed_in[top] = (collected[top] - next_one) > slack + 1e-6
    return out, fixed_in


STALL_WINDOW = 200
STALL_RELATIVE = 2e-6


def _stalled(history: list[float]) -> bool:
    """The bound has improved by less than 2 parts per million over the last 200 steps."""
    if len(history) <= STALL_WINDOW:
        return False
    old, now = history[-STALL_WINDOW - 1], history[-1]
    return old - now <= STALL_RELATIVE * now


def gap_pct(value: float, bound: float) -> float:
    """How far below the proven bound an answer is, in percent of the bound."""
    if bound <= 0:
        return 0.0
    return max(0.0, 100.0 * (bound - value) / bound)
