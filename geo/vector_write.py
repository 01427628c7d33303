"""GIS files out through GDAL (pyogrio): GeoPackage, GeoJSON (RFC 7946) and KML.

Each function writes to the path it is given; callers pass a temporary path from
:func:`geo.atomic.atomic_write_with`, which renames it over the target once complete, so
a failed or interrupted write never leaves a half-written file. A GDAL failure (a full
disk, a folder that vanished) is raised as an ``OSError`` so the atomic wrapper names
the target and removes the temporary file and any SQLite sidecars.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from reach_planner.geo.data import WGS84

_GDAL_ERRORS = (DataSourceError, DataLayerError, FieldError, GeometryError)


def _write(gdf: gpd.GeoDataFrame, path: Path, **options) -> None:
    try:
        pyogrio.write_dataframe(gdf, path, **options)
    except _GDAL_ERRORS as exc:
        raise OSError(f"GDAL could not write the file: {str(exc).strip().splitlines()[0]}") from exc


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        return gdf.set_crs(WGS84)
    return gdf if gdf.crs.to_epsg() == 4326 else gdf.to_crs(WGS84)


def _typed(gdf: gpd.GeoDataFrame) -> dict:
    """GDAL needs a geometry type for a layer without features."""
    return {"geometry_type": "Unknown"} if len(gdf) == 0 else {}


def write_gpkg(path: str | Path, layers: Mapping[str, gpd.GeoDataFrame]) -> None:
    """One GeoPackage layer per entry, with GDAL's spatial index, in the layers' own CRS."""
    for name, gdf in layers.items():
        _write(gdf, Path(path), layer=name, driver="GPKG", **_typed(gdf))


def write_geojson(path: str | Path, gdf: gpd.GeoDataFrame, name: str) -> None:
    """RFC 7946 GeoJSON: WGS 84 longitude/latitude, no ``crs`` member; ``name`` is the
    layer name written into the file (the real one, not the temporary file's)."""
    _write(_wgs84(gdf), Path(path), layer=name, driver="GeoJSON", RFC7946="YES",
           COORDINATE_PRECISION=9, **_typed(gdf))


def write_kml(path: str | Path, gdf: gpd.GeoDataFrame, name: str, name_field: str = "name") -> None:
    """KML for Google Earth and Chinese map apps: one Placemark per row, titled by
    ``name_field``; the other columns go into the Placemark's ExtendedData."""
    _write(_wgs84(gdf), Path(path), layer=name, driver="KML",
           dataset_options={"NameField": name_field}, **_typed(gdf))
