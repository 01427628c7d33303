"""GeoPackage and GeoJSON without GDAL (geo/gpkg.py, geo/geojson_file.py): what we write is
a valid GeoPackage / GeoJSON that GDAL (pyogrio, test-only) reads back with the same
values; what GDAL writes, we read the same as pyogrio does."""
from __future__ import annotations

import json
import sqlite3
import struct

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from reach_planner.geo.geojson_file import write_geojson
from reach_planner.geo.gpkg import GeoPackageError, list_layers, parse_blob, read_layer, write_gpkg

POLY = shapely.from_wkt("POLYGON ((116 39, 117 39, 117 40, 116 39))")
MULTI = shapely.from_wkt("MULTIPOLYGON (((100 30, 101 30, 101 31, 100 30)), ((102 30, 103 30, 103 31, 102 30)))")


def points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "site_id": ["D1", "O1", "O2"], "name": ["配送一", 'quote " and, comma', None],
        "gb_code": np.array([31, 11, 51], dtype=np.int64), "rural": [1.5, np.nan, 3.25],
        "covered": [True, False, True],
    }, geometry=gpd.points_from_xy([121.5, 116.4, 104.1], [31.2, 39.9, 30.6]), crs=4326)


def areas() -> gpd.GeoDataFrame:  # Polygon and MultiPolygon mixed, as a dissolve gives
    return gpd.GeoDataFrame({"rank": [1, 2]}, geometry=[POLY, MULTI], crs=4326)


# -- GeoPackage: the file is what OGC 12-128 asks for ------------------------------------
@pytest.fixture
def written(tmp_path):
    path = tmp_path / "r.gpkg"
    empty = gpd.GeoDataFrame({"rank": np.array([], dtype=np.int64)}, geometry=[], crs=4326)
    write_gpkg(path, {"sites": points(), "areas": areas(), "none": empty,
                      "metres": points().to_crs(3857), "moll": points().to_crs("ESRI:54009")})
    return path


