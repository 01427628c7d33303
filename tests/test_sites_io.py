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
from openpyxl import Workbook

from reach_planner.geo.export_data import export_results
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.sites_io import (
    ColumnMap,
    ImportResult,
    SiteFileError,
    apply_import,
    apply_overlay,
    format_report,
    overlay_from,
    peek_columns,
    read_sites,
)
from tests.conftest import ROOT

GOOD_ZH = "名称,纬度,经度,类型\n北京网点,39.9,116.4,服务网点\n上海配送中心,31.2,121.5,配送中心\n"
UNEXPECTED = "could not be read (unexpected"  # the safety net; a test hitting it is a bug
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def write(tmp: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    p = tmp / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return p


def problems(result: ImportResult) -> dict[int, str]:
    return {i.row: str(i) for i in result.issues}


@pytest.fixture(scope="module")
def small_result():
    return run_scenario(ScenarioParams(outlets=400, sites=50, seed=4))


# -- formats and encodings ---------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_chinese_excel_encoding(tmp_path, encoding):
    r = read_sites(write(tmp_path, "s.csv", GOOD_ZH, encoding))
    assert r.issues == () and r.notes == ()
    assert list(r.outlets["name"]) == ["北京网点"] and list(r.sites["name"]) == ["上海配送中心"]
    assert list(r.outlets["province"]) == ["Beijing"] and list(r.sites["gb_code"]) == [31]
    assert (r.outlets["source"] == "imported").all() and (r.sites["source"] == "imported").all()


def test_english_columns_semicolons_and_default_kind(tmp_path):
    p = write(tmp_path, "s.csv", "Name;Latitude;Longitude\nA;30.6;104.1\nB;23.1;113.3\n")
    r = read_sites(p, default_kind="distribution")
    assert len(r.sites) == 2 and len(r.outlets) == 0
    assert list(r.sites["kind"]) == ["distribution"] * 2


def test_tabs_decimal_commas_and_degree_signs(tmp_path):
    p = write(tmp_path, "s.txt", "lng\tlat\tTYPE\n116,4\t39,9°\tDC\n104.1\t30.6\tstore\n")
    r = read_sites(p)
    assert r.issues == ()
    assert list(r.sites["lat"]) == [39.9] and list(r.outlets["lon"]) == [104.1]


def test_unrecognised_columns_need_a_mapping(tmp_path):
    p = write(tmp_path, "s.csv", "site,north,east,what\nA,30.6,104.1,配送中心\n")
    with pytest.raises(SiteFileError, match="no latitude/longitude columns found.*north, east"):
        read_sites(p)
    assert peek_columns(p) == ["site", "north", "east", "what"]
    r = read_sites(p, ColumnMap(lat="north", lon="east", name="site", type="what"))
    assert list(r.sites["name"]) == ["A"]
    with pytest.raises(SiteFileError, match="no column named 'nord'"):
        read_sites(p, ColumnMap(lat="nord", lon="east"))


def test_xlsx_rows_are_excel_rows(tmp_path):
    p = tmp_path / "s.xlsx"
    pd.DataFrame({"名称": ["甲", "乙", "丙"], "纬度": [39.9, "x", 31.2],
                  "经度": [116.4, 116.4, 121.5]}).to_excel(p, index=False)
    r = read_sites(p)
    assert len(r.outlets) == 2
    assert [(i.row, i.column) for i in r.issues] == [(3, "纬度")]  # Excel row 3


def test_xlsx_with_a_title_row_and_blank_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "我的网点清单"  # a title above the table
    ws.append([])
    ws.append(["名称", "纬度", "经度"])  # header in Excel row 3
    ws.append(["甲", 39.9, 116.4])  # 4
    ws.append([])  # 5: blank, skipped quietly
    ws.append(["乙", "abc", 116.4])  # 6
    wb.save(tmp_path / "t.xlsx")
    r = read_sites(tmp_path / "t.xlsx")
    assert r.imported == 1 and r.rows_read == 2
    assert [str(i) for i in r.issues] == [
        "t.xlsx: row 6, column 纬度: latitude is not a number: 'abc'"]
    assert peek_columns(tmp_path / "t.xlsx") == ["名称", "纬度", "经度"]


def test_geojson_and_geopackage(tmp_path):
    gdf = gpd.GeoDataFrame({"name": ["a", "b", "far"], "type": ["outlet", "distribution", "outlet"]},
                           geometry=gpd.points_from_xy([116.4, 121.5, 2.3], [39.9, 31.2, 48.8]),
                           crs=4326)
    gdf.to_file(tmp_path / "s.geojson", driver="GeoJSON")
    gdf.to_crs(3857).to_file(tmp_path / "s.gpkg", driver="GPKG")
    gdf.to_crs(3857).to_file(tmp_path / "m.geojson", driver="GeoJSON")  # old-style "crs" member
    for name in ("s.geojson", "s.gpkg", "m.geojson"):
        r = read_sites(tmp_path / name)
        assert len(r.outlets) == 1 and len(r.sites) == 1, name
        assert [i.row for i in r.issues] == [3]
        assert "outside mainland China" in r.issues[0].problem
        assert abs(r.sites["lon"].iloc[0] - 121.5) < 1e-6, name


def test_geojson_features_that_are_not_points(tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.4, 39.9]},
         "properties": {"name": "ok", "extra": {"nested": [1, 2]}}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]},
         "properties": None},
        {"type": "Feature", "geometry": None, "properties": {"name": "no place"}},
    ]}
    r = read_sites(write(tmp_path, "f.geojson", json.dumps(doc)))
    got = problems(r)
    assert r.imported == 1 and r.rows_read == 3
    assert "geometry is LineString, not a point" in got[2]
    assert got[3] == "f.geojson: row 3: no point geometry"


