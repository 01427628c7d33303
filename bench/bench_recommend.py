"""Siting speed and quality, each next to the plain approach measured in the same run.

    .venv/bin/python bench/bench_recommend.py [--quick]

Targets (issue 11): greedy K=500 nationally < 1 s; exact province K <= 50 < 5 s;
certified national K=500 within 0.1% of the proven bound in <= 15 s; close or relocate
N=500 < 5 s. Plain approaches: greedy that re-evaluates every gain each step; HiGHS
through scipy.optimize.milp on the unreduced problem without a warm start; closing by
recomputing every outlet's loss each step. ``--quick`` caps the plain national MILP at
20 s instead of 120 s.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reach_planner.geo.recommend import RecommendParams, recommend  # noqa: E402
from reach_planner.geo.scenario import run_scenario  # noqa: E402
from reach_planner.geo.siting import decisions  # noqa: E402
from reach_planner.geo.siting.greedy import greedy  # noqa: E402
from reach_planner.geo.siting.problem import build_problem  # noqa: E402

PROVINCES = [(63, 30), (64, 10), (54, 50), (65, 50), (62, 20), (15, 50)]


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def scipy_cover(problem) -> sparse.csr_matrix:
    """The problem's cover matrix as scipy's (the naive references below use scipy)."""
    c = problem.cover
    return sparse.csr_matrix((np.ones(c.nnz, dtype=bool), c.indices, c.indptr), shape=c.shape)


def naive_greedy(problem, count: int) -> float:
    """Every step: recompute all marginal gains with a sparse product, take the best."""
    cover, w = scipy_cover(problem), problem.people.copy()
    total = 0.0
    for _ in range(count):
        gains = cover @ w
        j = int(np.argmax(gains))
        if gains[j] <= 0:
            break
        total += gains[j]
        w[cover.indices[cover.indptr[j]:cover.indptr[j + 1]]] = 0.0
    return total


def plain_milp(problem, count: int, seconds: float) -> tuple[float, float, str]:
    """The textbook MCLP through scipy's HiGHS: full matrix, no reduction, no warm start."""
    n, m = problem.cover.shape
    a = sparse.vstack([sparse.hstack([-scipy_cover(problem).T.astype(float), sparse.identity(m)]),
                       sparse.hstack([sparse.csr_matrix(np.ones((1, n))), sparse.csr_matrix((1, m))])])
    res = milp(np.concatenate([np.zeros(n), -problem.people]),
               constraints=LinearConstraint(a.tocsr(), -np.inf, np.r_[np.zeros(m), count]),
               integrality=np.r_[np.ones(n), np.zeros(m)], bounds=Bounds(0, 1),
               options={"time_limit": seconds, "mip_rel_gap": 1e-4})
    value = -res.fun if res.x is not None else float("nan")
    dual = getattr(res, "mip_dual_bound", None)
    bound = float("nan") if dual is None else -dual
    return value, bound, res.message.split(".")[0]


def naive_close(result, n: int) -> float:
    """Every step: recompute every open outlet's loss, close the cheapest."""
    p = decisions._outlet_problem(result, result.params.radius_km)
    closed: list[int] = []
    lost = 0.0
    is_open = np.ones(p.cover.shape[0], dtype=bool)
    for _ in range(n):
        count = decisions._counts(p, closed)
        loss = decisions._unique_losses(p, count)
        loss[~is_open] = np.inf
        j = int(np.argmin(loss))
        lost += loss[j]
        closed.append(j)
        is_open[j] = False
    return lost


def main() -> None:
    quick = "--quick" in sys.argv
    result = run_scenario()
    nat = build_problem(result)
    print(f"national problem: {nat.cover.shape[0]:,} candidates x {nat.cover.shape[1]:,} gap cells, "
          f"{nat.cover.nnz:,} pairs")
    (_, gains), t_lazy = timed(lambda: greedy(nat, 500))
    plain, t_naive = timed(lambda: naive_greedy(nat, 500))
    print(f"greedy K=500: lazy {t_lazy:.2f} s ({sum(gains):,.0f}) vs naive {t_naive:.2f} s "
          f"({plain:,.0f}): {t_naive / t_lazy:.1f}x  {'PASS' if t_lazy < 1 else 'FAIL'} < 1 s")
    rec, t_cert = timed(lambda: recommend(result, RecommendParams(count=500, method="certified")))
    print(f"certified K=500: {rec.newly_covered:,} newly covered, bound {rec.bound:,.0f}, gap "
          f"{rec.gap_pct:.3f}%, {t_cert:.1f} s  [{rec.reduction.describe()}]  "
          f"{'PASS' if rec.gap_pct <= 0.1 and t_cert <= 15 else 'FAIL'} <= 0.1% in <= 15 s")
    limit = 20.0 if quick else 120.0
    (value, bound, msg), t_plain = timed(lambda: plain_milp(nat, 500, limit))
    print(f"  plain HiGHS MILP (scipy, unreduced, no warm start, limit {limit:g} s): {msg}, "
          f"{value:,.0f} (bound {bound:,.0f}) in {t_plain:.1f} s: {t_plain / t_cert:.1f}x")
    marks = rec.curve_marks()
    print("  curve: " + ", ".join(f"{k:g}% rural coverage -> {v if v is not None else '> 500'} new outlets"
                                  for k, v in marks.items()))
    print()
    print(f"{'prov':>4} {'K':>3} {'exact':>10} {'greedy':>10} {'status':>8} {'ours s':>7} {'plain s':>8} "
          f"{'ratio':>6}")
    worst = 0.0
    for prov, k in PROVINCES:
        params = RecommendParams(count=k, province=prov, method="exact")
        ex, t_ex = timed(lambda params=params: recommend(result, params))
        gr = recommend(result, RecommendParams(count=k, province=prov, method="greedy"))
        p = build_problem(result, province=prov)
        (pv, _pb, _m), t_pl = timed(lambda p=p, k=k: plain_milp(p, k, 60.0))
        worst = max(worst, t_ex)
        assert ex.newly_covered >= round(pv) - 1, (prov, k, ex.newly_covered, pv)
        print(f"{prov:>4} {k:>3} {ex.newly_covered:>10,} {gr.newly_covered:>10,} {ex.status[:8]:>8} "
              f"{t_ex:>7.2f} {t_pl:>8.2f} {t_pl / t_ex:>5.1f}x")
    print(f"  {'PASS' if worst < 5 else 'FAIL'} exact province K <= 50 < 5 s (worst {worst:.2f} s)")
    print()
    thin = run_scenario(result.params.__class__(outlets=1500))  # closing costs people here
    c, t_close = timed(lambda: decisions.close(thin, 500))
    naive, t_nc = timed(lambda: naive_close(thin, 500))
    print(f"close N=500 of 1,500 outlets: loses {c.lost:,} (proven >= {c.lost_bound:,}) in "
          f"{t_close:.2f} s vs naive {t_nc:.2f} s ({naive:,.0f}): {t_nc / t_close:.1f}x  "
          f"{'PASS' if t_close < 5 else 'FAIL'} < 5 s")
    r, t_rel = timed(lambda: decisions.relocate(result, 500))
    _, t_plain_rel = timed(lambda: (naive_close(result, 500), naive_greedy(nat, 500)))
    print(f"relocate N=500 (default network): {r.moved} moves, net +{r.net_gain:,} (proven <= "
          f"{r.net_bound:,}) in {t_rel:.2f} s vs naive close + naive greedy {t_plain_rel:.2f} s  "
          f"{'PASS' if t_rel < 5 else 'FAIL'} < 5 s")


if __name__ == "__main__":
    main()
