"""The MCLP's LP relaxation on a pool of candidates (HiGHS), for prices and a support.

Solving the LP over every candidate nationally takes tens of seconds; its optimum uses
only a few hundred candidates. The Lagrangian steps' K best collectors (``seen``) form
a pool that holds them, and the LP over that pool gives, within seconds:

* cell prices (the duals of "a cell counts only if a pick reaches it"), which start
  the Lagrangian bound near the LP optimum; the bound itself is always evaluated on the
  full problem (:func:`geo.siting.bound.lagrangian`), so it holds whatever the pool or
  the LP's tolerances;
* the LP's support: the candidates a restricted MILP then chooses among.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.siting.exact import _banner_silenced, _model
from reach_planner.geo.siting.problem import Problem, _columns, column_counts


@dataclass(frozen=True)
class PoolLP:
    value: float  # the LP optimum over the pool (not a bound on the full problem)
    prices: NDArray[np.float64]  # per cell of the full problem, in [0, people]
    support: NDArray[np.int64]  # candidates (full problem's indices) the LP uses


def pool_lp(problem: Problem, count: int, pool: NDArray[np.int64], seconds: float = 60.0) -> PoolLP:
    """The LP relaxation over the ``pool`` candidates. Cells the pool cannot reach are
    priced at their people (the LP leaves them to candidates outside the pool)."""
    import highspy

    sub = problem.subset(pool)
    cells = np.flatnonzero(column_counts(sub.cover) > 0)
    q = Problem(sub.cand_lon, sub.cand_lat, sub.cand_gb, sub.cand_label, sub.cells[cells],
                problem.people[cells], _columns(sub.cover, cells), problem.radius_km)
    with _banner_silenced():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(seconds))
    h.setOptionValue("random_seed", 0)
    lp = _model(q, count, highspy)
    lp.integrality_ = []
    h.passModel(lp)
    h.run()
    sol = h.getSolution()
    prices = problem.people.astype(float).copy()
    if not sol.dual_valid:
        return PoolLP(float("inf"), prices, np.asarray(pool, dtype=np.int64))
    dual = -np.asarray(sol.row_dual)[:len(cells)]  # HiGHS minimises: a <= row's dual is <= 0
    prices[cells] = np.clip(dual, 0.0, problem.people[cells])
    x = np.asarray(sol.col_value)[:len(pool)]
    return PoolLP(-float(h.getInfo().objective_function_value), prices,
                  np.asarray(pool, dtype=np.int64)[x > 1e-6])
