"""Where a GeoTIFF's pixels are: its affine transform and CRS, from the GeoTIFF tags and keys.

Read as GDAL reads them, so a file gives the same transform and CRS as it did through
rasterio: ModelPixelScale + ModelTiepoint or ModelTransformation (which may rotate);
PixelIsPoint rasters are shifted by half a pixel (GDAL's convention, so the transform
still maps pixel corners); the CRS from the EPSG code of the projected or geographic
keys, else from the WKT GDAL writes into a citation ("ESRI PE String = ..." for CRSs
such as World Mollweide, ESRI:54009, the GHS-POP grid), else from the user-defined
projection keys (the projections population grids use: transverse Mercator, Mercator,
Lambert conformal conic, Albers and Lambert azimuthal equal-area, sinusoidal, cylindrical
equal-area, equirectangular, Robinson, ...).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from pyproj import CRS
from pyproj.crs import Ellipsoid
from pyproj.exceptions import CRSError

Keys = dict[int, int | float | str | tuple[float, ...]]
Transform = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f as in affine
USER_DEFINED = 32767
PIXEL_IS_POINT = 2

# GeoKey ids
MODEL_TYPE, RASTER_TYPE, GT_CITATION = 1024, 1025, 1026
GEOGRAPHIC_TYPE, GEOG_CITATION, GEOG_DATUM, GEOG_ELLIPSOID = 2048, 2049, 2050, 2056
SEMI_MAJOR, SEMI_MINOR, INV_FLATTENING, PRIME_MERIDIAN_LONG = 2057, 2058, 2059, 2061
PROJECTED_TYPE, PCS_CITATION, PROJECTION, COORD_TRANS, LINEAR_UNITS, LINEAR_UNIT_SIZE = (
    3072, 3073, 3074, 3075, 3076, 3077)
# Projection parameters -> PROJ names (GeoTIFF 1.1, 7.5.4.2)
PARAMETERS = {3078: "lat_1", 3079: "lat_2", 3080: "lon_0", 3081: "lat_0", 3082: "x_0", 3083: "y_0",
              3084: "lon_0", 3085: "lat_0", 3086: "x_0", 3087: "y_0", 3088: "lon_0", 3089: "lat_0",
              3090: "x_0", 3091: "y_0", 3092: "k_0", 3093: "k_0", 3094: "alpha"}
# Coordinate transformation codes (ProjCoordTransGeoKey) -> PROJ projections
PROJECTIONS = {1: "tmerc", 7: "merc", 8: "lcc", 9: "lcc", 10: "laea", 11: "aea", 12: "aeqd",
               17: "eqc", 20: "mill", 22: "poly", 23: "robin", 24: "sinu", 28: "cea"}
DATUMS = {6326: "WGS84", 6269: "NAD83", 6267: "NAD27"}
METRE, FOOT, US_FOOT = 9001, 9002, 9003


class GeoTiffError(ValueError):
    """The raster cannot be used; the message names the file and the problem."""


def georeference(tags: dict[int, NDArray[np.generic]], path: Path) -> tuple[Transform | None, CRS | None]:
    """(transform, crs) of the raster; None for what the file does not say."""
    keys = geokeys(tags)
    t = _transform(tags, path)
    if t is not None and keys.get(RASTER_TYPE) == PIXEL_IS_POINT:
        a, b, c, d, e, f = t
        t = (a, b, c - 0.5 * (a + b), d, e, f - 0.5 * (d + e))
    return t, _crs(keys, path) if keys else None


def geokeys(tags: dict[int, NDArray[np.generic]]) -> Keys:
    """The GeoKeyDirectory: each key's short value, double(s) or text."""
    directory = tags.get(34735)
    if directory is None or len(directory) < 4:
        return {}
    doubles = np.asarray(tags.get(34736, np.zeros(0)), dtype=float)
    text = bytes(tags.get(34737, np.zeros(0, np.uint8))).decode("latin-1")
    keys: Keys = {}
    n = int(directory[3])
    for k in range(n):
        key, where, count, value = (int(v) for v in directory[4 + 4 * k:8 + 4 * k])
        if where == 0:
            keys[key] = value
        elif where == 34736:
            got = tuple(float(x) for x in doubles[value:value + count])
            keys[key] = got[0] if count == 1 and got else got
        elif where == 34737:
            keys[key] = text[value:value + count].rstrip("|\0")
    return keys


def _transform(tags: dict[int, NDArray[np.generic]], path: Path) -> Transform | None:
    if 34264 in tags:
        m = [float(v) for v in tags[34264]]
        if len(m) < 16:
            raise GeoTiffError(f"{path}: the ModelTransformation tag is incomplete")
        return m[0], m[1], m[3], m[4], m[5], m[7]
    tie, scale = tags.get(33922), tags.get(33550)
    if tie is None:
        return None
    if scale is None or len(tie) != 6:
        raise GeoTiffError(f"{path}: the raster is georeferenced by ground control points, not a grid; "
                           "warp it to a grid (QGIS: Raster › Projections › Warp) first")
    i, j, _, x, y, _ = (float(v) for v in tie)
    sx, sy = float(scale[0]), float(scale[1])
    return sx, 0.0, x - i * sx, 0.0, -sy, y + j * sy


