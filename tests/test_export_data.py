"""Results out: every format opens with the counts the panels show; writes are atomic."""
from __future__ import annotations

import os
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from reach_planner.geo.export_data import GPKG_NAME, export_results
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from tests.conftest import ROOT

LAYERS = ("sites", "outlets", "gap_cells", "gap_regions", "demand")


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(outlets=900, sites=90, seed=3))


@pytest.fixture(scope="module")
def exported(result, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    files = export_results(result, out)
    return out, files


def test_every_file_is_written_and_listed(exported):
    out, files = exported
    names = sorted(p.name for p in files)
    assert names == ["demand.csv", "demand.geojson", "gap_cells.geojson", "gap_regions.geojson",
                     "outlets.geojson",
                     "province_summary.csv", "province_summary.xlsx", GPKG_NAME,
                     "sites.geojson"]
    assert sorted(p.name for p in out.iterdir()) == names  # no temporary files left


def test_layers_have_the_counts_the_panels_show(result, exported):
    out, _ = exported
    s = result.summary
    want = {"sites": s.distribution_sites, "outlets": s.service_outlets,
            "gap_cells": int(result.gaps.is_gap.sum()), "gap_regions": s.gap_regions,
            "demand": int(((result.demand.rural > 0) | (result.demand.urban > 0)).sum())}
    assert gpd.list_layers(out / GPKG_NAME)["name"].tolist() == list(LAYERS)
    for layer in LAYERS:
        for g in (gpd.read_file(out / f"{layer}.geojson"),
                  gpd.read_file(out / GPKG_NAME, layer=layer)):
            assert len(g) == want[layer], layer
            assert g.crs.to_epsg() == 4326, layer
    regions = gpd.read_file(out / GPKG_NAME, layer="gap_regions")
    assert regions["rural_unreached"].sum() == pytest.approx(s.rural_unreached, rel=1e-3)
    assert regions["rank"].tolist() == list(range(1, s.gap_regions + 1))
    cells = gpd.read_file(out / "gap_cells.geojson")
    assert cells["rural_unreached"].sum() == pytest.approx(s.rural_unreached, rel=1e-3)


def test_gap_cells_are_hexagons_inside_their_ranked_region(exported):
    out, _ = exported
    cells = gpd.read_file(out / GPKG_NAME, layer="gap_cells")
    regions = gpd.read_file(out / GPKG_NAME, layer="gap_regions").set_index("rank")
    assert {"rural_unreached", "region_rank", "province", "gb_code"} <= set(cells.columns)
    assert (shapely.get_num_coordinates(cells.geometry.to_numpy()) == 7).all()  # closed hexagon
    top = cells[cells["region_rank"] == 1]
    inside = shapely.contains(regions.geometry.loc[1].buffer(1e-9),
                              shapely.point_on_surface(top.geometry.to_numpy()))
    assert inside.all()
    assert top["rural_unreached"].sum() == pytest.approx(regions.loc[1, "rural_unreached"],
                                                         rel=1e-6)
    assert {"province", "province_zh", "rural_unreached", "area_km2"} <= set(regions.columns)


def test_points_keep_the_network_schema(result, exported):
    out, _ = exported
    o = gpd.read_file(out / "outlets.geojson")
    assert ["site_id", "name", "kind", "gb_code", "province", "lon", "lat", "parent_id",
            "source"] == [c for c in o.columns if c != "geometry"]
    assert np.allclose(o.geometry.x, o["lon"]) and np.allclose(o.geometry.y, o["lat"])
    assert o["site_id"].tolist() == result.network.outlets["site_id"].tolist()


def test_province_summary_csv_has_a_bom_and_xlsx_two_sheets(result, exported):
    out, _ = exported
    raw = (out / "province_summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so Excel shows 西藏自治区, not mojibake
    csv = pd.read_csv(out / "province_summary.csv", encoding="utf-8-sig")
    assert len(csv) == 31 and "西藏自治区" in set(csv["name_zh"])
    assert csv["outlets"].sum() == result.summary.service_outlets
    assert csv["sites"].sum() == result.summary.distribution_sites
    xl = pd.read_excel(out / "province_summary.xlsx", sheet_name=None)
    assert set(xl) == {"provinces", "national"} and len(xl["provinces"]) == 31
    pd.testing.assert_frame_equal(xl["provinces"], csv, check_dtype=False)
    national = dict(zip(xl["national"]["figure"], xl["national"]["value"]))
    assert int(national["service_outlets"]) == result.summary.service_outlets


@pytest.mark.parametrize("fmt,names", [
    ("geojson", [f"{n}.geojson" for n in LAYERS]),
    ("gpkg", [GPKG_NAME]),
    ("csv", ["demand.csv", "province_summary.csv"]),
    ("xlsx", ["province_summary.xlsx"]),
])
def test_each_format_alone(result, tmp_path, fmt, names):
    files = export_results(result, tmp_path / "one", [fmt, fmt])
    assert sorted(p.name for p in files) == sorted(names)
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == sorted(names)


def test_a_scenario_without_gaps_exports_empty_layers(tmp_path):
    res = run_scenario(ScenarioParams(outlets=2000, sites=40, radius_km=1000))
    assert res.summary.gap_regions == 0
    export_results(res, tmp_path, ("gpkg", "geojson"))
    assert len(gpd.read_file(tmp_path / GPKG_NAME, layer="gap_regions")) == 0
    assert len(gpd.read_file(tmp_path / "gap_cells.geojson")) == 0


def test_a_crash_mid_export_keeps_the_previous_files(result, tmp_path, monkeypatch):
    export_results(result, tmp_path, ("gpkg", "csv"))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    smaller = run_scenario(ScenarioParams(outlets=100, sites=40))
    real = os.replace

    def boom(src, dst):
        if str(dst).endswith(".gpkg"):
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        export_results(smaller, tmp_path, ("gpkg",))
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # old GeoPackage intact, no temporary or journal files
    assert len(gpd.read_file(tmp_path / GPKG_NAME, layer="outlets")) == 900


def test_export_rejects_unknown_format_and_file_as_folder(result, tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'shp'"):
        export_results(result, tmp_path, ("shp",))
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(ValueError, match="not a folder"):
        export_results(result, f, ("csv",))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def test_cli_export_data_with_own_sites(tmp_path):
    sites = tmp_path / "mine.csv"
    sites.write_bytes("名称,纬度,经度,类型\n甲,39.9,116.4,服务网点\n乙,30.6,104.1,服务网点\n"
                      "丙,48.8,2.3,服务网点\n".encode("gbk"))
    out = run_cli("export-data", "--out", str(tmp_path / "out"), "--format", "gpkg",
                  "--format", "csv", "--sites", str(sites), "--outlets", "500", "--seed", "5")
    assert out.returncode == 0, out.stderr
    assert "mine.csv: row 4: coordinates outside mainland China" in out.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["demand.csv", "province_summary.csv",
                                                                    GPKG_NAME]
    outlets = gpd.read_file(tmp_path / "out" / GPKG_NAME, layer="outlets")
    assert sorted(outlets["name"]) == ["乙", "甲"] and (outlets["source"] == "imported").all()
    assert len(gpd.read_file(tmp_path / "out" / GPKG_NAME, layer="sites")) == 2800  # kept
    assert out.stdout.count("wrote ") == 3


def test_cli_export_data_bad_input_is_one_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("name,lat,lon\n", encoding="utf-8")
    out = run_cli("export-data", "--out", str(tmp_path / "out"), "--sites", str(bad))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip() == (f"reach-planner: error: {bad}: not an XLSX workbook (the file "
                                  "is not a ZIP package)")
    assert not (tmp_path / "out").exists()
    out = run_cli("export-data", "--out", str(tmp_path / "o2"), "--format", "shp")
    assert out.returncode == 2 and "invalid choice: 'shp'" in out.stderr


DEMAND_COLUMNS = ["cell_id", "lon", "lat", "gb_code", "rural", "urban", "dist_outlet_km", "covered"]


def test_demand_layer_has_one_row_per_populated_cell(result, exported):
    out, _ = exported
    s = result.summary
    csv = pd.read_csv(out / "demand.csv", encoding="utf-8-sig")
    gpkg = gpd.read_file(out / GPKG_NAME, layer="demand")
    for t in (csv, gpkg):
        assert [c for c in t.columns if c != "geometry"] == DEMAND_COLUMNS
        assert t["rural"].sum() == pytest.approx(s.rural_population, rel=1e-6)
        assert t["urban"].sum() == pytest.approx(s.urban_population, rel=1e-6)
        assert t.loc[t["covered"].astype(bool), "rural"].sum() == pytest.approx(s.rural_covered, rel=1e-6)
    assert gpkg.geometry.geom_type.unique().tolist() == ["Point"]
    national = pd.read_excel(out / "province_summary.xlsx", sheet_name="national")
    assert "reach-planner census model v3" in national["value"].astype(str).tolist()


def test_demand_layer_carries_terrain_distance_when_chosen(tmp_path):
    r = run_scenario(ScenarioParams(outlets=900, sites=90, seed=3, distance="terrain"))
    export_results(r, tmp_path, ["csv"])
    t = pd.read_csv(tmp_path / "demand.csv", encoding="utf-8-sig")
    assert t.columns.tolist() == DEMAND_COLUMNS + ["dist_terrain_km"]
    assert (t["dist_terrain_km"] >= t["dist_outlet_km"] - 0.01).all()
    edge = (t["dist_terrain_km"] - 30.0).abs() < 0.01  # rounded to 10 m in the file
    assert t["covered"][~edge].equals(t["dist_terrain_km"][~edge] <= 30.0)
