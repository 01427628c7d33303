"""Siting over terrain (issue 21): gaps, candidate reach, picks, before and after all use
the scenario's distance, so every figure equals a re-run of the terrain scenario."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.recommend import (
    Candidates,
    RecommendParams,
    accept,
    min_outlets_for_target,
    recommend,
)
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.siting import decisions
from reach_planner.geo.siting.capacity import capacity, households
from reach_planner.geo.terrain import terrain_graph


@pytest.fixture(scope="module")
def terrain():
    return run_scenario(ScenarioParams(outlets=3000, sites=300, seed=5, distance="terrain"))


def rerun(result, network) -> int:
    return run_scenario(result.params, network=network).summary.rural_covered


def with_outlets(result, drop_ids=(), add=None):
    o = result.network.outlets
    outlets = o[~o["site_id"].isin(set(drop_ids))]
    if add is not None and len(add):
        outlets = gpd.GeoDataFrame(pd.concat([outlets, add], ignore_index=True), geometry="geometry",
                                   crs=o.crs)
    return result.network.with_layers(outlets=outlets)


def test_each_points_terrain_reach_is_its_own_dijkstra_and_their_union_is_coverage():
    tg = terrain_graph(10.0)
    g = tg.grid
    rng = np.random.default_rng(3)
    idx = rng.choice(np.flatnonzero(tg.tau_cell > 1.5), 60, replace=False)  # rugged land
    lon, lat = g.lon[idx] + rng.normal(0, 0.03, 60), g.lat[idx] + rng.normal(0, 0.03, 60)
    point, cell, km = tg.reach(lon, lat, 30.0)
    for k in range(0, 60, 12):
        alone = tg.distance(lon[k:k + 1], lat[k:k + 1])
        mine = point == k
        assert np.array_equal(np.sort(cell[mine]), np.flatnonzero(alone <= 30.0))
        assert np.array_equal(km[mine], alone[cell[mine]])  # bit for bit
    assert np.array_equal(np.unique(cell), np.flatnonzero(tg.distance(lon, lat) <= 30.0))


@pytest.mark.parametrize("province,count,method", [(63, 12, "greedy"), (53, 8, "exact")])
def test_province_run_over_terrain_equals_a_terrain_rerun(terrain, province, count, method):
    rec = recommend(terrain, RecommendParams(count=count, province=province, method=method))
    assert rec.distance == "terrain" and rec.to_dict()["distance"] == "terrain"
    assert rec.covered_before == terrain.summary.rural_covered
    assert rerun(terrain, accept(terrain.network, rec)) == pytest.approx(rec.covered_after, abs=2)
    assert round(rec.bound) >= rec.newly_covered


def test_national_certified_over_terrain_equals_a_rerun(terrain):
    rec = recommend(terrain, RecommendParams(count=60, method="certified"))
    assert rerun(terrain, accept(terrain.network, rec)) == pytest.approx(rec.covered_after, abs=2)
    assert rec.curve[-1] >= rec.newly_covered * 0.98  # the curve is terrain too


def test_target_and_own_candidates_over_terrain(terrain):
    rec = min_outlets_for_target(terrain, terrain.summary.rural_covered_pct + 0.5)
    assert rec.reached
    assert rerun(terrain, accept(terrain.network, rec)) == pytest.approx(rec.covered_after, abs=2)
    towns = terrain.demand.grid
    gap = np.flatnonzero(terrain.gaps.is_gap)[::40]
    cands = Candidates(towns.lon[gap] + 0.02, towns.lat[gap], towns.gb_code[gap], ["x"] * len(gap))
    own = recommend(terrain, RecommendParams(count=15, method="greedy"), candidates=cands)
    assert rerun(terrain, accept(terrain.network, own)) == pytest.approx(own.covered_after, abs=2)


def test_close_relocate_and_capacity_over_terrain(terrain):
    c = decisions.close(terrain, 800)
    assert c.covered_before == terrain.summary.rural_covered
    assert rerun(terrain, with_outlets(terrain, c.closed["site_id"])) == pytest.approx(c.covered_after, abs=2)
    r = decisions.relocate(terrain, 30)
    net = with_outlets(terrain, r.closure.closed["site_id"], r.added)
    assert rerun(terrain, net) == pytest.approx(r.covered_after, abs=2)
    cap = capacity(terrain, 10_000_000)
    covered = terrain.demand.rural[(terrain.demand.rural > 0) & terrain.coverage.covered]
    assert cap.households_covered == households(covered).sum() == cap.households_served


def test_backup_over_terrain_counts_terrain_reach(terrain):
    from reach_planner.geo.siting.backup import recommend_backup

    b = recommend_backup(terrain, 10, method="greedy")
    assert b.backed_up_before == terrain.summary.rural_backed_up
    net = with_outlets(terrain, add=b.sites)
    assert run_scenario(terrain.params, network=net).summary.rural_backed_up == pytest.approx(
        b.backed_up_after, abs=2)
