"""GIS site files as users' tools write them (GDAL's ogr2ogr, QGIS habits, Google Earth),
read through pyogrio: every format the README lists, Chinese text encodings, CRSs, layers,
GeoPackages open in QGIS (WAL) and odd file names; and the GIS files the app writes."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from pyproj import CRS

from reach_planner.geo.sites_io import (
    LayerChoiceNeeded,
    SiteFileError,
    Source,
    read_sites,
)
from tests.conftest import ROOT

NAMES = ["北京网点", "上海配送中心", "成都网点"]
LON, LAT = [116.4, 121.5, 104.06], [39.9, 31.2, 30.66]
KINDS = ["服务网点", "配送中心", "服务网点"]


def ogr2ogr(*args: str | Path) -> None:
    """Write a file the way GDAL's own command-line tool does."""
    subprocess.run(["ogr2ogr", *map(str, args)], check=True, capture_output=True)


@pytest.fixture
def src(tmp_path) -> Path:
    """The planner's three sites as RFC 7946 GeoJSON: what ogr2ogr converts from."""
    path = tmp_path / "src" / "sites.geojson"
    path.parent.mkdir()
    gpd.GeoDataFrame({"名称": NAMES, "类型": KINDS}, geometry=gpd.points_from_xy(LON, LAT),
                     crs=4326).to_file(path, driver="GeoJSON")
    return path


def assert_sites(path: Path, source: Source | None = None, name_col: str = "名称") -> None:
    r = read_sites(path, source=source)
    assert r.issues == (), r.issues
    got = sorted(zip(r.outlets["name"].tolist() + r.sites["name"].tolist(),
                     r.outlets["lon"].tolist() + r.sites["lon"].tolist(),
                     r.outlets["lat"].tolist() + r.sites["lat"].tolist()))
    want = sorted(zip(NAMES, LON, LAT))
    assert [g[0] for g in got] == [w[0] for w in want]
    assert np.allclose([g[1:] for g in got], [w[1:] for w in want], atol=1e-6)
    assert r.sites["name"].tolist() == ["上海配送中心"]  # the type column was recognised
    assert r.columns.name == name_col


# -- Shapefile ----------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["UTF-8", "GBK"])
def test_shapefile_as_file_folder_and_zip_with_its_cpg(tmp_path, src, encoding):
    folder = tmp_path / "shp"
    ogr2ogr("-f", "ESRI Shapefile", folder, src, "-lco", f"ENCODING={encoding}")
    assert (folder / "sites.cpg").read_text().strip() == encoding
    assert_sites(folder / "sites.shp")
    assert_sites(folder)  # a folder holding one Shapefile
    with zipfile.ZipFile(tmp_path / "sites.zip", "w") as z:
        for f in folder.iterdir():
            z.write(f, f"sites/{f.name}")
    assert_sites(tmp_path / "sites.zip")


@pytest.mark.parametrize("encoding", ["UTF-8", "GBK"])
def test_shapefile_without_cpg_has_its_chinese_text_detected(tmp_path, src, encoding):
    folder = tmp_path / "shp"
    ogr2ogr("-f", "ESRI Shapefile", folder, src, "-lco", f"ENCODING={encoding}")
    (folder / "sites.cpg").unlink()  # as older Chinese GIS tools leave it (DBF language id 0)
    assert (folder / "sites.dbf").read_bytes()[29] == 0
    assert_sites(folder / "sites.shp")
    assert_sites(folder / "sites.shp", Source(encoding=encoding.lower()))  # the override


def test_an_unknown_encoding_override_is_one_line(tmp_path, src):
    folder = tmp_path / "shp"
    ogr2ogr("-f", "ESRI Shapefile", folder, src, "-lco", "ENCODING=UTF-8")
    (folder / "sites.cpg").unlink()
    for path in (folder / "sites.shp", _csv(tmp_path)):
        with pytest.raises(SiteFileError) as err:
            read_sites(path, source=Source(encoding="klingon"))
        assert str(err.value) == f"{path}: unknown text encoding 'klingon'"