def test_odd_geometries_multipoints_and_coordinates_in_attributes(tmp_path):
    import shapely

    g = gpd.GeoDataFrame({"name": ["one", "two", "none", "empty"]}, geometry=[
        shapely.MultiPoint([(116.4, 39.9)]), shapely.MultiPoint([(1, 2), (3, 4)]), None,
        shapely.Point()], crs=4326)
    g.to_file(tmp_path / "g.gpkg", driver="GPKG")
    r = read_sites(tmp_path / "g.gpkg")
    assert list(r.outlets["name"]) == ["one"]  # a one-part multipoint is a point
    assert [str(i) for i in r.issues] == ["g.gpkg: row 2: geometry is MultiPoint, not a point",
                                          "g.gpkg: row 3: no point geometry",
                                          "g.gpkg: row 4: no point geometry"]
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"name": "a", "纬度": 39.9,
                                                             "经度": 116.4}}]}
    r = read_sites(write(tmp_path, "attr.geojson", json.dumps(doc, ensure_ascii=False)))
    assert r.issues == () and list(r.outlets["lat"]) == [39.9]


def test_a_geopackage_with_several_layers_reads_every_point_layer(tmp_path, small_result):
    export_results(small_result, tmp_path, ("gpkg",))
    r = read_sites(tmp_path / "reach_results.gpkg")
    assert r.issues == ()
    assert len(r.sites) == 50 and len(r.outlets) == 400  # gap polygons are not sites


def test_a_geopackage_without_points_is_refused(tmp_path):
    poly = gpd.GeoDataFrame({"a": [1]}, geometry=gpd.GeoSeries.from_wkt(
        ["POLYGON ((116 39, 117 39, 117 40, 116 39))"]), crs=4326)
    poly.to_file(tmp_path / "poly.gpkg", layer="areas", driver="GPKG")
    with pytest.raises(SiteFileError, match=r"no point layer in the file \(layers: areas"):
        read_sites(tmp_path / "poly.gpkg")