def test_written_geopackage_has_the_required_tables_and_headers(written):
    con = sqlite3.connect(written)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        assert con.execute("PRAGMA user_version").fetchone()[0] >= 10200
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        srs = dict(con.execute("SELECT srs_id, organization FROM gpkg_spatial_ref_sys"))
        assert {-1: "NONE", 0: "NONE", 4326: "EPSG", 3857: "EPSG"}.items() <= srs.items()
        private = [k for k, org in srs.items() if k >= 100000]
        assert len(private) == 1 and srs[private[0]] == "NONE"  # Mollweide has no EPSG code
        contents = con.execute("SELECT table_name, data_type, identifier, srs_id, min_x, max_y "
                               "FROM gpkg_contents ORDER BY rowid").fetchall()
        assert [c[:4] for c in contents] == [("sites", "features", "sites", 4326),
                                            ("areas", "features", "areas", 4326),
                                            ("none", "features", "none", 4326),
                                            ("metres", "features", "metres", 3857),
                                            ("moll", "features", "moll", private[0])]
        assert contents[0][4:] == (104.1, 39.9)  # the layer's extent
        geo = dict(con.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
        assert geo == {"sites": "POINT", "areas": "MULTIPOLYGON", "none": "GEOMETRY", "metres": "POINT",
                       "moll": "POINT"}
        for table, srs_id in (("sites", 4326), ("areas", 4326), ("metres", 3857)):
            for (blob,) in con.execute(f"SELECT geom FROM {table}"):
                assert blob[:2] == b"GP" and blob[2] == 0
                assert struct.unpack("<i", blob[4:8])[0] == srs_id
                assert (blob[3] >> 1) & 7 == (0 if table != "areas" else 1)  # envelope for non-points
        (blob,) = con.execute("SELECT geom FROM areas WHERE fid = 2").fetchone()
        assert struct.unpack("<4d", blob[8:40]) == (100.0, 103.0, 30.0, 31.0)  # minx maxx miny maxy
    finally:
        con.close()


def test_gdal_reads_our_geopackage_with_the_same_values(written):
    assert pyogrio.list_layers(written)[:, 0].tolist() == ["sites", "areas", "none", "metres", "moll"]
    got = gpd.read_file(written, layer="sites")
    want = points()
    assert got.crs.to_epsg() == 4326
    assert got["site_id"].tolist() == ["D1", "O1", "O2"]
    assert got["name"].tolist()[:2] == ["配送一", 'quote " and, comma'] and got["name"].isna().tolist()[2]
    assert got["gb_code"].dtype == np.int64 and got["gb_code"].tolist() == [31, 11, 51]
    assert got["rural"].tolist()[0::2] == [1.5, 3.25] and np.isnan(got["rural"][1])
    assert got["covered"].dtype == bool and got["covered"].tolist() == [True, False, True]
    assert shapely.equals(got.geometry.to_numpy(), want.geometry.to_numpy()).all()
    regions = gpd.read_file(written, layer="areas")
    assert regions.geom_type.tolist() == ["MultiPolygon", "MultiPolygon"]  # promoted, as GDAL does
    assert shapely.equals(regions.geometry.to_numpy(), [POLY, MULTI]).all()
    assert len(gpd.read_file(written, layer="none")) == 0
    moll = gpd.read_file(written, layer="moll")
    assert moll.crs.equals(want.to_crs("ESRI:54009").crs)
    assert np.allclose(moll.to_crs(4326).geometry.x, want.geometry.x)


def test_missing_and_empty_geometries_round_trip(tmp_path):
    g = gpd.GeoDataFrame({"n": [1, 2, 3]}, geometry=[shapely.Point(1, 2), None, shapely.Point()], crs=4326)
    path = tmp_path / "e.gpkg"
    write_gpkg(path, {"p": g})
    for got in (read_layer(path, "p"), gpd.read_file(path, layer="p")):
        assert got.geometry[0].equals(shapely.Point(1, 2))
        assert got.geometry[1] is None
        assert got.geometry[2].is_empty


def test_writing_replaces_an_old_file_and_refuses_reserved_columns(tmp_path):
    path = tmp_path / "r.gpkg"
    write_gpkg(path, {"a": areas()})
    write_gpkg(path, {"b": points()})
    assert [i.name for i in list_layers(path)] == ["b"]
    with pytest.raises(ValueError, match="layer x: a column may not be called fid or geom"):
        write_gpkg(tmp_path / "bad.gpkg", {"x": areas().assign(fid=1)})


# -- GeoPackage: reading what GDAL writes ------------------------------------------------
def test_we_read_gdal_geopackages_as_pyogrio_does(tmp_path):
    path = tmp_path / "gdal.gpkg"
    points().to_crs(3857).to_file(path, layer="outlets", driver="GPKG")  # with GDAL's R-tree index
    areas().to_file(path, layer="areas", driver="GPKG")
    assert [(i.name, i.geometry_type) for i in list_layers(path)] == [("outlets", "POINT"),
                                                                      ("areas", "MULTIPOLYGON")]
    ours, theirs = read_layer(path, "outlets"), gpd.read_file(path, layer="outlets")
    assert ours.crs.to_epsg() == 3857
    assert list(ours.columns) == list(theirs.columns)
    pd.testing.assert_frame_equal(pd.DataFrame(ours.drop(columns="geometry")),
                                  pd.DataFrame(theirs.drop(columns="geometry")), check_dtype=False)
    assert ours["gb_code"].dtype == np.int64 and ours["covered"].dtype == bool
    assert shapely.equals(ours.geometry.to_numpy(), theirs.geometry.to_numpy()).all()


def test_geometry_blobs_with_other_envelopes_and_bare_wkb():
    wkb = shapely.to_wkb(POLY, byte_order=0)  # big-endian WKB
    xyz_envelope = b"GP\x00" + bytes([0x01 | (2 << 1)]) + struct.pack("<i", 4326) + struct.pack("<6d", *range(6))
    assert parse_blob(xyz_envelope + wkb).equals(POLY)
    assert parse_blob(wkb).equals(POLY)
    assert parse_blob(None) is None
    with pytest.raises(GeoPackageError, match="extended"):
        parse_blob(b"GP\x00\x21" + struct.pack("<i", 4326) + wkb)
    with pytest.raises(GeoPackageError, match="cut short"):
        parse_blob(b"GP\x00")


def test_a_database_that_is_not_a_geopackage_is_named_as_such(tmp_path):
    path = tmp_path / "plain.gpkg"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()
    with pytest.raises(GeoPackageError, match="no GeoPackage tables"):
        list_layers(path)
    write_gpkg(path, {"a": areas()})
    with pytest.raises(GeoPackageError, match="no feature layer 'b'"):
        read_layer(path, "b")


# -- GeoJSON -----------------------------------------------------------------------------
def test_gdal_reads_our_geojson_with_the_same_values(tmp_path):
    path = tmp_path / "sites.geojson"
    write_geojson(path, points(), "sites")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["name"] == "sites"
    assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:OGC:1.3:CRS84"
    assert doc["features"][1]["properties"]["rural"] is None  # NaN is null, not invalid JSON NaN
    assert "配送一" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    got = gpd.read_file(path)
    assert got.crs.to_epsg() == 4326
    assert got["gb_code"].tolist() == [31, 11, 51] and got["covered"].tolist() == [True, False, True]
    assert got["name"].tolist()[:2] == ["配送一", 'quote " and, comma']
    assert shapely.equals(got.geometry.to_numpy(), points().geometry.to_numpy()).all()
    mixed = tmp_path / "areas.geojson"
    write_geojson(mixed, areas(), "areas")
    assert gpd.read_file(mixed).geom_type.tolist() == ["Polygon", "MultiPolygon"]


def test_geojson_in_another_crs_names_it(tmp_path):
    path = tmp_path / "s.geojson"
    write_geojson(path, points().to_crs(3857), "s")
    assert json.loads(path.read_text())["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::3857"
    back = gpd.read_file(path)
    assert back.crs.to_epsg() == 3857
    assert np.allclose(back.to_crs(4326).geometry.x, points().geometry.x)
    write_geojson(path, points().to_crs("ESRI:54009"), "s")  # no EPSG code: no crs member
    assert "crs" not in json.loads(path.read_text())


# -- the site import's messages name the file, the layer and the problem ------------------
def _damaged(tmp_path, sql: str):
    path = tmp_path / "d.gpkg"
    write_gpkg(path, {"outlets": points()})
    con = sqlite3.connect(path)
    for trigger, in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f'DROP TRIGGER "{trigger}"')  # they call GDAL's SQL functions
    con.execute(sql)
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("sql,problem", [
    ("UPDATE outlets SET geom = X'47500001E6100000DEADBEEF' WHERE fid = 2",
     "not a readable GeoPackage (layer outlets: feature 2: "),
    ("UPDATE outlets SET geom = X'47500021E6100000' WHERE fid = 1",
     "not a readable GeoPackage (layer outlets: feature 1: extended (non-standard) geometry blobs are not supported)"),
    ("UPDATE gpkg_spatial_ref_sys SET organization = 'NONE', definition = 'not a CRS' WHERE srs_id = 4326",
     "not a readable GeoPackage (layer outlets: "),
    ("DROP TABLE gpkg_geometry_columns", "not a readable GeoPackage (no GeoPackage tables"),
])
def test_damaged_geopackages_are_one_message_naming_the_file(tmp_path, sql, problem):
    from reach_planner.geo.site_tables import SiteFileError
    from reach_planner.geo.sites_io import read_sites

    path = _damaged(tmp_path, sql)
    with pytest.raises(SiteFileError) as err:
        read_sites(path)
    assert str(err.value).startswith(f"{path}: {problem}")
    assert "\n" not in str(err.value)


def test_our_geopackage_has_a_spatial_index_gdal_uses(written):
    info = pyogrio.read_info(written, layer="areas")
    assert info["capabilities"]["fast_spatial_filter"]
    con = sqlite3.connect(written)
    try:
        ext = con.execute("SELECT table_name, extension_name FROM gpkg_extensions ORDER BY rowid").fetchall()
        assert ("areas", "gpkg_rtree_index") in ext and ("none", "gpkg_rtree_index") in ext
        assert con.execute("SELECT id FROM rtree_areas_geom WHERE minx <= 100.5 AND maxx >= 100.5").fetchall() == [(2,)]
        triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {f"rtree_sites_geom_{t}" for t in ("insert", "update1", "update2", "update3", "update4",
                                                  "delete")} <= triggers
    finally:
        con.close()
    near = gpd.read_file(written, layer="sites", bbox=(116, 39, 117, 40))  # GDAL's filter through the index
    assert near["site_id"].tolist() == ["O1"]


def test_packed_spatial_index_is_a_valid_sqlite_rtree_that_sqlite_keeps_updating(tmp_path):
    """3,000 points: a tree of three levels. SQLite's rtreecheck() accepts it, every box query
    equals a brute-force one, and SQLite's own inserts and deletes (through the triggers,
    with the GeoPackage SQL functions stubbed as GDAL provides them) keep it valid."""
    rng = np.random.default_rng(4)
    x, y = rng.uniform(73, 135, 3000), rng.uniform(18, 54, 3000)
    path = tmp_path / "p.gpkg"
    write_gpkg(path, {"p": gpd.GeoDataFrame({"n": np.arange(3000)}, geometry=gpd.points_from_xy(x, y), crs=4326)})
    con = sqlite3.connect(path)
    try:
        for name, pick in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
            con.create_function(name, 1, lambda b, k=pick: float(shapely.bounds(parse_blob(b))[k]))
        con.create_function("ST_IsEmpty", 1, lambda b: int(parse_blob(b).is_empty))
        assert con.execute("SELECT rtreecheck('rtree_p_geom')").fetchone() == ("ok",)
        for x0, y0 in rng.uniform((73, 18), (130, 50), (20, 2)):
            got = {r[0] for r in con.execute("SELECT id FROM rtree_p_geom WHERE maxx >= ? AND minx <= ? AND "
                                             "maxy >= ? AND miny <= ?", (x0, x0 + 5, y0, y0 + 4))}
            want = set(np.flatnonzero((x >= x0) & (x <= x0 + 5) & (y >= y0) & (y <= y0 + 4)) + 1)
            assert got == want
        blob = con.execute("SELECT geom FROM p WHERE fid = 1").fetchone()[0]
        con.executemany("INSERT INTO p (geom, n) VALUES (?, ?)", [(blob, k) for k in range(500)])
        con.execute("DELETE FROM p WHERE fid % 3 = 0")
        assert con.execute("SELECT rtreecheck('rtree_p_geom')").fetchone() == ("ok",)
        assert con.execute("SELECT count(*) FROM rtree_p_geom").fetchone()[0] == \
            con.execute("SELECT count(*) FROM p").fetchone()[0] == 3500 - 3500 // 3
    finally:
        con.close()


def test_a_disk_error_while_writing_is_an_os_error_naming_the_target(tmp_path, monkeypatch):
    from reach_planner.geo.atomic import atomic_write_with

    def full(*_args):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("reach_planner.geo.gpkg._write_layer", full)
    with pytest.raises(OSError, match="cannot write r.gpkg: .*database or disk is full"):
        atomic_write_with(tmp_path / "r.gpkg", lambda p: write_gpkg(p, {"a": areas()}))
    assert list(tmp_path.iterdir()) == []  # no temporary file or journal left
