"""Fast answers: lazy greedy (CELF) and interchange.

Marginal gains only shrink as outlets are added (coverage is submodular), so a stale
gain is an upper bound and most candidates are never re-evaluated. :func:`improve`
then swaps picks for better candidates (Teitz-Bart interchange); for small instances
:func:`solve_greedy` also restarts from the best single sites.
"""
from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np

from reach_planner.geo.siting.problem import Problem, RowSums, column_counts

Progress = Callable[[int, str], None]
RESTARTS = 15
RESTART_MAX_COUNT = 50
RESTART_MAX_CANDIDATES = 6000  # restarts are for province-sized instances


def greedy(problem: Problem, count: int, stop_at: float | None = None,
           progress: Progress | None = None) -> tuple[list[int], list[float]]:
    """Lazy greedy. Stops early when nothing more can be covered (never pads with
    zero-gain picks), or once ``stop_at`` people are newly covered."""
    cover = problem.cover
    w = problem.people
    gains = cover @ w
    heap = [(-g, i) for i, g in enumerate(gains) if g > 0]
    heapq.heapify(heap)
    done = np.zeros(len(w), dtype=bool)
    picks: list[int] = []
    got: list[float] = []
    total = 0.0
    while heap and len(picks) < count and (stop_at is None or total < stop_at):
        _neg, i = heapq.heappop(heap)
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


def improve(problem: Problem, picks: list[int], max_passes: int = 2) -> list[int]:
    """Interchange: swap a pick for the candidate that adds the most people without it,
    while that helps. One sparse product per pick."""
    cover = problem.cover
    w = problem.people
    picks = list(picks)
    count = column_counts(cover, picks) if picks else np.zeros(len(w))
    chosen = np.zeros(cover.shape[0], dtype=bool)
    chosen[picks] = True
    gains_of = RowSums(cover)  # one pick changes few cells: re-sum only their rows
    for _ in range(max_passes):
        swapped = False
        for k, i in enumerate(picks):
            row = cover.indices[cover.indptr[i]:cover.indptr[i + 1]]
            own = float(w[row][count[row] == 1].sum())
            count[row] -= 1
            gains = gains_of(w * (count == 0))
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


def solve_greedy(problem: Problem, count: int, progress: Progress | None = None) -> list[int]:
    """Lazy greedy + interchange; small instances also restart from each of the 15 best
    single sites as forced first pick (cheap there, and it escapes local optima)."""
    best = improve(problem, greedy(problem, count, progress=progress)[0])
    if count > RESTART_MAX_COUNT or count < 2 or problem.cover.shape[0] > RESTART_MAX_CANDIDATES:
        return best
    best_value = covered_by(problem, best)
    alone = problem.cover @ problem.people
    for first in np.argsort(-alone, kind="stable")[:RESTARTS]:
        if alone[first] <= 0:
            break
        picks = improve(problem, _greedy_from(problem, int(first), count))
        value = covered_by(problem, picks)
        if value > best_value + 1e-6:
            best, best_value = picks, value
    return best


def _greedy_from(problem: Problem, first: int, count: int) -> list[int]:
    row = problem.cover.indices[problem.cover.indptr[first]:problem.cover.indptr[first + 1]]
    people = problem.people.copy()
    people[row] = 0.0
    return [first] + [i for i in greedy(problem.with_people(people), count - 1)[0] if i != first]


def covered_by(problem: Problem, picks: list[int]) -> float:
    """People newly covered by a set of candidates."""
    if not len(picks):
        return 0.0
    hit = column_counts(problem.cover, list(picks)) > 0
    return float(problem.people[hit].sum())


def order_by_gain(problem: Problem, chosen: list[int]) -> tuple[list[int], list[float]]:
    """A chosen set in greedy order, so marginal gains read the same way; picks that add
    nobody are dropped (an answer is never padded)."""
    if not chosen:
        return [], []
    order, gains = greedy(problem.subset(np.asarray(chosen, dtype=np.int64)), len(chosen))
    return [chosen[i] for i in order], gains
