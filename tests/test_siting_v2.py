"""Issue 21: backup coverage re-counted with a bound that holds, rural_backed_up in the
summary, province runs split in-province / across the border, relocation never worse
than adding N outlets when the closures lose nobody."""
from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.recommend import RecommendParams, accept, recommend
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.siting import decisions
from reach_planner.geo.siting.backup import backed_up, recommend_backup
from reach_planner.geo.siting.bound import lagrangian
from reach_planner.geo.siting.picks_io import write_picks
from reach_planner.geo.siting.problem import Candidates, column_counts
from reach_planner.geo.sphere import haversine_km
from reach_planner.geo.summary import format_table
from tests.test_recommend_solvers import random_problem


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(outlets=3000, sites=300, seed=5))


def test_backup_after_is_recounted_and_its_bound_holds(result):
    b = recommend_backup(result, 100)
    extra = (b.sites["lon"].to_numpy(float), b.sites["lat"].to_numpy(float))
    gain = backed_up(result, extra=extra) - backed_up(result)
    assert b.backed_up_after - b.backed_up_before == pytest.approx(gain, abs=2)
    assert b.solution.value == pytest.approx(gain, abs=1)
    assert b.solution.bound >= gain  # picks that overlap also back up unreached cells


def test_backup_bound_holds_against_exhaustive_optima(result):
    """Pairs of candidates 10 km apart at the edge of coverage: two picks back up
    unreached cells between them, which a singles-only bound misses."""
    counts = result.coverage.outlets_in_reach
    g, rural = result.demand.grid, result.demand.rural
    single = np.flatnonzero((counts == 1) & (rural > 0))
    zero = np.flatnonzero((counts == 0) & (rural > 0))
    near = haversine_km(g.lon[single][:, None], g.lat[single][:, None], g.lon[zero][None, :],
                        g.lat[zero][None, :]).min(axis=1) if len(zero) < 3000 else None
    pick = single[np.argsort(-rural[single])] if near is None else single[near < 15]
    pick = pick[np.argsort(-rural[pick])][:4]
    lon = np.concatenate([g.lon[pick], g.lon[pick] + 0.1])
    lat = np.concatenate([g.lat[pick], g.lat[pick]])
    cands = Candidates(lon, lat, g.gb_code[np.concatenate([pick, pick])], [""] * 8)
    before = backed_up(result)
    for k in (2, 3):
        best = max(backed_up(result, extra=(lon[list(c)], lat[list(c)])) - before
                   for c in itertools.combinations(range(8), k))
        b = recommend_backup(result, k, candidates=cands, method="exact")
        assert b.solution.bound >= best - 1e-6
        assert b.backed_up_after - b.backed_up_before <= best + 1


def test_needs_bound_is_above_brute_force_on_tiny_instances():
    rng = np.random.default_rng(7)
    for _ in range(12):
        p = random_problem(rng, 9, 15, 0.3)
        need = rng.integers(1, 3, 15).astype(float)
        for k in (1, 2, 3, 4):
            best = max(float(p.people[column_counts(p.cover, list(c)) >= need].sum())
                       for c in itertools.combinations(range(9), k))
            assert lagrangian(p, k, 0.0, need=need).value >= best - 1e-6


def test_backup_picks_file_names_their_province(result, tmp_path):
    b = recommend_backup(result, 12, method="greedy")
    path = write_picks(tmp_path / "backup.csv", b.sites, tuple(b.solution.gains))
    table = pd.read_csv(path, encoding="utf-8-sig")
    assert len(table) == 12 and table["province"].notna().all() and (table["province"] != "").all()


def test_summary_reports_rural_backed_up(result):
    g, rural, o = result.demand.grid, result.demand.rural, result.network.outlets
    cells = np.flatnonzero(rural > 0)
    counts = np.zeros(len(cells), dtype=np.int64)
    olon, olat = o["lon"].to_numpy(float), o["lat"].to_numpy(float)
    for a in range(0, len(cells), 4000):  # brute force: every cell against every outlet
        c = cells[a:a + 4000]
        d = haversine_km(g.lon[c][:, None], g.lat[c][:, None], olon[None, :], olat[None, :])
        counts[a:a + 4000] = (d <= result.params.radius_km).sum(axis=1)
    want = float(rural[cells][counts >= 2].sum())
    s = result.summary
    assert s.rural_backed_up == pytest.approx(want, rel=1e-6)
    assert s.to_dict()["rural_backed_up"] == s.rural_backed_up and 0 < s.rural_backed_up_pct < 100
    assert "Rural backed up" in format_table(s)


