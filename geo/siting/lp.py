"""The MCLP's LP relaxation by column generation (HiGHS simplex, warm-started), for a
proven bound, cell prices and a support.

Solving the LP over every candidate nationally takes half a minute or more; its optimum
uses only a few hundred candidates. So the LP starts on a pool (the greedy picks and the
candidates that collect most at first prices) and grows: after each solve, the cell
prices (the duals of "a cell counts only if a pick reaches it") price every candidate,
and those that collect more than the budget row's dual join the pool. HiGHS keeps its
basis when columns and rows are added, so each round costs a few hundred pivots. Only
the cells the pool reaches are rows.

Whatever the round, the prices give a proven bound on the whole problem
(:func:`geo.siting.bound.dual_bound`, the Lagrangian at those prices), so the bound
holds whatever the pool, the LP's tolerances, or where the time limit stops it. When no
candidate outside the pool prices positively, the bound equals the LP optimum.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from reach_planner.geo.siting.bound import dual_bound
from reach_planner.geo.siting.exact import _banner_silenced
from reach_planner.geo.siting.problem import Problem

GROWTH = 1.0  # candidates added per round, as a multiple of K (at least 200)
ROUNDS = 60
TRACE = False  # print each round (bench and tuning)


@dataclass(frozen=True)
class PricedLP:
    value: float  # the LP optimum over the final pool (a lower bound on the full LP)
    bound: float  # proven upper bound on the whole problem's optimum (integer or LP)
    prices: NDArray[np.float64]  # per cell, in [0, people]: the prices that gave the bound
    support: NDArray[np.int64]  # candidates the LP uses (fractionally or not)
    share: NDArray[np.float64]  # the LP's x for each of them, in (0, 1]
    pool: int  # candidates in the final LP
    rounds: int
    converged: bool  # no candidate outside the pool prices positively: bound == LP optimum


class _PoolModel:
    """The LP over a growing pool: row 0 is the budget, then one row per reached cell
    (y_cell - sum of the pool's x reaching it <= 0)."""

    def __init__(self, problem: Problem, count: int, seconds: float) -> None:
        import highspy

        self.highspy = highspy
        self.problem = problem
        self.by_row = problem.cover.astype(np.float64).tocsr()
        with _banner_silenced():
            self.h = highspy.Highs()
        for name, value in (("output_flag", False), ("random_seed", 0),
                            ("solver", "simplex"), ("presolve", "off"), ("time_limit", float(seconds))):
            self.h.setOptionValue(name, value)
        inf = highspy.kHighsInf
        self.h.addRows(1, np.array([-inf]), np.array([float(count)]), 0, np.zeros(1, np.int32),
                       np.zeros(0, np.int32), np.zeros(0))
        self.row_of = np.full(problem.cover.shape[1], -1, dtype=np.int64)  # cell -> LP row
        self.cells: list[int] = []
        self.pool: list[int] = []
        self.x_col: list[int] = []  # LP column of each pool candidate
        self.columns = 0

    def add(self, candidates: NDArray[np.int64]) -> None:
        """Add candidates (and the rows of cells they are the first to reach)."""
        inf = self.highspy.kHighsInf
        block = self.by_row[candidates]
        new = np.setdiff1d(np.unique(block.indices), np.flatnonzero(self.row_of >= 0))
        if len(new):
            w = self.problem.people[new]
            first_col, first_row = self.columns, 1 + len(self.cells)
            self.h.addCols(len(new), -w, np.zeros(len(new)), np.ones(len(new)), 0,
                           np.zeros(len(new), np.int32), np.zeros(0, np.int32), np.zeros(0))
            self.columns += len(new)
            self.h.addRows(len(new), np.full(len(new), -inf), np.zeros(len(new)), len(new),
                           np.arange(len(new), dtype=np.int32),
                           (first_col + np.arange(len(new))).astype(np.int32), np.ones(len(new)))
            self.row_of[new] = first_row + np.arange(len(new))
            self.cells.extend(int(c) for c in new)
        coo = block.tocoo()
        rows = np.concatenate([self.row_of[coo.col], np.zeros(len(candidates), np.int64)])
        cols = np.concatenate([coo.row, np.arange(len(candidates))])
        vals = np.concatenate([-coo.data, np.ones(len(candidates))])
        a = sparse.csc_matrix((vals, (rows, cols)), shape=(1 + len(self.cells), len(candidates)))
        a.sort_indices()
        k = len(candidates)
        self.h.addCols(k, np.zeros(k), np.zeros(k), np.ones(k), a.nnz, a.indptr[:-1].astype(np.int32),
                       a.indices.astype(np.int32), a.data)
        self.x_col.extend(range(self.columns, self.columns + k))
        self.columns += k
        self.pool.extend(int(c) for c in candidates)

    def solve(self, seconds: float) -> tuple[float, NDArray[np.float64], float, NDArray[np.float64], bool] | None:
        """(LP value, prices per cell of the problem, budget dual, x per pool candidate,
        optimal), or None when HiGHS has no dual values (stopped before a basis).
        HiGHS's clock runs on across runs of one model, so the limit is set past it."""
        self.h.setOptionValue("time_limit", self.h.getRunTime() + max(0.05, float(seconds)))
        self.h.run()
        sol = self.h.getSolution()
        if not sol.dual_valid:
            return None
        optimal = self.h.getModelStatus() == self.highspy.HighsModelStatus.kOptimal
        w = self.problem.people
        dual = -np.asarray(sol.row_dual)
        prices = w.astype(np.float64).copy()  # cells no pool candidate reaches: at their people
        cells = np.asarray(self.cells, dtype=np.int64)
        prices[cells] = np.clip(dual[1:1 + len(cells)], 0.0, w[cells])
        x = np.asarray(sol.col_value)[np.asarray(self.x_col, dtype=np.int64)]
        return -float(self.h.getInfo().objective_function_value), prices, float(dual[0]), x, optimal


def priced_lp(problem: Problem, count: int, start: NDArray[np.int64], seconds: float,
              tolerance: float = 1e-5) -> PricedLP:
    """Column generation from the ``start`` pool until no candidate prices positively,
    the bound is within ``tolerance`` of the pool's LP optimum, or ``seconds`` run out."""
    t0 = time.perf_counter()
    n = problem.cover.shape[0]
    model = _PoolModel(problem, count, seconds)
    in_pool = np.zeros(n, dtype=bool)
    pool = np.unique(np.asarray(start, dtype=np.int64))
    best_bound, best_prices = float("inf"), problem.people.astype(np.float64).copy()
    value, support, rounds, converged = 0.0, pool, 0, False
    share = np.zeros(len(pool))
    grow = max(200, int(GROWTH * count))
    while rounds < ROUNDS:
        model.add(pool)
        in_pool[pool] = True
        out = model.solve(seconds - (time.perf_counter() - t0))
        if out is None:
            break
        rounds += 1
        lp_value, prices, budget, x, optimal = out
        bound, collected = dual_bound(problem, count, prices)  # proven, optimal or not
        if bound < best_bound:
            best_bound, best_prices = bound, prices
        if not optimal:  # stopped by the time limit: its x and value mean nothing
            break
        used = x > 1e-6
        value, support, share = lp_value, np.asarray(model.pool, dtype=np.int64)[used], x[used]
        if TRACE:
            print(f"round {rounds}: pool {len(model.pool)} cells {len(model.cells)} LP {value:,.0f} "
                  f"bound {bound:,.0f} {time.perf_counter() - t0:.1f} s", flush=True)
        reduced = collected - budget
        reduced[in_pool] = -1.0
        positive = np.flatnonzero(reduced > 1e-7 * max(1.0, budget))
        if not len(positive):
            converged = True
            break
        if best_bound - value <= tolerance * best_bound or time.perf_counter() - t0 >= seconds:
            break
        pool = positive[np.argsort(-reduced[positive], kind="stable")[:grow]]
    return PricedLP(value, best_bound, best_prices, support, share, len(model.pool), rounds, converged)
