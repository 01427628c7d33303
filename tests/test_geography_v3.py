"""Geography v3 (issue 22): official division seats and names, believable rural density,
gap regions split into county planning units."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reach_planner.geo.data import load_census, load_china
from reach_planner.geo.demand import build_demand
from reach_planner.geo.sphere import haversine_km

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "resources/tools" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _seat(adcode: int):
    p = load_china().places
    return p[p["adcode"] == adcode].iloc[0]


def load_divisions():
    from reach_planner.geo.data import load_divisions as load
    return load()


CORES = {"shenzhen": (114.06, 22.545), "dongguan": (113.75, 23.02), "foshan": (113.12, 23.02),
         "xiamen": (118.089, 24.479)}


@pytest.fixture(scope="module")
def sanity():
    """The sanity figures, computed here from the model's cells (independently of
    ``geo.demand_figures.sanity_figures``, which must agree)."""
    d = build_demand(10.0)
    g = d.grid
    dens = d.rural / g.cell_area_km2
    share = max(d.rural[g.gb_code == c].max() / d.rural[g.gb_code == c].sum() for c in np.unique(g.gb_code))
    c = load_census()
    err = [max(abs(d.rural[g.gb_code == k].sum() / r - 1), abs(d.urban[g.gb_code == k].sum() / u - 1)) * 100
           for k, r, u in zip(c["gb_code"], c["rural_pop"], c["urban_pop"])]
    out = {"max_rural_per_km2": dens.max(), "cells_above_2000_per_km2": int((dens > 2000).sum()),
           "max_cell_share_of_province_rural_pct": 100 * share,
           "province_rural_max_error_pct": max(err), "province_urban_max_error_pct": max(err)}
    for name, (lon, lat) in CORES.items():
        near = haversine_km(lon, lat, g.lon, g.lat) < 12.0
        u, r = d.urban[near].sum(), d.rural[near].sum()
        out[f"{name}_core_urban"] = u
        out[f"{name}_core_urban_share_pct"] = 100 * u / max(u + r, 1.0)
    return out


def test_the_sanity_figures_of_the_bench_agree(sanity):
    from reach_planner.geo.demand_figures import sanity_figures
    got = sanity_figures(build_demand(10.0))
    for key, value in sanity.items():
        assert got[key] == pytest.approx(value, rel=1e-3, abs=0.01), key


# --- 1. places from the official division list ------------------------------------------
def test_every_prefecture_and_county_seat_is_a_place_with_its_official_name():
    p = load_china().places
    div = load_divisions()
    assert len(div) > 2_800  # county-level units (GB/T 2260, cpca 0.5.5)
    assert set(div["adcode"]) <= set(p["adcode"])
    xiamen = _seat(350200)
    assert (xiamen["name"], xiamen["name_zh"], xiamen["feature_code"]) == ("Xiamen", "厦门", "PPLA2")
    assert abs(xiamen["lon"] - 118.08) < 0.05 and abs(xiamen["lat"] - 24.48) < 0.05


@pytest.mark.parametrize("adcode,zh,en", [
    (510100, "成都", "Chengdu"), (440300, "深圳", "Shenzhen"), (440600, "佛山", "Foshan"),
    (640100, "银川", "Yinchuan"), (520100, "贵阳", "Guiyang"), (430100, "长沙", "Changsha"),
    (220100, "长春", "Changchun"), (620981, "玉门", "Yumen"), (650100, "乌鲁木齐", "Urumqi")])
def test_seats_carry_simplified_chinese_and_plain_pinyin_names(adcode, zh, en):
    s = _seat(adcode)
    assert (s["name_zh"], s["name"]) == (zh, en)


def test_english_names_have_no_diacritics():
    p = load_china().places
    assert all(n.isascii() for n in p["name"]), [n for n in p["name"] if not n.isascii()][:5]


def test_no_place_has_more_people_than_its_province_has_urban_people():
    p = load_china().places
    c = load_census().set_index("gb_code")
    urban = c.loc[p["gb_code"], "urban_pop"].to_numpy()
    assert (p["population"].to_numpy() <= urban).all()
    pref = (p["feature_code"] == "PPLA2").to_numpy()
    assert (p["population"].to_numpy()[pref] <= 0.4 * urban[pref]).all()  # Wuzhong: all Ningxia


def test_gcj02_seats_are_converted_to_wgs84():
    bd = _tool("build_divisions")
    lon, lat = np.array([118.089204, 104.065735, 87.6168]), np.array([24.479664, 30.659462, 43.8256])
    wlon, wlat = bd.gcj_to_wgs(lon, lat)
    dlon, dlat = bd._gcj_delta(wlon, wlat)
    np.testing.assert_allclose(wlon + dlon, lon, atol=1e-7)  # the forward transform returns
    np.testing.assert_allclose(wlat + dlat, lat, atol=1e-7)
    shift_km = np.hypot((lon - wlon) * 111 * np.cos(np.radians(lat)), (lat - wlat) * 111)
    assert ((shift_km > 0.1) & (shift_km < 0.8)).all()


# --- Chinese names where planners read them ---------------------------------------------
def test_report_nearest_towns_say_chinese_names():
    from reach_planner.ui.report.figures import nearest_towns
    towns = nearest_towns(np.array([97.20]), np.array([40.28]))  # Yumen
    assert (towns[0].label("zh"), towns[0].label("en")) == ("玉门", "Yumen")
    seats = [_seat(a) for a in (510100, 440300, 440600, 640100, 350200)]
    towns = nearest_towns(np.array([s["lon"] for s in seats]), np.array([s["lat"] for s in seats]))
    assert [t.label("zh") for t in towns] == ["成都", "深圳", "佛山", "银川", "厦门"]
    # every town a zh page can name has a Chinese name
    from reach_planner.ui.report.figures import town_table
    assert (town_table()["name_zh"] != "").all()


@pytest.mark.qt
def test_recommend_panel_nearest_towns_say_chinese_names(monkeypatch):
    from reach_planner.ui import recommend_panel
    monkeypatch.setattr(recommend_panel, "current_language", lambda: "zh")
    seats = [_seat(a) for a in (510100, 440300, 350200, 620981)]
    assert recommend_panel.nearest_towns([s["lon"] for s in seats], [s["lat"] for s in seats]) == [
        "成都", "深圳", "厦门", "玉门"]


# --- 2. believable rural density --------------------------------------------------------
def test_no_cell_above_2000_rural_people_per_km2(sanity):
    assert sanity["max_rural_per_km2"] <= 2_000.0  # v2: 3,320 in Songjiang
    assert sanity["cells_above_2000_per_km2"] == 0


def test_no_cell_holds_more_than_5_percent_of_its_provinces_rural_people(sanity):
    assert sanity["max_cell_share_of_province_rural_pct"] <= 5.0 + 1e-9  # v2: 10.8%


def test_census_sums_stay_exact(sanity):
    assert sanity["province_rural_max_error_pct"] < 1e-6
    assert sanity["province_urban_max_error_pct"] < 1e-6


@pytest.mark.parametrize("city", ["shenzhen", "dongguan", "foshan", "xiamen"])
def test_city_cores_are_urban(sanity, city):
    assert sanity[f"{city}_core_urban"] > 250_000  # v2: 0 urban people near Xiamen
    assert sanity[f"{city}_core_urban_share_pct"] > 90.0


def test_sanity_bench_prints_the_before_after_table():
    out = subprocess.run([sys.executable, str(ROOT / "bench/bench_demand_sanity.py")], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    if out.returncode and "unknown revision" in out.stderr:
        pytest.skip("the before revision is not in this checkout")
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line.split()[1:] for line in out.stdout.splitlines()[1:]}
    assert rows["cells_above_2000_per_km2"][1] == "0"
    assert rows["xiamen_core_urban"][0] == "0"


# --- 3. county planning units -----------------------------------------------------------
@pytest.fixture(scope="module")
def result():
    from reach_planner.geo.params import ScenarioParams
    from reach_planner.geo.scenario import run_scenario
    return run_scenario(ScenarioParams())


def test_gap_regions_are_county_sized_and_named(result):
    reg = result.gaps.regions
    assert reg["area_km2"].max() <= 250_000  # v2: 1,304,667 km2 of Xinjiang
    assert (reg["county_zh"] != "").all() and (reg["prefecture_zh"] != "").all()
    assert (reg["county"] != "").all() and (reg["prefecture"] != "").all()
    div = load_divisions().set_index("adcode")
    assert (div.loc[reg["county_adcode"], "gb_code"].to_numpy() == reg["gb_code"].to_numpy()).all()


def test_a_gap_region_never_crosses_a_county_border(result):
    from reach_planner.geo.counties import county_index
    g = result.demand.grid
    county = county_index(g)
    region = result.gaps.region
    for r in range(min(50, len(result.gaps.regions))):
        assert len(np.unique(county[region == r])) == 1


def test_summary_json_carries_counties(result):
    d = json.loads(result.summary.to_json())
    for gap in d["largest_gaps"]:
        assert gap["county"] and gap["county_zh"] and gap["prefecture"] and gap["prefecture_zh"]
    counties = d["counties"]
    assert len(counties) == len(load_divisions())
    assert sum(c["outlets"] for c in counties) == d["service_outlets"]
    assert sum(c["rural_population"] for c in counties) == pytest.approx(d["rural_population"], abs=3000)
    assert sum(c["rural_unreached"] for c in counties) == pytest.approx(d["rural_unreached"], abs=3000)
    xm = [c for c in counties if c["prefecture_zh"] == "厦门市"]
    assert len(xm) == 6