def _csv(tmp_path: Path) -> Path:
    p = tmp_path / "gbk.csv"
    p.write_bytes("名称,纬度,经度\n北京网点,39.9,116.4\n".encode("gbk"))
    return p


def test_csv_encoding_override(tmp_path):
    p = _csv(tmp_path)
    assert read_sites(p, source=Source(encoding="gbk")).outlets["name"].tolist() == ["北京网点"]
    with pytest.raises(SiteFileError, match=r"gbk.csv: wrong encoding: not valid utf-8 text"):
        read_sites(p, source=Source(encoding="utf-8"))


def test_shapefile_without_prj(tmp_path, src):
    folder = tmp_path / "shp"
    ogr2ogr("-f", "ESRI Shapefile", folder, src, "-lco", "ENCODING=UTF-8")
    (folder / "sites.prj").unlink()
    assert_sites(folder / "sites.shp")  # lon/lat coordinates: taken as WGS 84
    metres = tmp_path / "m"
    ogr2ogr("-f", "ESRI Shapefile", metres, src, "-t_srs", "EPSG:3857", "-lco", "ENCODING=UTF-8")
    (metres / "sites.prj").unlink()
    with pytest.raises(SiteFileError) as err:
        read_sites(metres / "sites.shp")
    assert str(err.value).startswith(f"{metres / 'sites.shp'}: layer sites has no coordinate "
                                     "reference system")
    assert "\n" not in str(err.value)


# -- KML / KMZ ----------------------------------------------------------------------------
GOOGLE_EARTH_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>网点.kml</name>
  <Style id="s"><IconStyle><scale>1.1</scale></IconStyle></Style>
  <Folder><name>我的地点</name><open>1</open>
{marks}
  </Folder>
