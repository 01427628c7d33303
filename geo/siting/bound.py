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
from reach_planner.geo.siting.problem import Problem

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Bound:
    value: float  # nobody can cover more than this with K new outlets
    picks: list[int]  # the best Lagrangian-heuristic answer seen
    picks_value: float
    iterations: int


def top_k(values: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    if k >= len(values):
        return np.arange(len(values))
    return np.argpartition(-values, k - 1)[:k]


def trivial_bound(problem: Problem, count: int) -> float:
    """Everyone some candidate reaches, or the K best candidates' own totals: the smaller."""
    alone = problem.cover @ problem.people
    return float(min(problem.people.sum(), alone[top_k(alone, count)].sum()))


def lagrangian(problem: Problem, count: int, lower: float, seconds: float = 2.0,
               tolerance: float = 5e-4, progress: Progress | None = None) -> Bound:
    """Subgradient descent on the prices (Polyak steps aimed at ``lower``, the best answer
    known). Stops when the bound is within ``tolerance`` of the best answer, when the
    steps become tiny, or after ``seconds``."""
    cover = problem.cover.tocsr().astype(np.float64)
    cover_t = cover.T.tocsr()
    w = problem.people
    n = cover.shape[0]
    best = trivial_bound(problem, count)
    if n == 0 or count >= n:
        return Bound(best, list(range(n)), covered_by(problem, list(range(n))), 0)
    price = 0.3 * w
    theta, stall, it = 1.0, 0, 0
    picks: list[int] = []
    picks_value = -1.0
    start = time.perf_counter()
    while theta > 1e-7 and time.perf_counter() - start < seconds:
        it += 1
        collected = cover @ price
        top = top_k(collected, count)
        value = float(np.maximum(0.0, w - price).sum() + collected[top].sum())
        if value < best - 1e-9:
            best, stall = value, 0
        else:
            stall += 1
            if stall >= 30:
                theta, stall = theta / 2, 0
        if it % 5 == 1:
            got = covered_by(problem, list(top))
            if got > picks_value:
                picks, picks_value = [int(i) for i in top], got
        known = max(lower, picks_value)
        if best - known <= tolerance * best:
            break
        x = np.zeros(n)
        x[top] = 1.0
        direction = cover_t @ x - (w > price)  # d value / d price
        norm = float(direction @ direction)
        if norm == 0:
            break
        price = np.clip(price - theta * (value - known) / norm * direction, 0.0, w)
        if progress and it % 100 == 0:
            progress(min(95, int(100 * (time.perf_counter() - start) / seconds)),
                     f"bound {best:,.0f}")
    return Bound(best, picks, max(picks_value, 0.0), it)


def gap_pct(value: float, bound: float) -> float:
    """How far below the proven bound an answer is, in percent of the bound."""
    if bound <= 0:
        return 0.0
    return max(0.0, 100.0 * (bound - value) / bound)
