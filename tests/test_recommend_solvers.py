"""Siting solvers on synthetic instances: exact vs brute force, spopt and greedy; the bound;
the reduction; no padding; the coverage curve."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from scipy import sparse

from reach_planner.geo.siting.bound import lagrangian
from reach_planner.geo.siting.exact import solve_milp
from reach_planner.geo.siting.greedy import covered_by, greedy, solve_greedy
from reach_planner.geo.siting.problem import Problem, column_counts, reduce
from reach_planner.geo.siting.solve import greedy_curve, solve


def random_problem(rng: np.random.Generator, n_cand: int, n_dem: int, density: float) -> Problem:
    cover = rng.random((n_cand, n_dem)) < density
    people = rng.integers(1, 1000, n_dem).astype(float)
    return Problem(rng.random(n_cand), rng.random(n_cand), np.zeros(n_cand, np.int64),
                   [""] * n_cand, np.arange(n_dem), people, sparse.csr_matrix(cover), 30.0)


def brute_force(p: Problem, k: int) -> float:
    n = p.cover.shape[0]
    return max(covered_by(p, list(c)) for c in itertools.combinations(range(n), min(k, n)))


@pytest.mark.parametrize("seed", range(12))
def test_exact_equals_brute_force_and_bound_holds_on_tiny_instances(seed):
    rng = np.random.default_rng(seed)
    p = random_problem(rng, 9, 15, 0.25)
    for k in (1, 2, 3, 4):
        best = brute_force(p, k)
        sol = solve(p, k, "exact")
        assert sol.value == pytest.approx(best)
        assert sol.status == "optimal"
        assert sol.bound >= best - 1e-6
        assert lagrangian(p, k, 0.0).value >= best - 1e-6  # a bound is never below the optimum


@pytest.mark.parametrize("seed", range(6))
def test_exact_is_never_below_greedy_on_random_instances(seed):
    rng = np.random.default_rng(100 + seed)
    p = random_problem(rng, 120, 300, 0.03)
    for k in (5, 12):
        g = covered_by(p, solve_greedy(p, k))
        plain = sum(greedy(p, k)[1])
        ex = solve(p, k, "exact")
        assert ex.value >= g - 1e-6 and ex.value >= plain - 1e-6
        assert ex.bound >= ex.value - 1e-6


def test_exact_equals_spopt_on_small_instances():
    import pulp
    from spopt.locate import MCLP

    rng = np.random.default_rng(7)
    for _ in range(3):
        p = random_problem(rng, 40, 80, 0.06)
        for k in (3, 6):
            cost = np.where(p.cover.toarray().T, 0.0, 2.0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                model = MCLP.from_cost_matrix(cost, p.people, service_radius=1.0, p_facilities=k,
                                              name="check")
                model.solve(pulp.PULP_CBC_CMD(msg=False))
            chosen = [j for j in range(40) if model.fac_vars[j].value() > 0.5]
            assert solve(p, k, "exact").value == pytest.approx(covered_by(p, chosen))


def test_reduction_keeps_the_optimum_and_the_value_of_any_picks():
    rng = np.random.default_rng(3)
    for _ in range(10):
        p = random_problem(rng, 10, 14, 0.3)
        small, keep, stats = reduce(p)
        assert stats.candidates_kept == len(keep) <= 10 and stats.cell_groups <= 14
        assert small.people.sum() == pytest.approx(p.people[column_counts(p.cover) > 0].sum())
        for k in (1, 2, 3):
            assert brute_force(small, k) == pytest.approx(brute_force(p, k))
        picks = list(range(small.cover.shape[0]))[:3]
        assert covered_by(small, picks) == pytest.approx(covered_by(p, [int(keep[i]) for i in picks]))


def test_dominated_candidates_are_dropped():
    cover = sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [0, 0, 1], [1, 1, 0]], dtype=bool))
    p = Problem(np.zeros(4), np.zeros(4), np.zeros(4, np.int64), [""] * 4, np.arange(3),
                np.array([5.0, 3.0, 2.0]), cover, 30.0)
    small, keep, _ = reduce(p)
    assert sorted(keep.tolist()) == [0, 2]  # 1 lies inside 0; 3 equals 0


def test_no_padding_when_few_outlets_cover_every_gap():
    rng = np.random.default_rng(11)
    p = random_problem(rng, 30, 20, 0.15)
    reachable = p.people[column_counts(p.cover) > 0].sum()
    for method in ("greedy", "certified", "exact"):
        sol = solve(p, 25, method)
        assert sol.covers_all and sol.value == pytest.approx(reachable)
        assert len(sol.picks) < 25 and all(g > 0 for g in sol.gains)
        assert sol.status == "optimal"


def test_milp_time_limit_reports_its_gap_and_keeps_the_warm_start():
    rng = np.random.default_rng(5)
    p = random_problem(rng, 400, 900, 0.02)
    start = solve_greedy(p, 20)
    ans = solve_milp(p, 20, start, time_limit=1e-3)
    assert ans.value >= covered_by(p, start) - 1e-6  # never worse than where it started
    assert ans.bound >= ans.value


def test_curve_is_monotone_and_concave():
    rng = np.random.default_rng(9)
    p = random_problem(rng, 200, 500, 0.02)
    curve = np.asarray(greedy_curve(p, 40))
    steps = np.diff(curve)
    assert curve[0] == 0 and np.all(steps >= 0)
    assert np.all(np.diff(steps) <= 1e-9)  # greedy gains only shrink: concave


def test_row_sums_re_summed_in_part_equal_a_full_product_bit_for_bit():
    """RowSums re-sums only the rows reaching changed entries; every sum must equal scipy's
    full ``cover @ x`` exactly (the bound and interchange decide on these sums)."""
    from reach_planner.geo.siting.problem import RowSums

    rng = np.random.default_rng(5)
    cover = sparse.csr_matrix(rng.random((300, 900)) < 0.02)
    sums = RowSums(cover)
    x = rng.random(900) * 1e3
    for step in range(30):
        if step % 7 == 3:
            x = rng.random(900) * 1e3  # much changed: a full product
        else:
            x[rng.choice(900, 5, replace=False)] = rng.random(5) * 1e3
        got = sums(x)
        assert np.array_equal(got, cover @ x)
        got[:] = -1.0  # the caller's copy: the kept sums must not change
