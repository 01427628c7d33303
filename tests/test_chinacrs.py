"""Issue 19, item 8: GCJ-02 and BD-09 coordinates from Chinese web maps, converted and flagged.

Before the fix there was no ``--crs``: a Gaode export was read as WGS84, every site a few
hundred metres off, and nothing said so."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from reach_planner.geo.chinacrs import (
    bd09_to_gcj02,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_gcj02,
)
from reach_planner.geo.demand_io import read_demand
from reach_planner.geo.sites_io import format_report, read_sites
from reach_planner.geo.sphere import haversine_km
from tests.conftest import ROOT


def test_published_reference_values():
    # the values of gcoord's test suite (MIT), a widely used converter
    lon, lat = gcj02_to_wgs84(123.0, 45.0)
    assert lon == pytest.approx(122.99395597, abs=1e-6) and lat == pytest.approx(44.99804071, abs=1e-6)
    lon, lat = gcj02_to_bd09(123.0, 45.0)
    assert lon == pytest.approx(123.00636499, abs=1e-7) and lat == pytest.approx(45.00636899, abs=1e-7)


def test_inverses_are_accurate_to_well_under_a_metre_all_over_china():
    lon, lat = np.meshgrid(np.linspace(74, 134, 61), np.linspace(18, 53, 36))
    lon, lat = lon.ravel(), lat.ravel()
    glon, glat = wgs84_to_gcj02(lon, lat)
    shift_m = haversine_km(lon, lat, glon, glat) * 1000
    assert shift_m.min() > 1 and shift_m.max() < 1500  # the offset is real, and bounded
    back = gcj02_to_wgs84(glon, glat)
    assert (haversine_km(lon, lat, *back) * 1000).max() < 0.01
    blon, blat = gcj02_to_bd09(glon, glat)
    back = to_wgs84("bd09", blon, blat)
    assert (haversine_km(lon, lat, *back) * 1000).max() < 0.01
    assert np.allclose(bd09_to_gcj02(blon, blat), (glon, glat), atol=1e-9)


def test_gcj02_is_the_identity_outside_china():
    lon, lat = np.array([2.35, -74.0, 151.2]), np.array([48.85, 40.7, -33.9])
    assert np.array_equal(np.stack(gcj02_to_wgs84(lon, lat)), np.stack([lon, lat]))


def test_a_gaode_file_read_with_crs_gcj02_lands_on_the_wgs84_place(tmp_path):
    wgs = (116.397477, 39.908692)  # Tiananmen, WGS84
    glon, glat = wgs84_to_gcj02(*wgs)
    p = tmp_path / "sites.csv"
    p.write_text(f"name,lat,lon\nT,{glat:.7f},{glon:.7f}\n", encoding="utf-8")
    plain = read_sites(p)
    fixed = read_sites(p, crs="gcj02")
    off = haversine_km(plain.outlets["lon"].iloc[0], plain.outlets["lat"].iloc[0], *wgs) * 1000
    assert off > 100  # read as WGS84 the site is a few hundred metres off
    err = haversine_km(fixed.outlets["lon"].iloc[0], fixed.outlets["lat"].iloc[0], *wgs) * 1000
    assert err < 1
    assert fixed.crs == "gcj02"


@pytest.mark.parametrize("name, header, hinted", [
    ("amap_poi.csv", "name,lat,lon", "amap"),
    ("网点.csv", "名称,高德纬度,高德经度", "高德"),
    ("sites.csv", "name,bd09_lat,bd09_lng", "bd09"),
    ("baidu.csv", "name,lat,lon", "baidu"),
    ("sites.csv", "name,lat,lon", ""),
])
def test_a_web_map_file_left_on_wgs84_is_flagged(tmp_path, name, header, hinted):
    p = tmp_path / name
    p.write_text(f"{header}\nA,39.9,116.4\n", encoding="utf-8")
    r = read_sites(p)
    if not hinted:
        assert r.hints == ()
        return
    [hint] = r.hints
    assert hinted in hint and "--crs gcj02" in hint and hint in format_report(r)
    assert read_sites(p, crs="gcj02" if hinted != "bd09" else "bd09").hints == ()


def test_demand_points_in_gcj02(tmp_path):
    p = tmp_path / "gaode_orders.csv"
    glon, glat = wgs84_to_gcj02(116.4, 39.9)
    p.write_text(f"lat,lon,orders\n{glat},{glon},5\n", encoding="utf-8")
    assert read_demand(p).hints and "gaode" in read_demand(p).hints[0]
    imp = read_demand(p, crs="gcj02")
    assert imp.hints == () and imp.total == 5 and imp.demand.source["crs"] == "gcj02"


def test_cli_takes_crs_on_the_scenario_verbs(tmp_path):
    glon, glat = wgs84_to_gcj02(116.4, 39.9)
    p = tmp_path / "amap.csv"
    p.write_text(f"name,lat,lon\nA,{glat},{glon}\n", encoding="utf-8")
    base = [sys.executable, str(ROOT / "main.py"), "summary", "--sites", str(p), "--json"]
    out = subprocess.run(base, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "--crs gcj02" in out.stderr
    out = subprocess.run([*base, "--crs", "gcj02"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "--crs" not in out.stderr
    bad = subprocess.run([*base, "--crs", "mars"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "invalid choice: 'mars'" in bad.stderr