# -- row problems ------------------------------------------------------------------------
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
    got = problems(r)
    assert len(r.outlets) == 1 and r.rows_read == 8 and r.skipped == 7
    assert got[3] == "bad.csv: row 3, column lat: missing latitude"
    assert got[4] == "bad.csv: row 4, column lat: latitude is not a number: 'abc'"
    assert got[5].startswith("bad.csv: row 5: latitude/longitude look swapped (116.4, 39.9)")
    assert "would put the site in Beijing" in got[5]
    assert got[6] == "bad.csv: row 6: coordinates outside mainland China (48.8N, 2.3E)"
    assert "row 7: coordinates out of range (95, 400)" in got[7]
    assert got[8] == "bad.csv: row 8: duplicate of row 2 (same place and type)"
    assert "row 9, column type: unknown type 'spaceship'" in got[9]
    assert r.swappable == 1
    report = format_report(r)
    assert "8 rows read, 1 valid" in report and "--swap-latlon" in report

    fixed = read_sites(tmp_path / "bad.csv", swap_latlon=True)
    assert fixed.swapped == 1
    assert problems(fixed)[5] == "bad.csv: row 5: duplicate of row 2 (same place and type)"
    assert [n.severity for n in fixed.notes] == ["warning"]
    assert "1 row had latitude/longitude swapped and was fixed" in format_report(fixed)


def test_a_swapped_row_is_imported_swapped_on_request(tmp_path):
    p = write(tmp_path, "s.csv", "name,lat,lon\nA,104.1,30.6\nB,23.1,113.3\n")
    assert read_sites(p).imported == 1
    r = read_sites(p, swap_latlon=True)
    assert r.imported == 2 and r.issues == ()
    a = r.outlets.set_index("name").loc["A"]
    assert (a["lat"], a["lon"], a["province"]) == (30.6, 104.1, "Sichuan")
    assert a.geometry.x == 104.1 and a.geometry.y == 30.6


def test_duplicates_need_same_place_and_same_type(tmp_path):
    p = write(tmp_path, "d.csv", "lat,lon,type\n39.9,116.4,outlet\n39.900001,116.400001,outlet\n"
                                 "39.9,116.4,distribution\n39.91,116.4,outlet\n")
    r = read_sites(p)
    assert [str(i) for i in r.issues] == ["d.csv: row 3: duplicate of row 2 (same place and type)"]
    assert len(r.outlets) == 2 and len(r.sites) == 1


def test_row_numbers_count_blank_lines_and_line_breaks_in_quotes(tmp_path):
    text = ('\n'                          # 1 blank line above the header
            'name,lat,lon\n'              # 2 header
            '"two\nline name",39.9,116.4\n'  # 3-4
            '\n'                          # 5 blank: skipped quietly
            ',,\n'                        # 6 empty cells only: skipped quietly
            'bad,x,116.4\n')              # 7
    r = read_sites(write(tmp_path, "q.csv", text))
    assert r.imported == 1 and list(r.outlets["name"]) == ["two\nline name"]
    assert [str(i) for i in r.issues] == [
        "q.csv: row 7, column lat: latitude is not a number: 'x'"]


def test_a_row_with_too_many_values_is_skipped_not_the_file(tmp_path):
    text = "name,lat,lon\nA,39.9,116.4\nShop, Beijing,39.8,116.3\nC,30.6,104.1,\nD,x,1\n"
    r = read_sites(write(tmp_path, "r.csv", text))
    assert r.imported == 2  # A, and C whose trailing empty value is harmless
    got = problems(r)
    assert got[3] == ("r.csv: row 3: 4 values but the header has 3 columns (a separator inside "
                      "an unquoted value?)")
    assert "row 5, column lat: latitude is not a number" in got[5]


def test_trailing_separators_do_not_shift_columns(tmp_path):
    p = write(tmp_path, "t.csv", "name,lat,lon\nA,39.9,116.4,\nB,30.6,104.1,\n")
    r = read_sites(p)
    assert r.issues == () and list(r.outlets["name"]) == ["A", "B"]


def test_province_column_disagreeing_with_coordinates_is_a_warning(tmp_path):
    p = write(tmp_path, "p.csv", "名称,纬度,经度,省份\n甲,39.9,116.4,北京\n乙,39.9,116.5,河北省\n"
                                 "丙,30.6,104.1,四川\n丁,23.1,113.3,Atlantis\n")
    r = read_sites(p)
    assert r.imported == 4 and r.issues == ()
    notes = {n.row: str(n) for n in r.notes}
    assert set(notes) == {3, 5}
    assert notes[3] == ("p.csv: row 3, column 省份: the coordinates are in Beijing, not '河北省'; "
                        "imported by coordinates")
    assert "province 'Atlantis' not recognised" in notes[5]
    assert "2 imported rows with a warning" in format_report(r)


