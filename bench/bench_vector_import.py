"""Importing 17,000 outlets (one city, Beijing) from each GIS format GDAL reads for the app.

    .venv/bin/python bench/bench_vector_import.py [--rows 17000] [--runs 3]

Each file is written by pyogrio (GDAL); the same rows as a UTF-8 CSV, read by the app's
own CSV reader, are the yardstick in the same run (ratio = format / CSV).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import best  # noqa: E402

from reach_planner.geo.sites_io import read_sites  # noqa: E402

FORMATS = {  # file name -> (driver, extra options)
    "outlets.gpkg": ("GPKG", {}),
    "outlets.geojson": ("GeoJSON", {}),
    "outlets.fgb": ("FlatGeobuf", {}),
    "shp/outlets.shp": ("ESRI Shapefile", {"encoding": "GBK"}),
    "outlets.kml": ("KML", {"dataset_options": {"NameField": "name"}}),
}


def frame(rows: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(115.9, 116.8, rows), rng.uniform(39.6, 40.2, rows)
    return gpd.GeoDataFrame({"name": [f"网点{i}" for i in range(rows)], "type": "服务网点"},
                            geometry=gpd.points_from_xy(lon, lat), crs=4326)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=17_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    gdf = frame(a.rows)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        csv = base / "outlets.csv"
        table = gdf.assign(lon=gdf.geometry.x, lat=gdf.geometry.y).drop(columns="geometry")
        table.to_csv(csv, index=False)
        t_csv = best(lambda: read_sites(csv), a.runs)
        print(f"{a.rows:,} outlets, best of {a.runs}")
        print(f"  CSV (app's reader)  {t_csv:6.2f} s")
        for name, (driver, options) in FORMATS.items():
            path = base / name
            path.parent.mkdir(exist_ok=True)
            pyogrio.write_dataframe(gdf, path, driver=driver, **options)
            if driver == "ESRI Shapefile":
                path.with_suffix(".cpg").unlink()  # GBK text, no .cpg: the encoding is detected
            n = len(read_sites(path).outlets)
            t = best(lambda p=path: read_sites(p), a.runs)
            print(f"  {name:<19} {t:6.2f} s  ({t / t_csv:.2f}× CSV, {n:,} imported)")


if __name__ == "__main__":
    main()