@pytest.mark.parametrize("province", [64, 63])
def test_province_run_splits_in_province_and_across_the_border(result, province):
    rec = recommend(result, RecommendParams(count=10, province=province, method="greedy"))
    after = run_scenario(result.params, network=accept(result.network, rec))
    new = after.coverage.covered & ~result.coverage.covered
    inside = result.demand.grid.gb_code == province
    rural = result.demand.rural
    assert rec.newly_covered_in_province == pytest.approx(rural[new & inside].sum(), abs=2)
    assert rec.newly_covered_across_border == pytest.approx(rural[new & ~inside].sum(), abs=2)
    d = rec.to_dict()
    assert d["newly_covered_in_province"] + d["newly_covered_across_border"] == d["newly_covered"]
    assert d["province"] == province


def test_relocation_is_never_worse_than_adding_when_closures_lose_nobody(result):
    """Twins of 40 outlets: closing them loses nobody, so moving 40 must gain at least
    what adding 40 gains."""
    o = result.network.outlets
    twins = o.iloc[:40].copy()
    twins["site_id"] = [f"TW{k:04d}" for k in range(40)]
    outlets = gpd.GeoDataFrame(pd.concat([o, twins], ignore_index=True), geometry="geometry", crs=o.crs)
    doubled = run_scenario(result.params, network=result.network.with_layers(outlets=outlets))
    add = recommend(doubled, RecommendParams(count=40, method="certified"))
    move = decisions.relocate(doubled, 40)
    assert move.closure.lost == 0
    assert move.net_gain >= add.newly_covered
    assert move.net_bound >= move.net_gain


@pytest.mark.parametrize("seed", range(3))
def test_certified_bound_holds_against_highs_optima(seed):
    """bound >= HiGHS's proven optimum >= the certified answer, on instances big enough
    for the LP stage (a small pool, a restricted MILP) and small enough to solve exactly."""
    from reach_planner.geo.siting.exact import solve_milp
    from reach_planner.geo.siting.solve import _certify, solve

    rng = np.random.default_rng(100 + seed)
    p = random_problem(rng, 80, 300, 0.04)
    for k in (4, 9):
        opt = solve_milp(p, k, [], time_limit=60, gap_tolerance=0.0)
        assert opt.status == "optimal"
        sol = solve(p, k, "certified")
        assert sol.bound >= opt.value - 1e-6 >= sol.value - 2e-6
        seen = np.zeros(80, dtype=bool)
        seen[rng.choice(80, 12, replace=False)] = True  # a pool that misses the optimum's sites
        picks, value, bound = _certify(p, k, [0, 1, 2, 3][:k], covered_by_set(p, [0, 1, 2, 3][:k]),
                                       float("inf"), seen, 30.0, 1e-3, None)
        assert bound >= opt.value - 1e-6 >= value - 2e-6


def covered_by_set(p, picks) -> float:
    return float(p.people[column_counts(p.cover, picks) > 0].sum())


@pytest.fixture(scope="module")
def default():
    return run_scenario()


@pytest.mark.slow
def test_national_backup_bound_holds_against_the_recounted_gain(default):
    b = recommend_backup(default, 100)
    extra = (b.sites["lon"].to_numpy(float), b.sites["lat"].to_numpy(float))
    gain = backed_up(default, extra=extra) - backed_up(default)
    assert b.backed_up_after - b.backed_up_before == pytest.approx(gain, abs=2)
    assert b.solution.bound >= gain


@pytest.mark.slow
def test_national_certified_k500_is_within_a_tenth_of_a_percent_of_its_bound(default):
    rec = recommend(default, RecommendParams(count=500, method="certified"))
    assert rec.status in ("within tolerance", "optimal") and rec.gap_pct <= 0.1
    assert round(rec.bound) >= rec.newly_covered
