"""Bring your own demand (issue 9): rasters keep their totals, points keep their weights."""
from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.warp import transform as warp

from reach_planner.geo.demand_io import DemandFileError, format_demand_report, read_demand
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario

NODATA = -99999.0


def _write(path, values, transform, crs):
    with rasterio.open(path, "w", driver="GTiff", height=values.shape[0], width=values.shape[1],
                       count=1, dtype="float32", crs=crs, transform=transform, nodata=NODATA) as dst:
        dst.write(values.astype(np.float32), 1)


def _values(shape, seed):
    rng = np.random.default_rng(seed)
    v = rng.integers(0, 500, size=shape).astype(float)
    v[rng.random(shape) < 0.05] = NODATA  # nodata pixels must not count
    return v


def _valid_sum(v):
    return float(v[v != NODATA].sum())


def test_raster_in_lonlat_keeps_its_total(tmp_path):
    v = _values((120, 140), 1)  # central China, 0.05 degree pixels: all inside
    path = tmp_path / "pop_4326.tif"
    _write(path, v, Affine(0.05, 0.0, 105.0, 0.0, -0.05, 34.0), "EPSG:4326")
    imp = read_demand(path)
    assert imp.kind == "raster" and imp.outside == pytest.approx(0.0, abs=1e-6)
    assert imp.total == pytest.approx(_valid_sum(v), rel=1e-6)
    assert imp.demand.rural.sum() == pytest.approx(_valid_sum(v), rel=1e-6)
    g = imp.demand.grid
    used = imp.demand.rural > 0
    assert 104.9 < g.lon[used].min() and g.lon[used].max() < 112.1
    assert 27.9 < g.lat[used].min() and g.lat[used].max() < 34.1
    assert imp.demand.source == {"name": "imported", "file": "pop_4326.tif", "kind": "raster",
                                 "path": str(path.resolve())}


def test_equal_area_raster_in_metres_keeps_its_total_and_reports_what_is_outside(tmp_path):
    # Mollweide (ESRI:54009), 5 km pixels, from the Mongolian border well into Inner Mongolia
    x, y = warp("EPSG:4326", "ESRI:54009", [108.0], [43.0])
    v = _values((60, 80), 2)
    path = tmp_path / "pop_moll.tif"
    _write(path, v, Affine(5000.0, 0.0, x[0], 0.0, -5000.0, y[0]), "ESRI:54009")
    imp = read_demand(path)
    assert imp.total == pytest.approx(_valid_sum(v), rel=1e-6)
    assert imp.inside + imp.outside == pytest.approx(imp.total, rel=1e-9)
    assert 0.05 * imp.total < imp.outside < 0.6 * imp.total  # the Mongolian part
    assert imp.demand.outside == imp.outside
    assert set(np.unique(imp.demand.grid.gb_code[imp.demand.rural > 0])) == {15}


def test_coarse_pixels_spread_over_the_cells_they_cover(tmp_path):
    v = np.full((4, 4), 1000.0)  # 0.5 degree pixels, ~50 km: bigger than a 10 km cell
    path = tmp_path / "coarse.tif"
    _write(path, v, Affine(0.5, 0.0, 110.0, 0.0, -0.5, 32.0), "EPSG:4326")
    imp = read_demand(path)
    assert imp.demand.rural.sum() == pytest.approx(16000.0)
    assert (imp.demand.rural > 0).sum() > 150  # ~2 x 2 degrees of 10 km cells, not 16


def test_points_with_weights(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("纬度,经度,订单数\n39.9,116.4,120\n30.6,104.1,80\n48.85,2.35,5\n"
                    "31.2,121.5,abc\n31.2,121.5,-3\n29.6,91.1,\n", encoding="utf-8")
    imp = read_demand(path)
    assert imp.column == "订单数" and imp.kind == "points"
    assert imp.total == pytest.approx(205.0) and imp.outside == pytest.approx(5.0)
    assert imp.demand.rural.sum() == pytest.approx(200.0)
    assert [(i.row, i.problem) for i in imp.issues] == [
        (5, "weight is not a number: 'abc'"), (6, "negative weight -3"), (7, "missing weight")]
    g = imp.demand.grid
    i = int(np.argmax(imp.demand.rural))
    assert g.gb_code[i] == 11 and imp.demand.rural[i] == pytest.approx(120.0)
    assert "Paris" not in format_demand_report(imp) and "3 rows skipped" in format_demand_report(imp)


def test_points_in_geojson_with_a_chosen_column(tmp_path):
    path = tmp_path / "households.geojson"
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
              "properties": {"hh": n, "population": 1}}
             for lon, lat, n in ((113.3, 23.1, 10), (87.6, 43.8, 7))]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    imp = read_demand(path, weight_col="hh")
    assert imp.demand.rural.sum() == pytest.approx(17.0)
    assert read_demand(path).column == "population"