</Document></kml>
"""
MARK = """    <Placemark><name>{name}</name><description>{kind}</description><styleUrl>#s</styleUrl>
      <Point><gx:drawOrder>1</gx:drawOrder><coordinates>{lon},{lat},0</coordinates></Point>
    </Placemark>"""


def _google_earth_kml() -> str:
    return GOOGLE_EARTH_KML.format(marks="\n".join(
        MARK.format(name=n, kind=k, lon=x, lat=y) for n, k, x, y in zip(NAMES, KINDS, LON, LAT)))


def test_kml_and_kmz_as_google_earth_saves_them(tmp_path):
    kml = tmp_path / "网点.kml"
    kml.write_text(_google_earth_kml(), encoding="utf-8")
    r = read_sites(kml)
    assert r.issues == () and r.columns.name == "Name"
    assert sorted(r.outlets["name"]) == sorted(NAMES)  # no type column: all outlets (--kind)
    assert np.allclose(sorted(r.outlets["lon"]), sorted(LON))
    kmz = tmp_path / "网点.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.writestr("doc.kml", _google_earth_kml())
    assert sorted(read_sites(kmz).outlets["name"]) == sorted(NAMES)


def test_kml_and_kmz_written_by_ogr2ogr(tmp_path, src):
    ogr2ogr("-f", "KML", tmp_path / "a.kml", src, "-dsco", "NameField=名称")
    r = read_sites(tmp_path / "a.kml")
    assert r.columns.name == "Name" and sorted(r.outlets["name"]) == ["北京网点", "成都网点"]
    assert r.sites["name"].tolist() == ["上海配送中心"]
    ogr2ogr("-f", "LIBKML", tmp_path / "a.kmz", src)
    assert_sites(tmp_path / "a.kmz")


# -- FlatGeobuf, GeoJSONSeq, GeoJSON with the 2008 crs member -----------------------------
@pytest.mark.parametrize("driver,name", [("FlatGeobuf", "a.fgb"), ("GeoJSONSeq", "a.geojsonl"),
                                         ("GeoJSONSeq", "a.geojsons")])
def test_flatgeobuf_and_geojson_sequences(tmp_path, src, driver, name):
    ogr2ogr("-f", driver, tmp_path / name, src)
    assert_sites(tmp_path / name)


def test_geojson_with_the_2008_crs_member_is_reprojected(tmp_path, src):
    path = tmp_path / "m.geojson"
    ogr2ogr("-f", "GeoJSON", path, src, "-t_srs", "EPSG:3857", "-lco", "RFC7946=NO")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::3857"
    assert doc["features"][0]["geometry"]["coordinates"][0] > 1e6  # metres
    assert_sites(path)


# -- GeoPackage ---------------------------------------------------------------------------
def _two_layers(tmp_path: Path, src: Path) -> Path:
    path = tmp_path / "two.gpkg"
    ogr2ogr("-f", "GPKG", path, src, "-nln", "beijing", "-where", "\"名称\" = '北京网点'")
    ogr2ogr("-update", "-f", "GPKG", path, src, "-nln", "all_sites")
    return path


def test_geopackage_with_several_point_layers_asks_which(tmp_path, src):
    path = _two_layers(tmp_path, src)
    with pytest.raises(LayerChoiceNeeded) as err:
        read_sites(path)
    assert err.value.layers == ["beijing", "all_sites"]
    assert "--layer" in str(err.value) and "\n" not in str(err.value)
    assert_sites(path, Source(layer="all_sites"))
    assert read_sites(path, source=Source(layer="beijing")).outlets["name"].tolist() == ["北京网点"]
    every = read_sites(path, source=Source(layer="*"))
    assert every.rows_read == 4 and {i.file for i in every.issues} == {"two.gpkg:all_sites"}
    with pytest.raises(SiteFileError, match=r"no layer named 'nope' \(layers: beijing \(Point\)"):
        read_sites(path, source=Source(layer="nope"))


def test_cli_takes_the_layer(tmp_path, src):
    path = _two_layers(tmp_path, src)
    base = [sys.executable, str(ROOT / "main.py"), "summary", "--outlets", "300", "--sites", str(path)]
    asked = subprocess.run(base, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert asked.returncode == 1 and "--layer NAME" in asked.stderr
    assert "Traceback" not in asked.stderr
    ok = subprocess.run(base + ["--layer", "all_sites", "--json"], capture_output=True, text=True,
                        cwd=ROOT, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["distribution_sites"] == 1


def _points(n: int) -> gpd.GeoDataFrame:
    """n distinct outlets across Sichuan."""
    k = np.arange(n)
    return gpd.GeoDataFrame({"name": [f"网点{i}" for i in k]},
                            geometry=gpd.points_from_xy(102 + (k % 50) * 0.08, 28 + (k // 50) * 0.3),
                            crs=4326)


def test_geopackage_open_in_qgis_with_an_unchecked_wal_gives_every_committed_row(tmp_path):
    path = tmp_path / "editing.gpkg"
    pyogrio.write_dataframe(_points(500).iloc[:100], path, layer="outlets", driver="GPKG",
                            SPATIAL_INDEX="NO")  # no R-tree triggers: plain sqlite3 can insert
    blobs = tmp_path / "blobs.gpkg"
    pyogrio.write_dataframe(_points(500).iloc[100:], blobs, layer="outlets", driver="GPKG")
    rows = sqlite3.connect(blobs).execute("SELECT geom, name FROM outlets ORDER BY fid").fetchall()
    con = sqlite3.connect(path)  # QGIS's editing session: WAL, no checkpoint yet
    try:
        assert con.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
        con.execute("PRAGMA wal_autocheckpoint=0")
        con.executemany("INSERT INTO outlets (geom, name) VALUES (?, ?)", rows)
        con.commit()
        copy = tmp_path / "copy"
        copy.mkdir()
        for suffix in ("", "-wal"):  # the database and its un-checkpointed WAL, as on disk now
            shutil.copy(f"{path}{suffix}", copy / f"editing.gpkg{suffix}")
    finally:
        con.close()
    assert (copy / "editing.gpkg-wal").stat().st_size > 0
    r = read_sites(copy / "editing.gpkg")
    assert r.rows_read == 500 and len(r.outlets) == 500 and r.issues == ()


def test_geopackage_whose_crs_is_only_wkt2(tmp_path, src):
    path = tmp_path / "wkt2.gpkg"
    ogr2ogr("-f", "GPKG", path, src, "-t_srs", "EPSG:3857", "-nln", "sites")
    con = sqlite3.connect(path)
    try:
        con.execute("ALTER TABLE gpkg_spatial_ref_sys ADD COLUMN definition_12_063 TEXT")
        con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('Web Mercator, WKT2 only', 100000, "
                    "'NONE', 100000, 'undefined', '', ?)", (CRS(3857).to_wkt("WKT2_2019"),))
        for table in ("gpkg_geometry_columns", "gpkg_contents"):
            con.execute(f"UPDATE {table} SET srs_id = 100000")
        con.execute("CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
                    "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL)")
        con.execute("INSERT INTO gpkg_extensions VALUES ('gpkg_spatial_ref_sys', 'definition_12_063', "
                    "'gpkg_crs_wkt', 'http://www.geopackage.org/spec120/#extension_crs_wkt', 'read-write')")
        con.commit()
    finally:
        con.close()
    assert_sites(path)


@pytest.mark.parametrize("name", ["x%41.gpkg", "my#sites.gpkg", "what?.gpkg", "a b&c=1.gpkg"])
def test_geopackage_file_names_are_file_names(tmp_path, name):
    """Not SQLite URIs: %41 is not 'A', # and ? start nothing (issue 19 item 7)."""
    decoy = _points(3)
    pyogrio.write_dataframe(decoy, tmp_path / "xA.gpkg", layer="outlets", driver="GPKG")
    mine = _points(7)
    pyogrio.write_dataframe(mine, tmp_path / name, layer="outlets", driver="GPKG")
    before = sorted(p.name for p in tmp_path.iterdir())
    r = read_sites(tmp_path / name)
    assert r.rows_read == 7 and len(r.outlets) == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no stray 'my' or 'what'


