"""Recommending outlets: greedy properties, brute force, spopt, land, accept/compare."""
from __future__ import annotations

import itertools
import json
import subprocess
import sys

import numpy as np
import pytest

from reach_planner.geo.compare import compare
from reach_planner.geo.grid import province_of
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.recommend import (
    Problem,
    RecommendParams,
    accept,
    build_problem,
    covered_by,
    exact,
    greedy,
    min_outlets_for_target,
    prune,
    recommend,
    solve_greedy,
)
from reach_planner.geo.scenario import run_scenario
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(outlets=3000, sites=300, seed=5))


def test_greedy_respects_k_and_gains_never_increase(result):
    rec = recommend(result, RecommendParams(count=40))
    assert len(rec.sites) == 40 and len(set(rec.sites["site_id"])) == 40
    assert all(g > 0 for g in rec.gains)
    p = build_problem(result)
    picks, gains = greedy(p, 60)
    assert np.all(np.diff(gains) <= 1e-6)  # submodular: marginal gains only shrink
    assert covered_by(p, picks) == pytest.approx(sum(gains))
    assert rec.covered_after >= rec.covered_before
    assert rec.newly_covered == pytest.approx(sum(rec.gains), abs=1)


def test_greedy_matches_brute_force_on_tiny_cases():
    rng = np.random.default_rng(2)
    for _ in range(20):
        n_c, n_d = 7, 12
        cover = (rng.random((n_c, n_d)) < 0.3)
        from scipy import sparse
        p = Problem(np.zeros(n_c), np.zeros(n_c), np.zeros(n_c, np.int64), [""] * n_c,
                    np.arange(n_d), rng.integers(1, 100, n_d).astype(float),
                    sparse.csr_matrix(cover), 30.0)
        for k in (1, 2, 3):
            best = max(covered_by(p, list(c)) for c in itertools.combinations(range(n_c), k))
            ours = covered_by(p, solve_greedy(p, k))
            assert ours == pytest.approx(best)


def test_greedy_is_within_2_percent_of_spopt_on_a_province(result):
    p = prune(build_problem(result, province=54), 200)
    opt = sum(exact(p, 8)[1])
    ours = covered_by(p, solve_greedy(p, 8))
    assert opt > 0 and ours <= opt + 1e-6
    assert ours >= 0.98 * opt


def test_exact_refuses_large_instances(result):
    with pytest.raises(ValueError, match="at most"):
        exact(build_problem(result), 5)
    with pytest.raises(ValueError, match="at most 50"):
        recommend(result, RecommendParams(count=60, method="exact"))


def test_recommended_outlets_lie_on_land_in_their_province(result):
    rec = recommend(result, RecommendParams(count=200))
    gb = province_of(rec.sites["lon"].to_numpy(), rec.sites["lat"].to_numpy())
    assert (gb > 0).all() and (gb == rec.sites["gb_code"].to_numpy()).all()
    assert (rec.sites["source"] == "recommended").all()


def test_accepting_gives_the_after_figure_and_compare_shows_it(result):
    rec = recommend(result, RecommendParams(count=120))
    net = accept(result.network, rec)
    assert len(net.outlets) == len(result.network.outlets) + 120
    assert net.outlets["site_id"].is_unique and (net.outlets["parent_id"] != "").all()
    after = run_scenario(result.params, network=net)
    assert after.summary.rural_covered == pytest.approx(rec.covered_after, abs=2)
    cmp = compare(result, after)
    assert cmp.row("service_outlets").change == 120
    assert cmp.newly_covered_people == pytest.approx(rec.newly_covered, rel=1e-6)
    assert not cmp.lost.any()


def test_minimum_outlets_for_a_target(result):
    target = result.summary.rural_covered_pct + 1.0
    rec = min_outlets_for_target(result, target)
    assert rec.reached and rec.pct_after >= target - 0.01
    fewer = recommend(result, RecommendParams(count=max(1, len(rec.sites) - 1)))
    assert 100 * fewer.covered_after / fewer.rural_population < target + 0.5
    unreachable = min_outlets_for_target(result, 100.0, max_count=5)
    assert not unreachable.reached and len(unreachable.sites) == 5


def test_recommend_by_province_stays_in_it(result):
    rec = recommend(result, RecommendParams(count=10, province=65))
    assert set(rec.sites["gb_code"]) == {65}
    assert list(rec.by_province["gb_code"]) == [65]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


def test_cli_recommend_json():
    p = run_cli("recommend", "--count", "25", "--json", "--outlets", "4000")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["count"] == 25 and len(d["outlets"]) == 25
    assert d["rural_covered_pct_after"] > d["rural_covered_pct_before"]
    assert {"newly_covered", "by_province", "solve_seconds", "method"} <= set(d)


@pytest.mark.parametrize("args,needle", [(["--count", "0"], "count must be between"),
                                         (["--count", "60", "--method", "exact"], "at most 50"),
                                         (["--target-pct", "150"], "at most 100")])
def test_cli_recommend_errors_are_one_line(args, needle):
    p = run_cli("recommend", *args)
    assert p.returncode != 0 and needle in p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
