"""Own site lists in: every format, Chinese encodings, every bad-input message."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.export_data import export_results
from geo.params import ScenarioParams
from geo.scenario import run_scenario
from geo.sites_io import (ColumnMap, ImportResult, SiteFileError, apply_overlay, format_report,
                          overlay_from, read_sites)
from tests.conftest import ROOT

GOOD_ZH = "名称,纬度,经度,类型\n北京网点,39.9,116.4,服务网点\n上海配送中心,31.2,121.5,配送中心\n"


def write(tmp: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    p = tmp / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return p


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_chinese_excel_encoding(tmp_path, encoding):
    r = read_sites(write(tmp_path, "s.csv", GOOD_ZH, encoding))
    assert r.issues == ()
    assert list(r.outlets["name"]) == ["北京网点"] and list(r.sites["name"]) == ["上海配送中心"]
    assert list(r.outlets["province"]) == ["Beijing"] and list(r.sites["gb_code"]) == [31]
    assert (r.outlets["source"] == "imported").all()


def test_english_columns_semicolons_and_default_kind(tmp_path):
    p = write(tmp_path, "s.csv", "Name;Latitude;Longitude\nA;30.6;104.1\nB;23.1;113.3\n")
    r = read_sites(p, default_kind="distribution")
    assert len(r.sites) == 2 and len(r.outlets) == 0


def test_unrecognised_columns_need_a_mapping(tmp_path):
    p = write(tmp_path, "s.csv", "site,north,east\nA,30.6,104.1\n")
    with pytest.raises(SiteFileError, match="no latitude/longitude columns found"):
        read_sites(p)
    r = read_sites(p, ColumnMap(lat="north", lon="east", name="site"))
    assert list(r.outlets["name"]) == ["A"]
    with pytest.raises(SiteFileError, match="no column named 'nord'"):
        read_sites(p, ColumnMap(lat="nord", lon="east"))


def test_xlsx(tmp_path):
    p = tmp_path / "s.xlsx"
    pd.DataFrame({"名称": ["甲", "乙", "丙"], "纬度": [39.9, "x", 31.2],
                  "经度": [116.4, 116.4, 121.5]}).to_excel(p, index=False)
    r = read_sites(p)
    assert len(r.outlets) == 2
    assert [(i.row, i.column) for i in r.issues] == [(3, "纬度")]  # Excel row 3


def test_geojson_and_geopackage(tmp_path):
    gdf = gpd.GeoDataFrame({"name": ["a", "b", "far"], "type": ["outlet", "distribution", "outlet"]},
                           geometry=gpd.points_from_xy([116.4, 121.5, 2.3], [39.9, 31.2, 48.8]),
                           crs=4326)
    gdf.to_file(tmp_path / "s.geojson", driver="GeoJSON")
    gdf.to_crs(3857).to_file(tmp_path / "s.gpkg", driver="GPKG")
    for name in ("s.geojson", "s.gpkg"):
        r = read_sites(tmp_path / name)
        assert len(r.outlets) == 1 and len(r.sites) == 1, name
        assert [i.row for i in r.issues] == [3]
        assert "outside mainland China" in r.issues[0].problem
        assert abs(r.sites["lon"].iloc[0] - 121.5) < 1e-6


def test_each_bad_row_is_reported_with_file_row_and_problem(tmp_path):
    text = ("name,lat,lon,type\n"
            "ok,39.9,116.4,outlet\n"        # 2
            "nolat,,116.4,outlet\n"         # 3
            "text,abc,116.4,outlet\n"       # 4
            "swap,116.4,39.9,outlet\n"      # 5
            "paris,48.8,2.3,outlet\n"       # 6
            "range,95,400,outlet\n"         # 7
            "dup,39.9,116.4,outlet\n"       # 8
            "odd,30,110,spaceship\n")       # 9
    r = read_sites(write(tmp_path, "bad.csv", text))
    got = {i.row: str(i) for i in r.issues}
    assert len(r.outlets) == 1 and r.rows_read == 8
    assert "bad.csv: row 3, column lat: missing latitude" == got[3]
    assert "latitude is not a number: 'abc'" in got[4]
    assert "latitude/longitude look swapped" in got[5]
    assert "outside mainland China" in got[6]
    assert "out of range" in got[7]
    assert "duplicate of row 2" in got[8]
    assert "unknown type 'spaceship'" in got[9]
    assert r.swappable == 1
    fixed = read_sites(tmp_path / "bad.csv", swap_latlon=True)
    fixed_rows = {i.row: i.problem for i in fixed.issues}
    assert fixed.swapped == 1 and fixed_rows[5] == "duplicate of row 2 (same place and type)"
    report = format_report(r)
    assert "8 rows read, 1 valid" in report and "--swap-latlon" in report


@pytest.mark.parametrize("name,data,message", [
    ("empty.csv", b"", "the file is empty"),
    ("blank.csv", b"  \n\n", "the file is empty"),
    ("header.csv", b"name,lat,lon\n", "has a header but no rows"),
    ("enc.csv", b"name,lat,lon\n\xff\xfe\xff\xff,30,110\n", "wrong encoding"),
    ("zip.csv", b"PK\x03\x04rest-of-a-zip", "not a CSV text file (it looks like an XLSX"),
    ("text.xlsx", b"name,lat,lon\na,1,2\n", "not an XLSX workbook"),
    ("text.gpkg", b"name,lat,lon\na,1,2\n", "not a GeoPackage"),
    ("bad.geojson", b"{not json", "not valid GeoJSON"),
    ("list.geojson", b"[1, 2]", "not a GeoJSON FeatureCollection"),
    ("s.shp", b"xx", "unsupported file type"),
])
def test_whole_file_problems_name_the_file(tmp_path, name, data, message):
    p = write(tmp_path, name, data)
    with pytest.raises(SiteFileError) as exc:
        read_sites(p)
    assert str(exc.value).startswith(str(p)) and message in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(SiteFileError, match="file not found"):
        read_sites(tmp_path / "nope.csv")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_garbled_bytes_never_raise_anything_but_our_error(tmp_path, data):
    p = tmp_path / "g.csv"
    p.write_bytes(b"name,lat,lon\n" + data)
    try:
        r = read_sites(p)
    except SiteFileError:
        return
    assert isinstance(r, ImportResult) and r.imported + len(r.issues) >= 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8), st.text(max_size=8)),
                     max_size=12))
def test_garbled_csv_text_never_raises_anything_but_our_error(tmp_path, rows):
    p = tmp_path / "t.csv"
    body = "\n".join(",".join(r) for r in rows)
    p.write_text("名称,纬度,经度\n" + body, encoding="utf-8")
    try:
        r = read_sites(p)
    except SiteFileError:
        return
    assert r.imported <= len(rows)


def test_round_trip_export_then_import_gives_the_same_sites(tmp_path):
    res = run_scenario(ScenarioParams(outlets=400, sites=50, seed=4))
    export_results(res, tmp_path, ("geojson", "gpkg"))
    for src in (tmp_path / "outlets.geojson", tmp_path / "reach_results.gpkg"):
        r = read_sites(src) if src.suffix == ".geojson" else None
        if r is None:  # the GeoPackage holds several layers: export one to reimport
            layer = gpd.read_file(src, layer="outlets")
            layer.to_file(tmp_path / "o.gpkg", driver="GPKG")
            r = read_sites(tmp_path / "o.gpkg")
        assert r.issues == ()
        a = res.network.outlets.sort_values("site_id")
        b = r.outlets.sort_values("site_id")
        assert list(a["site_id"]) == list(b["site_id"])
        assert np.allclose(a["lon"], b["lon"]) and np.allclose(a["lat"], b["lat"])
        assert list(a["gb_code"]) == list(b["gb_code"])


def test_imported_outlets_replace_simulated_ones(tmp_path):
    r = read_sites(write(tmp_path, "s.csv", GOOD_ZH))
    base = run_scenario(ScenarioParams(outlets=300, sites=40))
    kept = apply_overlay(base.network, overlay_from(r, "keep"))
    emptied = apply_overlay(base.network, overlay_from(r, "empty"))
    assert len(kept.outlets) == 1 and len(kept.sites) == 1  # both layers are in the file
    only_outlets = read_sites(write(tmp_path, "o.csv", "lat,lon\n39.9,116.4\n30.6,104.1\n"))
    kept = apply_overlay(base.network, overlay_from(only_outlets, "keep"))
    emptied = apply_overlay(base.network, overlay_from(only_outlets, "empty"))
    assert len(kept.outlets) == 2 and len(kept.sites) == 40
    assert len(emptied.outlets) == 2 and len(emptied.sites) == 0
    assert (kept.outlets["parent_id"] != "").all()
    assert len(base.network.outlets) == 300  # the original is untouched


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


def test_cli_sites_file_with_mapping_and_report(tmp_path):
    p = write(tmp_path, "mine.csv", "site,north,east\nA,30.6,104.1\nB,48.8,2.3\n", "gbk")
    out = run_cli("summary", "--json", "--sites", str(p), "--lat-col", "north",
                  "--lon-col", "east", "--name-col", "site", "--other", "empty")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["service_outlets"] == 1
    assert "mine.csv: row 3: coordinates outside mainland China" in out.stderr


@pytest.mark.parametrize("content,needle", [(b"", "the file is empty"),
                                            (b"a,b\n1,2\n", "no latitude/longitude columns")])
def test_cli_bad_sites_file_is_one_line(tmp_path, content, needle):
    p = write(tmp_path, "x.csv", content)
    out = run_cli("summary", "--sites", str(p))
    assert out.returncode != 0 and needle in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