def test_own_ids_are_kept_unless_they_repeat(tmp_path):
    p = write(tmp_path, "i.csv", "id,lat,lon\nA-1,39.9,116.4\nA-2,30.6,104.1\n")
    assert list(read_sites(p).outlets["site_id"]) == ["A-1", "A-2"]
    p = write(tmp_path, "j.csv", "id,lat,lon\nA-1,39.9,116.4\nA-1,30.6,104.1\n")
    r = read_sites(p)
    assert list(r.outlets["site_id"]) == ["SO000001", "SO000002"]
    assert "given a new id" in r.notes[0].problem


# -- whole-file problems -----------------------------------------------------------------
@pytest.mark.parametrize("name,data,message", [
    ("empty.csv", b"", "the file is empty"),
    ("blank.csv", b"  \n\n", "the file is empty"),
    ("bom.csv", b"\xef\xbb\xbf", "the file is empty"),
    ("header.csv", b"name,lat,lon\n", "has a header but no rows"),
    ("blankrows.csv", b"name,lat,lon\n,,\n\n", "has a header but no rows"),
    ("enc.csv", b"name,lat,lon\n\xff\xfe\xff\xff,30,110\n", "wrong encoding"),
    ("latin1.csv", "name,lat,lon\nCafé,30,110\n".encode("latin-1"), "wrong encoding"),
    ("bombad.csv", b"\xef\xbb\xbfname\n\xff\n", "wrong encoding"),
    ("zip.csv", b"PK\x03\x04rest-of-a-zip", "not a CSV text file (it looks like an XLSX"),
    ("xls.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old Excel .xls"),
    ("quote.csv", b'name,lat,lon\n"A,39.9,116.4\nB,30,110\n', "line 2: a quote"),
    ("text.xlsx", b"name,lat,lon\na,1,2\n", "not an XLSX workbook"),
    ("zip.xlsx", b"PK\x03\x04" + b"\x00" * 40, "not a readable XLSX workbook"),
    ("text.gpkg", b"name,lat,lon\na,1,2\n", "not a readable GeoPackage file (GDAL: not recognized"),
    ("sqlite.gpkg", b"SQLite format 3\x00" + b"\x00" * 200, "not a readable GeoPackage file (GDAL"),
    ("bad.geojson", b"{not json", "not a readable GeoJSON file (GDAL: not recognized"),
    ("zip.geojson", b"PK\x03\x04rest", "not a readable GeoJSON file (GDAL"),
    ("list.geojson", b"[1, 2]", "not a readable GeoJSON file (GDAL"),
    ("nofeat.geojson", b'{"type": "FeatureCollection"}', "not a readable GeoJSON file (GDAL: "),
    ("zero.geojson", b'{"type": "FeatureCollection", "features": []}', "has no features"),
    ("s.dbf", b"xx", "unsupported file type"),
])
def test_whole_file_problems_name_the_file(tmp_path, name, data, message):
    p = write(tmp_path, name, data)
    with pytest.raises(SiteFileError) as exc:
        read_sites(p)
    assert str(exc.value).startswith(str(p)) and message in str(exc.value)
    assert UNEXPECTED not in str(exc.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(SiteFileError, match="file not found"):
        read_sites(tmp_path / "nope.csv")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(SiteFileError, match="is a folder"):
        read_sites(tmp_path / "dir.csv")


def test_a_real_xlsx_named_csv_is_recognised(tmp_path):
    pd.DataFrame({"lat": [39.9], "lon": [116.4]}).to_excel(tmp_path / "x.xlsx", index=False)
    p = write(tmp_path, "x.csv", (tmp_path / "x.xlsx").read_bytes())
    with pytest.raises(SiteFileError, match="not a CSV text file .it looks like an XLSX"):
        read_sites(p)


# -- garbled input never escapes as anything but SiteFileError ---------------------------
def _read_or_our_error(p: Path) -> ImportResult | None:
    try:
        return read_sites(p)
    except SiteFileError as exc:
        assert UNEXPECTED not in str(exc), str(exc)
        return None


@FUZZ
@given(data=st.binary(max_size=400))
def test_garbled_bytes_never_raise_anything_but_our_error(tmp_path, data):
    p = tmp_path / "g.csv"
    p.write_bytes(b"name,lat,lon\n" + data)
    r = _read_or_our_error(p)
    if r is not None:
        assert r.imported + r.skipped <= r.rows_read


@FUZZ
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx", ".geojson",
                                                             ".gpkg"]))