# -- what is not readable: one line naming the file and GDAL's reason -----------------------
@pytest.mark.parametrize("name,data,message", [
    ("bad.kml", b"<kml><Document><Placemark>", "not a readable KML file (GDAL: "),
    ("bad.fgb", b"fgb\x03garbage" * 10, "not a readable FlatGeobuf file (GDAL"),
    ("bad.shp", b"\x00\x00\x27\x0a" + b"\x00" * 60, "not a readable Shapefile file (GDAL: "),
    ("bad.zip", b"PK\x03\x04 not really", "not a readable zipped Shapefile file (GDAL: "),
    ("text.gpkg", b"name,lat,lon\na,1,2\n", "not a readable GeoPackage file (GDAL: "),
    ("json.gpkg", b'{"type": "FeatureCollection", "features": []}',
     "not a GeoPackage file (GDAL reads it as GeoJSON)"),
])
def test_unreadable_gis_files_are_one_line(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SiteFileError) as err:
        read_sites(path)
    text = str(err.value)
    assert text.startswith(f"{path}: ") and message in text, text
    assert "\n" not in text and "could not be read (unexpected" not in text


def test_geopackage_without_point_layers_names_its_layers(tmp_path):
    poly = gpd.GeoDataFrame({"a": [1]}, geometry=gpd.GeoSeries.from_wkt(
        ["POLYGON ((116 39, 117 39, 117 40, 116 39))"]), crs=4326)
    poly.to_file(tmp_path / "poly.gpkg", layer="areas", driver="GPKG")
    with pytest.raises(SiteFileError, match=r"no point layer in the file \(layers: areas \(Polygon\)\)"):
        read_sites(tmp_path / "poly.gpkg")


# -- out: GeoPackage, RFC 7946 GeoJSON and KML through GDAL ---------------------------------
@pytest.fixture
def picks():
    from reach_planner.geo.network import OUTLET, make_layer

    sites = make_layer(OUTLET, np.array(LON), np.array(LAT), np.array([11, 31, 51]),
                       ["网点 <一> & \"二\"", "b", "c"], {11: "Beijing", 31: "Shanghai", 51: "Sichuan"},
                       source="recommended")
    return sites, (300.0, 200.0, 100.0)


