"""Closing and relocating outlets: after-figures equal re-runs, bounds hold (brute force)."""
from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.siting import decisions
from reach_planner.geo.siting.bound import lagrangian
from reach_planner.geo.siting.greedy import covered_by
from tests.test_recommend_solvers import random_problem


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(outlets=3000, sites=300, seed=5))


def rerun(result, drop_ids, add=None) -> int:
    o = result.network.outlets
    outlets = o[~o["site_id"].isin(set(drop_ids))]
    if add is not None and len(add):
        outlets = gpd.GeoDataFrame(pd.concat([outlets, add], ignore_index=True),
                                   geometry="geometry", crs=o.crs)
    net = result.network.with_layers(outlets=outlets)
    return run_scenario(result.params, network=net).summary.rural_covered


def test_close_after_equals_a_rerun_and_the_bound_holds(result):
    c = decisions.close(result, 2000)
    assert len(c.closed) == 2000 and c.closed["site_id"].is_unique
    assert c.lost == pytest.approx(sum(c.losses), abs=1) and c.lost > 0
    assert 0 <= c.lost_bound <= c.lost
    assert rerun(result, c.closed["site_id"]) == pytest.approx(c.covered_after, abs=2)


def test_close_bound_is_below_the_true_minimum_loss_on_tiny_instances():
    rng = np.random.default_rng(4)
    for _ in range(10):
        p = random_problem(rng, 8, 14, 0.35)
        total = covered_by(p, list(range(8)))
        for n in (1, 2, 3):
            best = min(total - covered_by(p, [j for j in range(8) if j not in c])
                       for c in itertools.combinations(range(8), n))
            _order, losses = decisions._greedy_close(p, n)
            assert sum(losses) >= best - 1e-6
            counts = decisions._counts(p, [])
            floor = np.sort(decisions._unique_losses(p, counts))[:n].sum()
            reach = p.people[counts > 0].sum()
            assert floor <= best + 1e-6
            assert reach - lagrangian(p, 8 - n, 0.0).value <= best + 1e-6


def test_relocate_after_equals_a_rerun_and_gains(result):
    r = decisions.relocate(result, 50)
    assert 0 < r.moved <= 50 and len(r.closure.closed) == r.moved
    assert r.net_gain > 0 and r.net_bound >= r.net_gain
    assert rerun(result, r.closure.closed["site_id"], r.added) == pytest.approx(r.covered_after, abs=2)
    assert "gains" in decisions.describe_relocation(r)


def test_backup_after_equals_a_recount_and_beats_greedy_or_ties(result):
    from reach_planner.geo.siting.backup import backed_up, recommend_backup

    b = recommend_backup(result, 30)
    extra = (b.sites["lon"].to_numpy(float), b.sites["lat"].to_numpy(float))
    assert backed_up(result, extra=extra) == pytest.approx(b.backed_up_after, abs=2)
    assert b.backed_up_after > b.backed_up_before == pytest.approx(backed_up(result), abs=1)
    g = recommend_backup(result, 30, method="greedy")
    assert b.backed_up_after >= g.backed_up_after and b.solution.bound >= b.solution.value


def test_capacity_never_assigns_beyond_c(result):
    from reach_planner.geo.siting.capacity import capacity, households

    covered = result.demand.rural[(result.demand.rural > 0) & result.coverage.covered]
    for c in (500, 20_000):
        cap = capacity(result, c)
        assert cap.load.max() <= c and cap.load.min() >= 0
        assert cap.households_served == cap.load.sum() <= cap.households_covered
        assert cap.households_covered == households(covered).sum()
        assert (cap.overloaded["nearest_households"] > c).all()
        assert len(cap.overloaded) == int((cap.nearest_load > c).sum())
    roomy = capacity(result, 10_000_000)
    assert roomy.households_served == roomy.households_covered and roomy.people_beyond_capacity == 0
    tight, loose = capacity(result, 500), capacity(result, 20_000)
    assert tight.people_beyond_capacity > loose.people_beyond_capacity
