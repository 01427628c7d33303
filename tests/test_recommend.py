"""Recommending outlets on a scenario: accounting equals a re-run (national, province),
exact vs greedy, no padding, own candidates, the curve, border gap regions."""
from __future__ import annotations

import numpy as np
import pytest

from reach_planner.geo.compare import compare
from reach_planner.geo.grid import province_of
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.recommend import (
    Candidates,
    RecommendParams,
    accept,
    build_problem,
    covered_by,
    greedy,
    min_outlets_for_target,
    recommend,
)
from reach_planner.geo.scenario import run_scenario


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(outlets=3000, sites=300, seed=5))


def rerun_covered(result, rec) -> int:
    return run_scenario(result.params, network=accept(result.network, rec)).summary.rural_covered


def test_greedy_respects_k_and_gains_never_increase(result):
    rec = recommend(result, RecommendParams(count=40))
    assert len(rec.sites) == 40 and len(set(rec.sites["site_id"])) == 40
    assert all(g > 0 for g in rec.gains)
    p = build_problem(result)
    picks, gains = greedy(p, 60)
    assert np.all(np.diff(gains) <= 1e-6)  # submodular: marginal gains only shrink
    assert covered_by(p, picks) == pytest.approx(sum(gains))
    assert rec.newly_covered == pytest.approx(sum(rec.gains), abs=1)
    assert rec.bound >= rec.newly_covered and rec.gap_pct is not None


def test_national_after_equals_a_rerun_and_compare_shows_it(result):
    rec = recommend(result, RecommendParams(count=120, method="certified"))
    net = accept(result.network, rec)
    assert len(net.outlets) == len(result.network.outlets) + 120
    assert net.outlets["site_id"].is_unique and (net.outlets["parent_id"] != "").all()
    after = run_scenario(result.params, network=net)
    assert after.summary.rural_covered == pytest.approx(rec.covered_after, abs=2)
    cmp = compare(result, after)
    assert cmp.row("service_outlets").change == 120
    assert cmp.newly_covered_people == pytest.approx(rec.newly_covered, rel=1e-6)


@pytest.mark.parametrize("province,count", [(64, 10), (11, 3), (63, 20)])
def test_province_after_equals_a_rerun_across_the_border(result, province, count):
    rec = recommend(result, RecommendParams(count=count, province=province, method="exact"))
    assert set(rec.sites["gb_code"]) <= {province}
    assert rerun_covered(result, rec) == pytest.approx(rec.covered_after, abs=2)


def test_exact_is_at_least_greedy_and_proves_its_bound(result):
    for province, count in ((63, 15), (54, 8)):
        params = dict(count=count, province=province)
        g = recommend(result, RecommendParams(**params, method="greedy"))
        ex = recommend(result, RecommendParams(**params, method="exact"))
        assert ex.newly_covered >= g.newly_covered
        assert ex.status == "optimal" and ex.bound == pytest.approx(ex.newly_covered, abs=1)
        assert g.bound >= ex.newly_covered - 1  # greedy's bound holds for the optimum too
        assert ex.candidates_used == build_problem(result, province=province).cover.shape[0]


def test_no_padding_when_a_province_runs_out_of_gaps(result):
    rec = recommend(result, RecommendParams(count=400, province=64, method="exact"))
    assert rec.covers_all and len(rec.sites) < 400 and all(g > 0 for g in rec.gains)
    assert "already cover every gap" in rec.quality()
    more = recommend(result, RecommendParams(count=len(rec.sites) + 50, province=64))
    assert more.newly_covered == rec.newly_covered and len(more.sites) <= len(rec.sites) + 50


def test_only_the_planners_candidates_are_chosen(result):
    g = result.demand.grid
    gap = np.flatnonzero(result.gaps.is_gap & (g.gb_code == 62))[:40]
    cands = Candidates(g.lon[gap] + 0.01, g.lat[gap], g.gb_code[gap],
                       [f"C{i}" for i in range(len(gap))])
    rec = recommend(result, RecommendParams(count=5, method="exact"), candidates=cands)
    assert rec.candidates_used == 40 and 0 < len(rec.sites) <= 5
    names = {n.split("near ")[-1].rstrip(")") for n in rec.sites["name"]}
    assert names <= {f"C{i}" for i in range(40)}
    assert rerun_covered(result, rec) == pytest.approx(rec.covered_after, abs=2)


def test_recommended_outlets_lie_on_land_in_their_province(result):
    rec = recommend(result, RecommendParams(count=200))
    gb = province_of(rec.sites["lon"].to_numpy(), rec.sites["lat"].to_numpy())
    assert (gb > 0).all() and (gb == rec.sites["gb_code"].to_numpy()).all()
    assert (rec.sites["source"] == "recommended").all()


def test_minimum_outlets_for_a_target(result):
    target = result.summary.rural_covered_pct + 1.0
    rec = min_outlets_for_target(result, target)
    assert rec.reached and rec.pct_after >= target - 0.01
    fewer = recommend(result, RecommendParams(count=max(1, len(rec.sites) - 1)))
    assert 100 * fewer.covered_after / fewer.rural_population < target + 0.5
    unreachable = min_outlets_for_target(result, 100.0, max_count=5)
    assert not unreachable.reached and len(unreachable.sites) == 5


def test_coverage_curve_and_its_marks(result):
    rec = recommend(result, RecommendParams(count=300))
    curve = np.asarray(rec.curve)
    assert len(curve) == 301 and curve[0] == 0
    assert np.all(np.diff(curve) >= 0) and np.all(np.diff(curve, 2) <= 1e-6)
    assert curve[-1] <= rec.newly_covered + 1  # the answer is at least the greedy curve's end
    for pct, k in rec.curve_marks().items():
        need = pct / 100 * rec.rural_population - rec.covered_before
        if k is None:
            assert curve[-1] < need - 0.5
        else:
            assert curve[k] >= need - 0.5 and (k == 0 or curve[k - 1] < need - 0.5)


def test_every_province_with_unreached_people_shows_its_gap_regions(result):
    for scen in (result, run_scenario()):
        for p in scen.summary.provinces:
            assert (p.gap_regions > 0) == (p.rural_unreached > 0), p.name_en
        shares = scen.gaps.shares
        assert shares["rural_unreached"].sum() == pytest.approx(
            scen.gaps.regions["rural_unreached"].sum())
        # regions stop at province borders (issue 9: the populated west would otherwise be
        # one region across five provinces), so each region has exactly one share
        assert (shares.groupby("rank").size() == 1).all()
        assert shares.set_index("rank")["gb_code"].to_dict() == dict(
            zip(scen.gaps.regions["rank"], scen.gaps.regions["gb_code"]))
