"""Recommended outlets out to a file, and the coverage curve as a table.

Pick files are written in the network schema with the pick's gain, so they read back
with ``--add-sites FILE`` (the importer recognises lon/lat/name/kind/province/id).
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from reach_planner.geo.atomic import atomic_write_with, check_target
from reach_planner.geo.cells import write_csv
from reach_planner.geo.vector_write import write_geojson, write_gpkg, write_kml

PICK_FORMATS = {".csv": "csv", ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg",
                ".kml": "kml"}
CURVE_FORMATS = {".csv": "csv", ".png": "png", ".pdf": "pdf", ".svg": "svg"}


def picks_frame(sites: gpd.GeoDataFrame, gains: tuple[float, ...]) -> gpd.GeoDataFrame:
    out = sites.drop(columns=["parent_id"]).copy()
    out.insert(0, "rank", range(1, len(out) + 1))
    out["gain"] = [round(g) for g in gains]
    return out


def write_picks(path: str | Path, sites: gpd.GeoDataFrame, gains: tuple[float, ...]) -> Path:
    """CSV (UTF-8 with BOM, for Excel), GeoJSON, GeoPackage (layer ``outlets``) or KML (for
    Google Earth: Placemarks titled by name), atomically."""
    dest, fmt = check_target(path, PICK_FORMATS, "pick file type")
    frame = picks_frame(sites, gains)
    if fmt == "csv":
        table = pd.DataFrame(frame.drop(columns="geometry"))
        return atomic_write_with(dest, lambda p: write_csv(table, p))  # names stay text, never formulas
    if fmt == "geojson":
        return atomic_write_with(dest, lambda p: write_geojson(p, frame, dest.stem))
    if fmt == "kml":
        return atomic_write_with(dest, lambda p: write_kml(p, frame, dest.stem))
    return atomic_write_with(dest, lambda p: write_gpkg(p, {"outlets": frame}))


def curve_table(curve: tuple[float, ...], covered_before: int, rural: int) -> pd.DataFrame:
    """New outlets k = 0..K, newly covered people, and the rural coverage it gives (%)."""
    return pd.DataFrame({
        "new_outlets": range(len(curve)),
        "newly_covered": [round(v) for v in curve],
        "rural_covered_pct": [round(100 * (covered_before + v) / rural, 3) if rural else 0.0
                              for v in curve],
    })