def test_random_files_of_every_type_never_crash(tmp_path, data, suffix):
    _read_or_our_error(write(tmp_path, f"r{suffix}", data))


CELL = st.one_of(st.text(max_size=8), st.floats(allow_nan=True).map(str),
                 st.sampled_from(["39.9", "116.4", "", " ", '"', "配送中心", "1e999", "-0"]))


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=5), max_size=12),
       sep=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_garbled_csv_text_never_raises_anything_but_our_error(tmp_path, rows, sep, encoding):
    body = "\n".join(sep.join(r) for r in rows)
    p = write(tmp_path, "t.csv", f"名称{sep}纬度{sep}经度{sep}类型\n" + body, encoding)
    r = _read_or_our_error(p)
    if r is not None:
        assert r.imported <= len(rows)
        assert all(i.row >= 2 for i in r.issues)


SCALAR = st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5)
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20)
GEOMETRY = st.fixed_dictionaries(
    {"type": st.sampled_from(["Point", "LineString", "", "point"]) | JSON},
    optional={"coordinates": st.lists(SCALAR | JSON, max_size=3) | JSON})
FEATURE = JSON | st.fixed_dictionaries({}, optional={
    "type": st.just("Feature") | JSON, "geometry": GEOMETRY | JSON,
    "properties": st.dictionaries(st.sampled_from(["name", "lat", "type", "id", "province"]),
                                  JSON, max_size=3) | JSON})


@FUZZ
@given(features=st.lists(FEATURE, max_size=6))
def test_garbled_geojson_never_raises_anything_but_our_error(tmp_path, features):
    doc = {"type": "FeatureCollection", "features": features}
    _read_or_our_error(write(tmp_path, "j.geojson", json.dumps(doc)))


# -- round trips and applying an import --------------------------------------------------
def test_round_trip_export_then_import_gives_the_same_sites(tmp_path, small_result):
    res = small_result
    export_results(res, tmp_path, ("geojson", "gpkg"))
    for src in (tmp_path / "outlets.geojson", tmp_path / "reach_results.gpkg"):
        r = read_sites(src)
        assert r.issues == () and r.notes == ()
        a = res.network.outlets.sort_values("site_id")
        b = r.outlets.sort_values("site_id")
        assert list(a["site_id"]) == list(b["site_id"]) and list(a["name"]) == list(b["name"])
        assert np.allclose(a["lon"], b["lon"]) and np.allclose(a["lat"], b["lat"])
        assert list(a["gb_code"]) == list(b["gb_code"])


def test_round_trip_import_export_import(tmp_path):
    src = write(tmp_path, "mine.csv", "编号,名称,纬度,经度,类型\nD1,配送一,31.2,121.5,配送中心\n"
                                      "O1,网点一,39.9,116.4,服务网点\nO2,网点二,30.6,104.1,门店\n",
                "gbk")
    first = read_sites(src)
    res = run_scenario(ScenarioParams(outlets=300, sites=40),
                       overlay=overlay_from(first, "empty"))
    export_results(res, tmp_path / "out", ("geojson", "gpkg"))
    for again in (read_sites(tmp_path / "out" / "reach_results.gpkg"),
                  read_sites(tmp_path / "out" / "outlets.geojson")):
        assert again.issues == ()
        a = first.outlets.sort_values("site_id")
        b = again.outlets.sort_values("site_id")
        cols = ["site_id", "name", "kind", "gb_code", "province", "lon", "lat"]
        pd.testing.assert_frame_equal(a[cols].reset_index(drop=True),
                                      b[cols].reset_index(drop=True), check_dtype=False)
    both = read_sites(tmp_path / "out" / "reach_results.gpkg")
    assert list(both.sites["site_id"]) == ["D1"]


