"""Issue 21 (3): certified answers carry a proven bound, nationally within 0.1% at K = 500.

The bound comes from cell prices (an LP's duals by column generation, or subgradient
steps); whatever the prices, it must hold. These tests hold it against HiGHS's proven
optima of the plain MILP on instances small enough to solve: random, geometric (points
and a radius, like the real problem) and a province of the default scenario.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from reach_planner.geo.recommend import RecommendParams, recommend
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.siting.bound import dual_bound
from reach_planner.geo.siting.exact import solve_milp
from reach_planner.geo.siting.lp import priced_lp
from reach_planner.geo.siting.problem import Problem, build_problem, column_counts
from reach_planner.geo.siting.solve import solve
from tests.test_recommend_solvers import random_problem


def geometric_problem(rng: np.random.Generator, n_cand: int, n_dem: int, radius: float) -> Problem:
    """Candidates and demand points in the unit square, a candidate reaching the points
    within ``radius``: overlapping neighbourhoods, as on the map."""
    c, d = rng.random((n_cand, 2)), rng.random((n_dem, 2))
    near = ((c[:, None, :] - d[None, :, :]) ** 2).sum(axis=2) <= radius ** 2
    reached = near.any(axis=0)
    people = rng.integers(1, 5000, n_dem).astype(float)[reached]
    return Problem(c[:, 0], c[:, 1], np.zeros(n_cand, np.int64), [""] * n_cand,
                   np.arange(int(reached.sum())), people, sparse.csr_matrix(near[:, reached]), 1.0)


def optimum(p: Problem, k: int) -> float:
    opt = solve_milp(p, k, [], time_limit=120, gap_tolerance=0.0)
    assert opt.status == "optimal"
    return opt.value


def lp_optimum(p: Problem, k: int) -> float:
    import highspy

    from reach_planner.geo.siting.exact import _model

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = _model(p, k, highspy)
    lp.integrality_ = []
    h.passModel(lp)
    h.run()
    return -h.getInfo().objective_function_value


def assert_certified(p: Problem, k: int, opt: float, **kw) -> None:
    sol = solve(p, k, "certified", **kw)
    assert sol.bound >= opt - 1e-6 >= sol.value - 2e-6
    assert sol.value == pytest.approx(float(p.people[column_counts(p.cover, sol.picks) > 0].sum()))
    assert sol.gap_pct == pytest.approx(100 * (sol.bound - sol.value) / sol.bound, abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_certified_bound_holds_against_highs_optima_on_random_instances(seed):
    rng = np.random.default_rng(200 + seed)
    p = random_problem(rng, 120, 400, 0.03)
    for k in (3, 8, 20):
        assert_certified(p, k, optimum(p, k))


@pytest.mark.parametrize("seed", range(4))
def test_certified_bound_holds_against_highs_optima_on_geometric_instances(seed):
    rng = np.random.default_rng(300 + seed)
    p = geometric_problem(rng, 400, 1500, 0.06)
    for k in (5, 20, 60):
        assert_certified(p, k, optimum(p, k))


@pytest.fixture(scope="module")
def default():
    return run_scenario()


@pytest.mark.parametrize("code, k", [(64, 10), (64, 40), (46, 15)])
def test_certified_bound_holds_against_the_highs_optimum_of_a_province(default, code, k):
    p = build_problem(default, province=code)
    assert_certified(p, k, optimum(p, k))


@pytest.mark.parametrize("seed", range(6))
def test_any_prices_give_a_bound_above_the_optimum(seed):
    """Random prices, prices above people (clipped), zero prices: never below the optimum."""
    rng = np.random.default_rng(400 + seed)
    p = geometric_problem(rng, 150, 500, 0.08)
    k = 6
    opt = optimum(p, k)
    for prices in (rng.random(len(p.people)) * p.people, 3 * p.people * rng.random(len(p.people)),
                   np.zeros(len(p.people)), p.people, -p.people):
        assert dual_bound(p, k, prices)[0] >= opt - 1e-6


@pytest.mark.parametrize("seed", range(3))
def test_column_generation_ends_at_the_lp_optimum_of_the_whole_problem(seed):
    """From a pool of a few candidates, the LP grows until no candidate prices positively;
    its prices then prove exactly the LP optimum over every candidate."""
    rng = np.random.default_rng(500 + seed)
    p = geometric_problem(rng, 500, 2000, 0.05)
    k = 25
    lp = priced_lp(p, k, np.arange(5), seconds=60.0, tolerance=0.0)
    full = lp_optimum(p, k)
    assert lp.converged and lp.pool < 500
    assert lp.bound == pytest.approx(full, rel=1e-7)
    assert lp.bound >= full - 1e-6 * full


def test_a_stopped_column_generation_still_gives_a_bound():
    rng = np.random.default_rng(7)
    p = geometric_problem(rng, 400, 1500, 0.06)
    k = 20
    lp = priced_lp(p, k, np.arange(3), seconds=60.0, tolerance=0.0)
    one_round = priced_lp(p, k, np.arange(3), seconds=60.0, tolerance=1.0)  # stops after round 1
    assert one_round.rounds == 1 and not one_round.converged
    assert one_round.bound >= lp.bound - 1e-6 >= optimum(p, k) - 1e-6


def test_milp_stops_once_it_reaches_the_target():
    rng = np.random.default_rng(8)
    p = geometric_problem(rng, 300, 1200, 0.06)
    greedy_like = list(range(10))
    start = float(p.people[column_counts(p.cover, greedy_like) > 0].sum())
    got = solve_milp(p, 10, greedy_like, time_limit=60, gap_tolerance=0.0, target=start)
    assert got.status == "target reached" and got.value >= start


@pytest.mark.slow
def test_national_certified_k500_within_a_tenth_of_a_percent(default):
    rec = recommend(default, RecommendParams(count=500, method="certified"))
    assert rec.status in ("within tolerance", "optimal")
    assert rec.gap_pct <= 0.1
    assert round(rec.bound) >= rec.newly_covered


@pytest.mark.slow
def test_national_certified_stopped_by_its_time_limit_says_so_with_a_bound(default):
    """One second cannot certify K = 1,000 nationally (greedy alone is 1% off): the answer
    says "time limit", and its bound still holds: it is above K = 500's certified answer
    (1,000 outlets never cover fewer than 500)."""
    p = build_problem(default)
    limited = solve(p, 1000, "certified", time_limit=1.0)
    assert limited.status == "time limit"
    assert limited.gap_pct > 0.1
    assert limited.bound >= limited.value
    k500 = solve(p, 500, "certified")
    assert limited.bound >= k500.value
