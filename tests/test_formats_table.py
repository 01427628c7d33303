"""The README's formats table is true: every format it marks as read is written the way
users' tools write it (GDAL's ogr2ogr, pyogrio, pandas, rasterio) and imported by the app;
every format it marks as written is written by the app and read back by GDAL/pandas; and
the extensions it lists are the ones the readers and writers take."""
from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from reach_planner.geo.demand_io import read_demand
from reach_planner.geo.export_data import FORMATS as EXPORT_FORMATS
from reach_planner.geo.export_data import export_results
from reach_planner.geo.site_tables import SUFFIXES
from reach_planner.geo.sites_io import read_sites
from reach_planner.geo.siting.picks_io import PICK_FORMATS, write_picks
from tests.conftest import ROOT

HEAD = "| format | extensions | reads | writes | notes |"
NAMES = ["北京网点", "上海配送中心", "成都网点"]
LON, LAT = [116.4, 121.5, 104.06], [39.9, 31.2, 30.66]
KINDS = ["服务网点", "配送中心", "服务网点"]
WEIGHTS = [120.0, 30.5, 7.0]


def table() -> list[dict[str, str]]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(HEAD)
    keys = [k.strip() for k in HEAD.strip("|").split("|")]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        rows.append(dict(zip(keys, cells)))
    return rows


def extensions(row: dict[str, str]) -> list[str]:
    return re.findall(r"`(\.[a-z0-9]+)`", row["extensions"])


ROWS = table()


def frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": NAMES, "type": KINDS, "weight": WEIGHTS},
                            geometry=gpd.points_from_xy(LON, LAT), crs=4326)


def ogr2ogr(out: Path, driver: str, *options: str) -> Path:
    src = out.parent / "src.geojson"
    frame().to_file(src, driver="GeoJSON")
    subprocess.run(["ogr2ogr", "-f", driver, str(out), str(src), *options], check=True,
                   capture_output=True)
    return out


def _table_file(tmp: Path, ext: str) -> Path:
    df = pd.DataFrame({"name": NAMES, "lat": LAT, "lon": LON, "type": KINDS, "weight": WEIGHTS})
    path = tmp / f"sites{ext}"
    if ext == ".xlsx":
        df.to_excel(path, index=False)
    else:
        df.to_csv(path, index=False)
    return path


def _raster(tmp: Path) -> Path:
    import rasterio
    from affine import Affine

    path = tmp / "pop.tif"
    with rasterio.open(path, "w", driver="GTiff", width=20, height=10, count=1, dtype="float32",
                       crs="EPSG:4326", transform=Affine(0.1, 0, 104.0, 0, -0.1, 31.0),
                       nodata=-1) as dst:
        dst.write(np.full((10, 20), 2.5, dtype=np.float32), 1)
    return path


# a file of the row's format, made by the tools users have (never by the app)
MAKERS: dict[str, Callable[[Path], Path]] = {
    "CSV": lambda t: _table_file(t, ".csv"),
    "XLSX": lambda t: _table_file(t, ".xlsx"),
    "Shapefile": lambda t: ogr2ogr(t / "shp", "ESRI Shapefile", "-lco", "ENCODING=UTF-8") / "src.shp",
    "KML": lambda t: ogr2ogr(t / "s.kml", "KML", "-dsco", "NameField=name"),
    "KMZ": lambda t: ogr2ogr(t / "s.kmz", "LIBKML"),
    "GeoJSON": lambda t: ogr2ogr(t / "s.geojson", "GeoJSON", "-lco", "RFC7946=YES"),
    "GeoJSON Sequence": lambda t: ogr2ogr(t / "s.geojsonl", "GeoJSONSeq"),
    "GeoPackage": lambda t: ogr2ogr(t / "s.gpkg", "GPKG", "-nln", "mine"),
    "FlatGeobuf": lambda t: ogr2ogr(t / "s.fgb", "FlatGeobuf"),
}
RASTERS = ("GeoTIFF", "VRT, zipped or gzipped GeoTIFF, other GDAL rasters")


@pytest.mark.parametrize("row", ROWS, ids=[r["format"] for r in ROWS])
def test_every_format_marked_readable_is_imported(tmp_path, row):
    reads = row["reads"]
    assert reads, f"{row['format']}: the table says it reads nothing"
    if "demand raster" in reads:
        assert row["format"] in RASTERS
        path = _raster(tmp_path)  # the demand import takes a GeoTIFF (rasters: helper "raster")
        assert read_demand(path).total == pytest.approx(200 * 2.5)
        return
    path = MAKERS[row["format"]](tmp_path)
    if "sites" in reads:
        r = read_sites(path)
        assert r.issues == ()
        assert sorted(r.outlets["name"].tolist() + r.sites["name"].tolist()) == sorted(NAMES)
        assert np.allclose(sorted(r.outlets["lon"].tolist() + r.sites["lon"].tolist()), sorted(LON))
    if "demand points" in reads:
        imp = read_demand(path)
        assert imp.kind == "points" and imp.total == pytest.approx(sum(WEIGHTS))


def test_every_extension_the_site_readers_take_is_in_the_table():
    listed = {e for r in ROWS if "sites" in r["reads"] for e in extensions(r)}
    assert listed == set(SUFFIXES)


@pytest.fixture(scope="module")
def small_result():
    from reach_planner.geo.params import ScenarioParams
    from reach_planner.geo.scenario import run_scenario

    return run_scenario(ScenarioParams(outlets=300, sites=40))


def _read_back(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, encoding="utf-8-sig")
    if path.suffix == ".xlsx":
        return pd.read_excel(path)
    return pyogrio.read_dataframe(path)


@pytest.mark.parametrize("row", [r for r in ROWS if r["writes"]],
                         ids=[r["format"] for r in ROWS if r["writes"]])
def test_every_format_marked_writable_is_written_and_read_back(tmp_path, row, small_result):
    outlets = small_result.network.outlets.head(4)
    ext = extensions(row)[0]
    if "picks" in row["writes"]:
        path = write_picks(tmp_path / f"picks{ext}", outlets, (4.0, 3.0, 2.0, 1.0))
        back = _read_back(path)
        assert len(back) == 4
        names = back["Name"] if "Name" in back else back["name"]
        assert names.tolist() == outlets["name"].tolist()
    if "export-data" in row["writes"]:
        fmt = {".geojson": "geojson", ".gpkg": "gpkg", ".csv": "csv", ".xlsx": "xlsx"}[ext]
        files = export_results(small_result, tmp_path / "out", (fmt,))
        assert files and all(len(_read_back(f)) > 0 for f in files)
        if fmt in ("geojson", "gpkg"):
            gpkg_or_json = [f for f in files if f.stem in ("outlets", "reach_results")][0]
            layer = "outlets" if fmt == "gpkg" else None
            assert len(pyogrio.read_dataframe(gpkg_or_json, layer=layer)) == 300


def test_the_writers_formats_are_the_tables():
    picks = {e for r in ROWS if "picks" in r["writes"] for e in extensions(r)}
    assert set(PICK_FORMATS) <= picks | {".json"}  # .json: the same GeoJSON
    exported = {r["format"].lower().replace("geopackage", "gpkg") for r in ROWS
                if "export-data" in r["writes"]}
    assert exported == set(EXPORT_FORMATS)