def test_imported_outlets_replace_simulated_ones(tmp_path):
    r = read_sites(write(tmp_path, "s.csv", GOOD_ZH))
    base = run_scenario(ScenarioParams(outlets=300, sites=40))
    kept = apply_overlay(base.network, overlay_from(r, "keep"))
    assert len(kept.outlets) == 1 and len(kept.sites) == 1  # both layers are in the file
    only_outlets = read_sites(write(tmp_path, "o.csv", "lat,lon\n39.9,116.4\n30.6,104.1\n"))
    kept = apply_overlay(base.network, overlay_from(only_outlets, "keep"))
    emptied = apply_overlay(base.network, overlay_from(only_outlets, "empty"))
    assert len(kept.outlets) == 2 and len(kept.sites) == 40
    assert len(emptied.outlets) == 2 and len(emptied.sites) == 0
    assert (kept.outlets["parent_id"] != "").all()
    assert len(base.network.outlets) == 300  # the original is untouched


def test_apply_import_returns_a_new_network_and_never_mutates(tmp_path):
    base = run_scenario(ScenarioParams(outlets=300, sites=40)).network
    sites_before, outlets_before = base.sites.copy(), base.outlets.copy()
    r = read_sites(write(tmp_path, "s.csv", GOOD_ZH))
    both = apply_import(base, r)
    assert (len(both.sites), len(both.outlets)) == (1, 1)
    assert both.outlets["parent_id"].tolist() == both.sites["site_id"].tolist()
    only_o = apply_import(base, r, replace="outlets")
    assert (len(only_o.sites), len(only_o.outlets)) == (40, 1)
    assert only_o.outlets["parent_id"].iloc[0] in set(base.sites["site_id"])
    only_s = apply_import(base, r, replace="sites", other="empty")
    assert (len(only_s.sites), len(only_s.outlets)) == (1, 0)
    with pytest.raises(ValueError, match="replace must be one of"):
        apply_import(base, r, replace="all")
    pd.testing.assert_frame_equal(base.sites, sites_before)
    pd.testing.assert_frame_equal(base.outlets, outlets_before)


def test_a_failed_import_changes_nothing(tmp_path):
    base = run_scenario(ScenarioParams(outlets=300, sites=40)).network
    before = base.outlets.copy()
    with pytest.raises(SiteFileError):
        apply_import(base, read_sites(write(tmp_path, "bad.xlsx", "not a workbook")))
    pd.testing.assert_frame_equal(base.outlets, before)


# -- command line ------------------------------------------------------------------------
def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180, check=False)


def test_cli_sites_file_with_mapping_and_report(tmp_path):
    p = write(tmp_path, "mine.csv", "site,north,east\nA,30.6,104.1\nB,48.8,2.3\n", "gbk")
    out = run_cli("summary", "--json", "--sites", str(p), "--lat-col", "north",
                  "--lon-col", "east", "--name-col", "site", "--other", "empty")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["service_outlets"] == 1
    assert json.loads(out.stdout)["distribution_sites"] == 0
    assert "mine.csv: row 3: coordinates outside mainland China" in out.stderr


@pytest.mark.parametrize("content,needle", [
    (b"", "the file is empty"),
    (b"a,b\n1,2\n", "no latitude/longitude columns"),
    (b"lat,lon\n91,200\n", "no valid rows to import"),
])
def test_cli_bad_sites_file_is_one_line(tmp_path, content, needle):
    p = write(tmp_path, "x.csv", content)
    out = run_cli("summary", "--sites", str(p))
    assert out.returncode == 1 and needle in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith(f"reach-planner: error: {p}")
    if needle != "no valid rows to import":
        assert len(out.stderr.strip().splitlines()) == 1


def test_cli_column_flag_without_a_file(tmp_path):
    out = run_cli("summary", "--lat-col", "north")
    assert out.returncode == 1
    assert out.stderr.strip() == ("reach-planner: error: --lat-col needs a file of sites "
                                  "(--sites FILE)")
