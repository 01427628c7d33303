"""The per-county table (issue 22): whole people that add up, county -> province -> country."""
from __future__ import annotations

import json

import numpy as np
import pytest

from reach_planner.geo.counties import county_bounds, county_index, divisions
from reach_planner.geo.county_table import apportion
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario

SCENARIOS = {"default": {}, "coarse": dict(seed=3, sites=1000, outlets=8000, rural_bias=0.3, cell_km=20.0)}
FIGURES = ("rural_population", "rural_covered", "rural_unreached", "outlets")


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def result(request):
    return run_scenario(ScenarioParams(**SCENARIOS[request.param]))


def test_counties_add_up_to_every_province_exactly(result):
    s = result.summary
    for p in s.provinces:
        mine = [c for c in s.counties if c.gb_code == p.gb_code]
        assert mine, p.name_en
        for key in FIGURES:
            assert sum(getattr(c, key) for c in mine) == getattr(p, key), (p.name_en, key)
        assert {c.province for c in mine} == {p.name_en} and {c.province_zh for c in mine} == {p.name_zh}


def test_counties_and_provinces_add_up_to_the_national_figures(result):
    s = result.summary
    assert s.rural_unreached == s.rural_population - s.rural_covered  # was one person off
    for key in ("rural_population", "rural_covered", "rural_unreached"):
        assert sum(getattr(c, key) for c in s.counties) == getattr(s, key), key
        assert sum(getattr(p, key) for p in s.provinces) == getattr(s, key), key
    assert sum(c.outlets for c in s.counties) == s.service_outlets
    for p in s.provinces:
        assert p.rural_unreached == p.rural_population - p.rural_covered, p.name_en


def test_whole_people_stay_within_one_of_the_cells_exact_sums(result):
    d, cov = result.demand, result.coverage.covered
    row = county_index(d.grid)
    n = len(divisions())
    rural = np.bincount(row, weights=d.rural, minlength=n)
    covered = np.bincount(row, weights=d.rural * cov, minlength=n)
    got_r = np.array([c.rural_population for c in result.summary.counties])
    got_c = np.array([c.rural_covered for c in result.summary.counties])
    assert np.abs(got_r - rural).max() < 1.0 and np.abs(got_c - covered).max() < 1.0
    assert (got_c <= got_r).all() and (got_c >= 0).all()
    for p in result.summary.provinces:
        sel = d.grid.gb_code == p.gb_code
        assert abs(p.rural_population - d.rural[sel].sum()) < 1.0
        assert abs(p.rural_covered - d.rural[sel & cov].sum()) < 1.0


def test_outlets_are_counted_in_the_unit_their_location_falls_in(result):
    o = result.network.outlets
    div = divisions()
    # the unit of an outlet is the unit of its nearest seat in its province: brute force here
    counts = np.zeros(len(div), dtype=int)
    for lon, lat, gb in zip(o["lon"].to_numpy()[:400], o["lat"].to_numpy()[:400], o["gb_code"].to_numpy()[:400]):
        cand = np.flatnonzero(div.gb_code == gb)
        lat1, lat2 = np.radians(lat), np.radians(div.lat[cand])
        dl = np.radians(div.lon[cand] - lon)
        cosd = np.sin(lat1) * np.sin(lat2) + np.cos(lat1) * np.cos(lat2) * np.cos(dl)
        counts[cand[np.argmax(cosd)]] += 1
    from reach_planner.geo.counties import county_of_points
    fast = county_of_points(o["lon"].to_numpy()[:400], o["lat"].to_numpy()[:400], o["gb_code"].to_numpy()[:400])
    assert (np.bincount(fast, minlength=len(div)) == counts).all()


def test_county_rows_carry_their_figures_and_names_in_json(result):
    d = json.loads(result.summary.to_json())
    c = next(c for c in d["counties"] if c["name_zh"] == "思明区")  # Xiamen's core
    assert c["prefecture_zh"] == "厦门市" and c["province_zh"] == "福建省" and c["province"] == "Fujian"
    assert c["rural_unreached"] == c["rural_population"] - c["rural_covered"]
    for c in d["counties"]:
        if c["rural_population"] > 1000:
            assert c["outlets_per_100k_rural"] == pytest.approx(c["outlets"] / c["rural_population"] * 1e5,
                                                                rel=1e-2, abs=0.01)
    regions = result.gaps.regions
    assert sum(c["gap_regions"] for c in d["counties"]) == len(regions)
    top = regions.iloc[0]
    county = next(c for c in d["counties"] if c["adcode"] == int(top["county_adcode"]))
    assert county["largest_gap_population"] == round(float(top["rural_unreached"]))


def test_apportion_hits_the_total_within_one_of_each_value():
    v = np.array([0.4, 1.6, 2.5, 0.0, 7.49])
    out = apportion(v, 12)
    assert out.sum() == 12 and (np.abs(out - v) < 1).all()
    assert apportion(v, 12).tolist() == out.tolist()  # deterministic
    assert apportion(np.array([0.5, 0.5]), 1).tolist() == [1, 0]  # ties: the first row


def test_apportion_respects_a_cap_and_gives_back_when_the_floors_exceed():
    out = apportion(np.array([3.0, 2.9, 0.2]), 5, cap=np.array([3, 2, 1]))
    assert out.tolist() == [3, 2, 0]
    assert apportion(np.array([2.0, 3.0000001]), 4).tolist() == [1, 3]  # the smallest remainder gives
    with pytest.raises(ValueError, match="cannot apportion"):
        apportion(np.array([1.0, 1.0]), 5, cap=np.array([1, 2]))


def test_county_bounds_hold_the_seat_and_its_cells(result):
    div = divisions()
    i = int(np.flatnonzero(div.name_zh == "思明区")[0])
    w, s, e, n = county_bounds(result.demand.grid, int(div.adcode[i]))
    assert w <= div.lon[i] <= e and s <= div.lat[i] <= n
    assert e - w < 2 and n - s < 2
    assert county_bounds(result.demand.grid, 999999) is None
