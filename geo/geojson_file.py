"""GeoJSON files without GDAL: ``json`` for the document, shapely for the geometries.

Written the way GDAL's GeoJSON driver writes them (a ``name`` member with the layer's
name and, for WGS 84, the ``CRS84`` crs member that older QGIS versions look for), so
files exported before and after the move from pyogrio look alike. Other CRSs are named
``urn:ogc:def:crs:EPSG::code`` (RFC 7946 wants WGS 84; the app only writes WGS 84).
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

CRS84 = "urn:ogc:def:crs:OGC:1.3:CRS84"


def _value(v: Any) -> Any:
    """A JSON value for one attribute: numpy scalars as Python ones, NaN and NaT as null."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(v) else float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(v).isoformat()
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def _crs_member(crs: CRS | None) -> str:
    if crs is None:
        return ""
    epsg = crs.to_epsg()
    if epsg == 4326:
        name = CRS84
    elif epsg:
        name = f"urn:ogc:def:crs:EPSG::{epsg}"
    else:
        return ""
    return f'"crs": {{ "type": "name", "properties": {{ "name": "{name}" }} }},\n'


def geojson_text(gdf: gpd.GeoDataFrame, name: str) -> str:
    """The FeatureCollection text: one feature per line, attributes in column order."""
    geo_col = gdf.geometry.name
    attrs = pd.DataFrame(gdf.drop(columns=geo_col))
    keys = [str(c) for c in attrs.columns]
    columns = [[_value(v) for v in attrs[c].tolist()] for c in attrs.columns]
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    texts = shapely.to_geojson(geoms)
    feats = []
    for i, geom in enumerate(texts):
        props = json.dumps(dict(zip(keys, (col[i] for col in columns))), ensure_ascii=False)
        feats.append(f'{{ "type": "Feature", "properties": {props}, "geometry": {geom or "null"} }}')
    head = (f'{{\n"type": "FeatureCollection",\n"name": {json.dumps(name, ensure_ascii=False)},\n'
            f'{_crs_member(gdf.crs)}"features": [\n')
    return head + ",\n".join(feats) + "\n]\n}\n"


def write_geojson(path: str | Path, gdf: gpd.GeoDataFrame, name: str) -> None:
    """Write ``gdf`` as UTF-8 GeoJSON to ``path`` (call it on a temporary path)."""
    Path(path).write_text(geojson_text(gdf, name), encoding="utf-8")