def _crs(keys: Keys, path: Path) -> CRS | None:
    model = keys.get(MODEL_TYPE)
    code = keys.get(PROJECTED_TYPE if model == 1 else GEOGRAPHIC_TYPE)
    try:
        if isinstance(code, int) and 0 < code < USER_DEFINED:
            return CRS.from_epsg(code)
        for key in (GT_CITATION, PCS_CITATION, GEOG_CITATION):
            wkt = _citation_wkt(keys.get(key))
            if wkt:
                return CRS.from_wkt(wkt)
        if model == 1:
            return _user_projected(keys, path)
        if model == 2:
            return CRS.from_proj4(f"+proj=longlat {_earth(keys, path)} +no_defs")
    except CRSError as exc:
        raise GeoTiffError(f"{path}: its coordinate reference system is not understood "
                           f"({str(exc).splitlines()[0][:100]})") from None
    return None


def _citation_wkt(text: object) -> str | None:
    """WKT that GDAL (and ESRI software) keep in a citation: 'ESRI PE String = PROJCS[...]'."""
    if not isinstance(text, str):
        return None
    for marker in ("ESRI PE String = ", "ESRI PE String ="):
        if marker in text:
            return text.split(marker, 1)[1].strip()
    return None


def _earth(keys: Keys, path: Path) -> str:
    """PROJ's datum or ellipsoid parameters for the geographic keys."""
    gcs, datum, ellipsoid = keys.get(GEOGRAPHIC_TYPE), keys.get(GEOG_DATUM), keys.get(GEOG_ELLIPSOID)
    a, b, rf = keys.get(SEMI_MAJOR), keys.get(SEMI_MINOR), keys.get(INV_FLATTENING)
    pm = keys.get(PRIME_MERIDIAN_LONG)
    pm_text = f" +pm={pm!r}" if isinstance(pm, float) and pm else ""
    epsg_gcs = gcs if isinstance(gcs, int) and 0 < gcs < USER_DEFINED else None
    if epsg_gcs == 4326:
        datum = 6326
    if epsg_gcs in (None, 4326) and isinstance(datum, int) and datum in DATUMS:
        return f"+datum={DATUMS[datum]}" + pm_text
    e = (CRS.from_epsg(epsg_gcs).ellipsoid if epsg_gcs
         else Ellipsoid.from_epsg(ellipsoid) if isinstance(ellipsoid, int) and 0 < ellipsoid < USER_DEFINED
         else None)
    if e is not None:
        a, b, rf = e.semi_major_metre, e.semi_minor_metre, e.inverse_flattening
    if isinstance(a, float) and isinstance(rf, float) and rf:
        return f"+a={a!r} +rf={rf!r}" + pm_text
    if isinstance(a, float) and (b is None or b == a):
        return f"+R={a!r}" + pm_text
    if isinstance(a, float) and isinstance(b, float):
        return f"+a={a!r} +b={b!r}" + pm_text
    raise GeoTiffError(f"{path}: its geographic coordinate system is user-defined without an "
                       "ellipsoid; save it with an EPSG code")


def _user_projected(keys: Keys, path: Path) -> CRS:
    """A projection given by its GeoTIFF parameters, for the projections GDAL writes this way."""
    ct = keys.get(COORD_TRANS)
    if not isinstance(ct, int) or ct not in PROJECTIONS:
        raise GeoTiffError(f"{path}: unsupported user-defined projection (GeoTIFF transformation "
                           f"{ct}); save it in an EPSG or ESRI coordinate system")
    name = PROJECTIONS[ct]
    params = {"lat_0": 0.0, "lon_0": 0.0, "x_0": 0.0, "y_0": 0.0}
    for key, param in PARAMETERS.items():
        value = keys.get(key)
        if isinstance(value, float):
            params[param] = value
    if name in ("merc", "cea", "eqc") and "lat_1" in params:
        params["lat_ts"] = params.pop("lat_1")
    if name == "lcc" and ct == 9:  # 1SP: the natural origin's latitude is the standard parallel
        params["lat_1"] = params["lat_0"]
    text = " ".join(f"+{k}={v!r}" for k, v in params.items())
    return CRS.from_proj4(f"+proj={name} {text} {_earth(keys, path)} {_units(keys)} +no_defs")


def _units(keys: Keys) -> str:
    unit, size = keys.get(LINEAR_UNITS), keys.get(LINEAR_UNIT_SIZE)
    if unit == FOOT:
        return "+units=ft"
    if unit == US_FOOT:
        return "+units=us-ft"
    if isinstance(size, float) and unit not in (None, METRE):
        return f"+to_meter={size!r}"
    return "+units=m"
