"""The MCLP integer programme, solved by HiGHS on the full candidate set.

    maximise  sum_i people_i * y_i
    s.t.      y_i <= sum_{j reaches i} x_j    (a cell counts only if a pick reaches it)
              sum_j x_j <= K,  x binary,  0 <= y <= 1

Warm-started from the best answer known (greedy, interchange, Lagrangian heuristic),
so it is never worse than that; it stops at the gap tolerance or the time limit and
reports HiGHS's status, objective and proven bound either way.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from reach_planner.geo.scenario import Cancelled
from reach_planner.geo.siting.problem import Problem, column_counts

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class MilpAnswer:
    picks: list[int]
    value: float
    bound: float
    status: str  # "optimal", "time limit", "interrupted", …


def solve_milp(problem: Problem, count: int, start: list[int], time_limit: float = 60.0,
               gap_tolerance: float = 1e-6, progress: Progress | None = None,
               fixed_in: NDArray[np.bool_] | None = None, target: float | None = None) -> MilpAnswer:
    """``fixed_in``: candidates proven to be in every better answer (lower bound 1).
    ``target``: stop as soon as an answer covers this many (its gap to a bound proven
    elsewhere is then small enough); the status then reads "target reached"."""
    import highspy

    n, m = problem.cover.shape
    with _banner_silenced():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", float(gap_tolerance))
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("random_seed", 0)
    lp = _model(problem, count, highspy)
    if fixed_in is not None and fixed_in.any():
        lower = np.zeros(n + m)
        lower[:n] = fixed_in
        lp.col_lower_ = lower
    h.passModel(lp)
    x0 = np.zeros(n + m)
    if start:
        x0[start] = 1.0
        x0[n:] = column_counts(problem.cover, start) > 0
        sol = highspy.HighsSolution()
        sol.col_value = x0.tolist()
        h.setSolution(sol)
    cancelled, reached = _watch(h, progress, target)
    h.run()
    if cancelled:
        raise Cancelled()
    info = h.getInfo()
    status = "target reached" if reached else h.modelStatusToString(h.getModelStatus()).lower()
    values = np.asarray(h.getSolution().col_value) if info.primal_solution_status else x0
    picks = [int(j) for j in np.flatnonzero(values[:n] > 0.5)]
    value = float(problem.people @ (column_counts(problem.cover, picks) > 0)) if picks else 0.0
    bound = -float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else float("inf")
    return MilpAnswer(picks, value, max(bound, value), status)


@contextmanager
def _banner_silenced() -> Iterator[None]:
    """HiGHS prints a banner on C stdout when the first solver is made, before any option
    can turn output off; it would corrupt ``recommend --json``."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _model(problem: Problem, count: int, highspy):
    n, m = problem.cover.shape
    start, index, value = _columns(problem.cover)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + m, m + 1
    lp.col_cost_ = np.concatenate([np.zeros(n), -problem.people])  # HiGHS minimises
    lp.col_lower_ = np.zeros(n + m)
    lp.col_upper_ = np.ones(n + m)
    lp.row_lower_ = np.full(m + 1, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate([np.zeros(m), [float(count)]])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n + [highspy.HighsVarType.kContinuous] * m
    return lp


def _columns(cover: sparse.csr_matrix) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
    """The constraint matrix by columns (start, row index, value), rows ascending in each:
    candidate j's column is -1 in the rows of the cells it reaches and 1 in the count row
    m; cell i's column is 1 in row i."""
    n, m = cover.shape
    a = sparse.bmat([[-cover.T.astype(np.float64), sparse.identity(m)],
                     [sparse.csr_matrix(np.ones((1, n))), None]], format="csc")
    a.sort_indices()
    return a.indptr.astype(np.int32), a.indices.astype(np.int32), a.data.astype(np.float64)


def _watch(h, progress: Progress | None, target: float | None = None) -> tuple[list[bool], list[bool]]:
    """Pass HiGHS's progress on, stop it when the progress callback cancels (first list
    set) or when an answer reaches ``target`` (second list set)."""
    cancelled: list[bool] = []
    reached: list[bool] = []
    if progress is None and target is None:
        return cancelled, reached
    last = [time.perf_counter()]
    mip_event = h.cbMipInterrupt.callback_type

    def check(event) -> None:
        if cancelled or reached:
            event.interrupt()
            return
        if (target is not None and event.callback_type == mip_event
                and event.data_out.mip_primal_bound <= -target):  # HiGHS minimises
            reached.append(True)
            event.interrupt()
            return
        if progress is None or time.perf_counter() - last[0] < 0.25:  # HiGHS calls this very often
            return
        last[0] = time.perf_counter()
        try:
            progress(90, "exact solver running")
        except Cancelled:
            cancelled.append(True)
            event.interrupt()

    h.cbMipInterrupt += check
    if progress is not None:
        h.cbSimplexInterrupt += check
    return cancelled, reached
