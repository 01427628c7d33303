"""Relocation as one model (issue 21.4): the joint close-and-open model against exhaustive
optima (bound >= optimum >= answer), never worse than adding N outlets when N closures
lose nobody, after-figures equal to re-runs, and the national figure (slow)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse

from reach_planner.geo.siting import joint
from reach_planner.geo.siting.joint import JointProblem, Move, solve_joint


def random_joint(rng: np.random.Generator, outlets: int, cands: int, cells: int,
                 density: float) -> JointProblem:
    people = rng.integers(1, 1000, cells).astype(float)
    b = sparse.csr_matrix(rng.random((outlets, cells)) < density)
    a = sparse.csr_matrix(rng.random((cands, cells)) < density)
    return JointProblem(people, a, b)


def exhaustive(p: JointProblem, count: int) -> float:
    """The best relocation of at most ``count`` outlets, trying every one."""
    best = p.value([], [])
    for m in range(1, count + 1):
        for shut in itertools.combinations(range(p.outlets), m):
            for new in itertools.combinations(range(p.candidates), m):
                best = max(best, p.value(list(new), list(shut)))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_joint_model_matches_exhaustive_optima_and_its_bound_holds(seed):
    rng = np.random.default_rng(seed)
    p = random_joint(rng, 6, 6, 16, 0.25)
    for n in (1, 2, 3):
        opt = exhaustive(p, n)
        ans = solve_joint(p, n, [])
        assert ans.bound >= opt - 1e-6
        assert ans.move.value == pytest.approx(opt)
        assert ans.move.value == pytest.approx(p.value(ans.move.opened, ans.move.closed))
        assert len(ans.move.opened) == len(ans.move.closed) <= n


@pytest.mark.parametrize("seed", range(6))
def test_lagrangian_bound_and_fixings_hold_at_any_prices(seed):
    """The relaxed value is a bound at any prices, and the variables it fixes are fixed in
    every optimum better than the incumbent (here: the optimum minus one person)."""
    rng = np.random.default_rng(50 + seed)
    p = random_joint(rng, 6, 7, 14, 0.3)
    for n in (1, 2, 3):
        opt = exhaustive(p, n)
        prices = rng.random(len(p.people)) * p.people
        assert joint.lagrange_value(p, n, prices)[0] >= opt - 1e-6
        lag = joint.lagrangian(p, n, opt, steps=300)
        assert lag.value >= opt - 1e-6
        keep, out = joint.fixings(p, n, lag, opt - 1)
        small, cand, outl, _cells = joint.reduce(p, n, keep, out)
        assert exhaustive(small, n) == pytest.approx(opt)
        assert small.base + small.people.sum() >= opt - 1e-6
        assert len(cand) == p.candidates - out.sum() and len(outl) == p.outlets - keep.sum()


def test_a_warm_start_is_never_lost():
    rng = np.random.default_rng(3)
    p = random_joint(rng, 6, 6, 16, 0.25)
    start = Move([0, 1], [2, 3], p.value([0, 1], [2, 3]))
    ans = solve_joint(p, 2, [start])
    assert ans.move.value >= start.value


# -- on scenarios -------------------------------------------------------------------------
import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402

from reach_planner.geo.params import ScenarioParams  # noqa: E402
from reach_planner.geo.recommend import RecommendParams, recommend  # noqa: E402
from reach_planner.geo.scenario import run_scenario  # noqa: E402
from reach_planner.geo.siting import decisions  # noqa: E402


def rerun(result, drop_ids, add) -> int:
    o = result.network.outlets
    outlets = o[~o["site_id"].isin(set(drop_ids))]
    if len(add):
        outlets = gpd.GeoDataFrame(pd.concat([outlets, add], ignore_index=True),
                                   geometry="geometry", crs=o.crs)
    return run_scenario(result.params, network=result.network.with_layers(outlets=outlets)
                        ).summary.rural_covered


@pytest.fixture(scope="module")
def twins():
    """A scenario where 60 outlets have a twin at the same place: closing 60 loses nobody."""
    base = run_scenario(ScenarioParams(outlets=2000, sites=200, seed=11))
    o = base.network.outlets
    copy = o.iloc[::30].head(60).copy()
    copy["site_id"] = [f"TW{k:04d}" for k in range(len(copy))]
    outlets = gpd.GeoDataFrame(pd.concat([o, copy], ignore_index=True), geometry="geometry",
                               crs=o.crs)
    return run_scenario(base.params, network=base.network.with_layers(outlets=outlets))


@pytest.mark.parametrize("count", [25, 60])
def test_relocation_is_never_worse_than_adding_n_when_n_closures_lose_nobody(twins, count):
    assert decisions.close(twins, count).lost == 0
    for method in ("greedy", "certified"):
        add = recommend(twins, RecommendParams(count=count, method=method))
        move = decisions.relocate(twins, count, method=method)
        assert move.net_gain >= add.newly_covered
        assert move.net_bound >= move.net_gain and 0 <= move.gap_pct < 100
        assert move.moved == len(move.closure.closed) <= count
        assert rerun(twins, move.closure.closed["site_id"], move.added) == pytest.approx(
            move.covered_after, abs=2)
        # no relocation gains more than adding N to today's network could
        assert move.net_bound <= round(add.bound) + 1


def test_relocation_carries_its_bound_gap_and_status(twins):
    move = decisions.relocate(twins, 20)
    d = move.to_dict()
    assert d["net_bound"] == move.bound >= d["net_gain"] == move.value
    assert d["gap_pct"] == move.gap_pct and d["status"] == move.status
    assert move.status in ("optimal", "within tolerance", "time limit", "heuristic")
    text = decisions.describe_relocation(move)
    assert f"{move.net_bound:,}" in text and f"{move.gap_pct:.2f}%" in text


@pytest.mark.parametrize("distance", ["straight", "terrain"])
def test_the_joint_model_counts_what_a_rerun_counts(distance):
    """No move is today's coverage, and the model's value of an answer is its re-run's
    (terrain reach when the scenario measures over terrain)."""
    r = run_scenario(ScenarioParams(outlets=1500, sites=150, seed=2, distance=distance))
    move = decisions.relocate(r, 15)
    assert move.covered_before == r.summary.rural_covered
    assert rerun(r, move.closure.closed["site_id"], move.added) == pytest.approx(
        move.covered_after, abs=2)
    lon, lat = move.added["lon"].to_numpy(float), move.added["lat"].to_numpy(float)
    jp = decisions.joint_problem(r, lon, lat, r.params.radius_km)
    assert jp.value([], []) == pytest.approx(r.summary.rural_covered, abs=2)
    where = {sid: i for i, sid in enumerate(r.network.outlets["site_id"])}
    shut = [where[s] for s in move.closure.closed["site_id"]]
    assert jp.value(list(range(len(lon))), shut) == pytest.approx(move.covered_after, abs=2)


@pytest.mark.slow
def test_national_relocate_200_beats_or_ties_adding_200_within_its_bound():
    r = run_scenario()
    add = recommend(r, RecommendParams(count=200, method="certified"))
    move = decisions.relocate(r, 200)
    assert move.net_gain >= add.newly_covered
    assert move.net_bound >= move.net_gain and move.gap_pct <= 0.1
