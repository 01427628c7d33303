"""Core (Qt-free) behaviour: data, simulation, demand, coverage, gaps, summary."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import shapely

from reach_planner.geo.coverage import compute_coverage
from reach_planner.geo.data import load_census, load_china
from reach_planner.geo.demand import build_demand
from reach_planner.geo.gaps import find_gaps
from reach_planner.geo.grid import build_grid, province_of
from reach_planner.geo.params import ParameterError, ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.simulate import apportion, simulate_network
from reach_planner.geo.sphere import haversine_km
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def default_result():
    return run_scenario(ScenarioParams())


def test_bundled_data_has_31_provinces_with_names_and_codes():
    china = load_china()
    p = china.provinces
    assert len(p) == 31
    assert sorted(p["gb_code"]) == sorted(load_census()["gb_code"])
    assert p["name_zh"].str.len().min() >= 2 and p["name_en"].str.len().min() >= 5
    assert p.crs.to_epsg() == 4326 and p.geometry.is_valid.all()
    assert len(china.places) > 15000
    assert set(china.places["gb_code"]) == set(p["gb_code"])


def test_census_matches_nbs_totals():
    c = load_census()
    assert int(c["pop_2020_census"].sum()) == 1_409_778_724
    gd = c.set_index("gb_code").loc[44]
    assert gd["pop_2020_census"] == 126_012_510 and gd["urban_share_pct_2020"] == 74.15


def test_default_scenario_matches_the_announcement(default_result):
    n = default_result.network
    assert len(n.sites) == 2800 and len(n.outlets) == 17000
    assert set(n.outlets["parent_id"]) <= set(n.sites["site_id"])
    assert (n.outlets["parent_id"] != "").all()


def test_per_province_counts_follow_population(default_result):
    n = default_result.network
    c = load_census().set_index("gb_code")
    counts = n.outlets.groupby("gb_code").size()
    expected = c["pop_2020_census"] / c["pop_2020_census"].sum() * 17000
    assert (np.abs(counts - expected.loc[counts.index]) <= 1).all()


def test_simulation_is_deterministic_per_seed():
    a = simulate_network(ScenarioParams(seed=7, outlets=2000, sites=300))
    b = simulate_network(ScenarioParams(seed=7, outlets=2000, sites=300))
    c = simulate_network(ScenarioParams(seed=8, outlets=2000, sites=300))
    assert a.outlets[["lon", "lat"]].equals(b.outlets[["lon", "lat"]])
    assert a.sites[["lon", "lat", "name"]].equals(b.sites[["lon", "lat", "name"]])
    assert not a.outlets[["lon", "lat"]].equals(c.outlets[["lon", "lat"]])


@pytest.mark.parametrize("strategy", ["population", "towns", "uniform"])
def test_every_site_is_on_land_in_its_own_province(strategy):
    net = simulate_network(ScenarioParams(seed=3, strategy=strategy))
    for layer in (net.sites, net.outlets):
        gb = province_of(layer["lon"].to_numpy(), layer["lat"].to_numpy())
        assert (gb == layer["gb_code"].to_numpy()).all()


def test_distribution_sites_favour_seats_of_government(default_result):
    places = load_china().places
    seats = set(places.loc[places["feature_code"].isin(["PPLA", "PPLA2", "PPLA3"]),
                           "name"] + " distribution centre")
    share_sites = default_result.network.sites["name"].isin(seats).mean()
    share_places = places["feature_code"].isin(["PPLA", "PPLA2", "PPLA3"]).mean()
    assert share_sites > 3 * share_places


def test_rural_demand_sums_to_census_per_province():
    d = build_demand(10.0)
    c = load_census()
    for code, rural, urban in zip(c["gb_code"], c["rural_pop"], c["urban_pop"]):
        sel = d.grid.gb_code == code
        assert abs(d.rural[sel].sum() - rural) <= 0.001 * rural
        assert abs(d.urban[sel].sum() - urban) <= 0.001 * urban


def test_grid_is_equal_area_at_the_documented_spacing():
    g = build_grid(10.0)
    assert g.cell_area_km2 == pytest.approx(86.6, abs=0.1)
    # ~9.4 M km2 of land centres: close to mainland China's 9.6 M km2
    assert 9.0e6 < g.size * g.cell_area_km2 < 9.8e6
    areas = shapely.area(g.polygons(np.arange(0, g.size, 5000)))
    assert np.all(areas > 0)


def test_coverage_matches_brute_force_on_a_small_case(default_result):
    rng = np.random.default_rng(0)
    d = default_result.demand
    net = simulate_network(ScenarioParams(seed=11, outlets=60, sites=31))
    cov = compute_coverage(d, net, 30.0, 100.0)
    sample = rng.choice(d.grid.size, 400, replace=False)
    ol, oa = net.outlets["lon"].to_numpy(), net.outlets["lat"].to_numpy()
    for i in sample:
        brute = haversine_km(d.grid.lon[i], d.grid.lat[i], ol, oa).min()
        assert cov.dist_outlet_km[i] == pytest.approx(brute, rel=1e-6, abs=1e-6)


def test_gaps_are_populated_uncovered_cells_ranked_by_people(default_result):
    r = default_result
    gaps = r.gaps
    assert np.array_equal(gaps.is_gap, (r.demand.rural > 0) & ~r.coverage.covered)
    pops = gaps.regions["rural_unreached"].to_numpy()
    assert np.all(np.diff(pops) <= 0)
    total = r.demand.rural[gaps.is_gap].sum()
    assert pops.sum() == pytest.approx(total, rel=1e-9)
    assert r.summary.rural_unreached == pytest.approx(total, abs=1)
    # cells of one region are connected and carry its rank
    assert set(np.unique(gaps.region[gaps.is_gap])) == set(range(len(pops)))


def test_gap_regions_merge_adjacent_cells_only():
    d = build_demand(10.0)
    net = simulate_network(ScenarioParams(seed=1, outlets=0, sites=31))
    cov = compute_coverage(d, net, 30.0, 100.0)
    gaps = find_gaps(d, cov)
    # with no outlets every populated cell is a gap; Hainan is an island so it is its own region
    hainan = gaps.region[(d.grid.gb_code == 46) & gaps.is_gap]
    mainland = gaps.region[(d.grid.gb_code == 44) & gaps.is_gap]
    assert len(np.unique(hainan)) >= 1 and not set(hainan) & set(mainland)


def test_summary_json_schema(default_result):
    data = json.loads(default_result.summary.to_json())
    for key in ["schema_version", "params", "distribution_sites", "service_outlets",
                "rural_population", "rural_covered", "rural_covered_pct", "rural_unreached",
                "urban_population", "urban_covered", "urban_covered_pct", "area_covered_km2",
                "gap_regions", "largest_gaps", "provinces", "context"]:
        assert key in data
    assert len(data["provinces"]) == 31
    assert data["rural_population"] == pytest.approx(load_census()["rural_pop"].sum(), rel=1e-6)
    assert 0 < data["rural_covered_pct"] < 100
    prov = data["provinces"][0]
    assert {"name_en", "name_zh", "outlets_per_100k_rural", "largest_gap_population"} <= set(prov)
    assert sum(p["outlets"] for p in data["provinces"]) == 17000


def test_more_outlets_never_cover_less():
    a = run_scenario(ScenarioParams(outlets=2000)).summary
    b = run_scenario(ScenarioParams(outlets=8000)).summary
    assert b.rural_covered_pct > a.rural_covered_pct


def test_apportion_sums_exactly():
    w = np.array([1.0, 2.0, 3.0, 0.5])
    assert apportion(17, w).sum() == 17
    assert apportion(3, w, minimum=1).sum() == 3


@pytest.mark.parametrize("kwargs", [{"outlets": -1}, {"radius_km": 0}, {"strategy": "x"},
                                    {"rural_bias": 2}, {"seed": 1.5}])
def test_parameters_are_validated(kwargs):
    with pytest.raises(ParameterError):
        ScenarioParams(**kwargs)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_cli_summary_json():
    p = run_cli("summary", "--json", "--outlets", "500", "--sites", "100", "--seed", "5")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["service_outlets"] == 500 and data["params"]["seed"] == 5


def test_cli_summary_table():
    p = run_cli("summary", "--radius-km", "50")
    assert p.returncode == 0 and "Rural covered" in p.stdout and "within 50 km" in p.stdout


@pytest.mark.parametrize("args", [["summary", "--outlets", "abc"], ["summary", "--outlets", "-3"],
                                  ["summary", "--radius-km", "0"], ["summary", "--bogus"]])
def test_cli_errors_are_one_line_without_traceback(args):
    p = run_cli(*args)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert "error" in p.stderr


def test_geo_never_imports_qt():
    code = ("import sys; import reach_planner.geo as geo;"
            "from reach_planner.geo.scenario import run_scenario;"
            "from reach_planner.geo.params import ScenarioParams;"
            "run_scenario(ScenarioParams(outlets=100, sites=40));"
            "import pkgutil, importlib;"
            "[importlib.import_module('reach_planner.geo.' + m.name) for m in pkgutil.iter_modules(geo.__path__)];"
            "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','PyQt5','PyQt6','shiboken6')];"
            "print(bad); sys.exit(1 if bad else 0)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr


def test_numpy_albers_matches_proj():
    from pyproj import Transformer

    from reach_planner.geo.albers import CHINA
    from reach_planner.geo.data import CHINA_ALBERS

    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(73, 135, 2000), rng.uniform(18, 54, 2000)
    t = Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True)
    px, py = t.transform(lon, lat)
    x, y = CHINA.forward(lon, lat)
    assert np.abs(x - px).max() < 1e-3 and np.abs(y - py).max() < 1e-3
    blon, blat = CHINA.inverse(x, y)
    assert np.abs(blon - lon).max() < 1e-9 and np.abs(blat - lat).max() < 1e-9