def test_picks_as_kml_open_in_google_earth_style_readers(tmp_path, picks):
    from reach_planner.geo.siting.picks_io import write_picks

    out = write_picks(tmp_path / "picks.kml", *picks)
    back = pyogrio.read_dataframe(out)
    assert back["Name"].tolist() == ["网点 <一> & \"二\"", "b", "c"]  # XML-escaped by GDAL
    assert np.allclose(back.geometry.x, LON) and back.crs.to_epsg() == 4326
    assert back["site_id"].tolist() == picks[0]["site_id"].tolist()
    again = read_sites(out)  # and the app reads its own KML back
    assert again.outlets["site_id"].tolist() == picks[0]["site_id"].tolist()
    assert [p.name for p in tmp_path.iterdir()] == ["picks.kml"]  # no temporary left


def test_picks_as_rfc7946_geojson_and_geopackage(tmp_path, picks):
    from reach_planner.geo.siting.picks_io import write_picks

    gj = write_picks(tmp_path / "picks.geojson", picks[0].to_crs(3857).to_crs(4326), picks[1])
    doc = json.loads(gj.read_text(encoding="utf-8"))
    assert "crs" not in doc and doc["name"] == "picks"
    assert np.allclose(doc["features"][0]["geometry"]["coordinates"], [LON[0], LAT[0]], atol=1e-9)
    gp = write_picks(tmp_path / "picks.gpkg", *picks)
    assert pyogrio.list_layers(gp).tolist() == [["outlets", "Point"]]
    assert pyogrio.read_dataframe(gp)["gain"].tolist() == [300, 200, 100]


def test_geojson_in_another_crs_is_written_as_wgs84(tmp_path):
    from reach_planner.geo.vector_write import write_geojson

    write_geojson(tmp_path / "m.geojson", _points(3).to_crs("ESRI:54009"), "m")
    doc = json.loads((tmp_path / "m.geojson").read_text(encoding="utf-8"))
    assert "crs" not in doc
    assert np.allclose(doc["features"][1]["geometry"]["coordinates"], [102.08, 28.0], atol=1e-7)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    from reach_planner.geo.atomic import atomic_write_with
    from reach_planner.geo.vector_write import write_gpkg

    target = tmp_path / "r.gpkg"
    write_gpkg(target, {"a": _points(2)})
    old = target.read_bytes()

    def full(*_args, **_kw):
        raise pyogrio.errors.DataSourceError("sqlite3_exec failed: database or disk is full")

    monkeypatch.setattr(pyogrio, "write_dataframe", full)
    with pytest.raises(OSError, match="cannot write r.gpkg: .*database or disk is full"):
        atomic_write_with(target, lambda p: write_gpkg(p, {"a": _points(5)}))
    assert target.read_bytes() == old and [p.name for p in tmp_path.iterdir()] == ["r.gpkg"]


def test_cli_takes_the_encoding(tmp_path):
    f = tmp_path / "big5.csv"
    f.write_bytes("名稱,緯度,經度\n台北網點,39.9,116.4\n".encode("big5"))
    base = [sys.executable, str(ROOT / "main.py"), "summary", "--outlets", "300", "--sites", str(f),
            "--other", "empty"]
    ok = subprocess.run(base + ["--encoding", "big5", "--json"], capture_output=True, text=True,
                        cwd=ROOT, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["service_outlets"] == 1
    bad = subprocess.run(base + ["--encoding", "klingon"], capture_output=True, text=True, cwd=ROOT,
                         timeout=300)
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [f"reach-planner: error: {f}: unknown text encoding 'klingon'"]


def test_a_gbk_shapefile_without_cpg_keeps_its_chinese_names_with_pandas_string_columns(tmp_path):
    """pandas 3 reads text as its own ``str`` dtype, not object: the detection looked only at
    object columns, saw no text and left GBK names as Latin-1 mojibake (found in the bench)."""
    import pyogrio
    from shapely.geometry import Point

    names = ["北京网点", "上海网点", "成都网点"]
    gdf = gpd.GeoDataFrame({"name": names}, geometry=[Point(116.4, 39.9), Point(121.5, 31.2),
                                                      Point(104.1, 30.7)], crs=4326)
    pyogrio.write_dataframe(gdf, tmp_path / "s.shp", encoding="GBK")
    (tmp_path / "s.cpg").unlink()
    assert read_sites(tmp_path / "s.shp").outlets["name"].tolist() == names