@pytest.mark.parametrize("name, body, message", [
    ("x.dbf", b"", "unsupported file type '.dbf'"),
    ("none.csv", None, "file not found"),
    ("bad.tif", b"not a tiff", "GDAL cannot read it"),
    ("nocol.csv", b"lat,lon,name\n30,110,a\n", "no weight column found"),
    ("empty.csv", b"lat,lon,weight\n30,110,x\n", "no valid rows"),
])
def test_bad_files_get_one_line_errors(tmp_path, name, body, message):
    path = tmp_path / name
    if body is not None:
        path.write_bytes(body)
    with pytest.raises(DemandFileError if message != "no valid rows" else ValueError, match=message) as e:
        read_demand(path)
    assert "\n" not in str(e.value) and str(path) in str(e.value)


def test_scenario_measures_the_imported_demand(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("lat,lon,orders\n39.9,116.4,100\n31.5,88.0,50\n", encoding="utf-8")
    imp = read_demand(path)
    r = run_scenario(ScenarioParams(), demand=imp.demand)
    s = r.summary
    assert s.demand_model == {"name": "imported", "file": "orders.csv", "kind": "points",
                              "column": "orders"}
    assert s.demand_total == pytest.approx(150.0) and s.rural_population == 150
    assert s.rural_covered in (100, 150)  # Beijing is covered; central Tibet likely not
    base = run_scenario(ScenarioParams())
    assert len(r.network.outlets) == len(base.network.outlets)  # same simulated network


def test_an_overlay_carries_the_imported_demand_through_the_pipeline(tmp_path):
    from reach_planner.geo.sites_io import SiteOverlay

    path = tmp_path / "orders.csv"
    path.write_text("lat,lon,orders\n39.9,116.4,100\n", encoding="utf-8")
    overlay = SiteOverlay().with_demand(read_demand(path).demand)
    r = run_scenario(ScenarioParams(outlets=500), overlay=overlay)
    assert r.summary.demand_total == 100.0 and r.summary.demand_model["file"] == "orders.csv"
    kept = overlay.with_added(r.network.outlets.head(2))
    assert kept.demand is overlay.demand and len(kept.added_outlets) == 2


def _cli(*args: str):
    import subprocess
    import sys

    from tests.conftest import ROOT

    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_cli_summary_with_own_demand_and_terrain(tmp_path):
    path = tmp_path / "hh.csv"
    path.write_text("lat,lon,户数\n39.9,116.4,70\n48.85,2.35,5\n30.6,104.1,x\n", encoding="utf-8")
    p = _cli("summary", "--json", "--demand", str(path), "--distance", "terrain", "--outlets", "2000")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["demand_model"]["file"] == "hh.csv" and data["demand_model"]["column"] == "户数"
    assert data["demand_total"] == 70.0 and data["demand_outside"] == 5.0
    assert data["distance"] == "terrain" and "rural_covered_pct_terrain" in data
    assert "hh.csv: 3 rows (column 户数), total 75; 70 in the 31 provinces, 5 outside" in p.stderr
    assert "row 4, column 户数: weight is not a number: 'x'" in p.stderr


@pytest.mark.parametrize("args, message", [
    (("--demand", "nope.tif"), "reach-planner: error: nope.tif: file not found"),
    (("--demand-col", "orders"), "reach-planner: error: --demand-col needs a demand file (--demand FILE)"),
])
def test_cli_demand_errors_are_one_line(args, message):
    p = _cli("summary", *args)
    assert p.returncode == 1 and p.stderr.strip() == message
