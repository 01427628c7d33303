"""Recommending outlets: national greedy speed, and greedy vs the exact spopt optimum.

    .venv/bin/python bench/bench_recommend.py

Targets (issue: close the gaps): greedy K=500 nationally < 5 s; greedy within 2% of
the exact spopt (CBC) optimum on the small instances below. The naive greedy
(re-evaluate every candidate's marginal gain at every step) runs in the same
process for the speed ratio.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reach_planner.geo.recommend import (  # noqa: E402
    RecommendParams,
    build_problem,
    covered_by,
    exact,
    greedy,
    prune,
    recommend,
    solve_greedy,
)
from reach_planner.geo.scenario import run_scenario  # noqa: E402

INSTANCES = [(54, 5), (54, 20), (63, 10), (63, 20), (65, 10), (62, 15), (15, 20)]


def naive_greedy(problem, count: int) -> float:
    """Every step: recompute all marginal gains with a sparse product, take the best."""
    cover, w = problem.cover.tocsr(), problem.people.copy()
    total = 0.0
    for _ in range(count):
        gains = cover @ w
        j = int(np.argmax(gains))
        if gains[j] <= 0:
            break
        total += gains[j]
        w[cover.indices[cover.indptr[j]:cover.indptr[j + 1]]] = 0.0
    return total


def main() -> None:
    result = run_scenario()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        rec = recommend(result, RecommendParams(count=500))
        times.append(time.perf_counter() - t)
    problem = build_problem(result)
    t = time.perf_counter()
    lazy_value = sum(greedy(problem, 500)[1])
    t_lazy = time.perf_counter() - t
    t = time.perf_counter()
    naive_value = naive_greedy(problem, 500)
    t_naive = time.perf_counter() - t
    print(f"national K=500: candidates {problem.cover.shape[0]:,}, gap cells "
          f"{problem.cover.shape[1]:,}, coverage pairs {problem.cover.nnz:,}")
    print(f"  recommend (lazy greedy + interchange), best / median  {min(times):.2f} s / "
          f"{statistics.median(times):.2f} s   newly covered {rec.newly_covered:,}")
    print(f"  lazy greedy alone                                     {t_lazy:.3f} s   "
          f"newly covered {lazy_value:,.0f}")
    print(f"  naive greedy (all gains every step)                   {t_naive:.3f} s   "
          f"newly covered {naive_value:,.0f}   ratio {t_naive / t_lazy:.1f}x")
    print(f"  {'PASS' if min(times) < 5 else 'FAIL'}  greedy K=500 nationally < 5 s")
    print()
    print(f"{'province':>8} {'K':>3} {'exact (spopt/CBC)':>18} {'greedy+':>11} {'plain greedy':>13}"
          f" {'gap':>6} {'plain gap':>9} {'exact s':>8} {'greedy s':>9}")
    worst = 0.0
    for prov, k in INSTANCES:
        p = prune(build_problem(result, province=prov), 600)
        t = time.perf_counter()
        opt = sum(exact(p, k)[1])
        t_exact = time.perf_counter() - t
        t = time.perf_counter()
        ours = covered_by(p, solve_greedy(p, k))
        t_ours = time.perf_counter() - t
        plain = sum(greedy(p, k)[1])
        gap = 100 * (1 - ours / opt) if opt else 0.0
        worst = max(worst, gap)
        print(f"{prov:>8} {k:>3} {opt:>18,.0f} {ours:>11,.0f} {plain:>13,.0f} {gap:>5.2f}% "
              f"{100 * (1 - plain / opt) if opt else 0:>8.2f}% {t_exact:>8.2f} {t_ours:>9.3f}")
    print(f"  {'PASS' if worst <= 2 else 'FAIL'}  greedy within 2% of the exact optimum "
          f"(worst {worst:.2f}%)")


if __name__ == "__main__":
    main()
