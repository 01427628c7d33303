"""Chinese web-map coordinates (GCJ-02, BD-09) back to WGS84, and the hint that a file uses them.

Coordinates copied from Gaode/Amap, Tencent or Google Maps China are GCJ-02 ("Mars
coordinates"): WGS84 moved by a published, deliberately irregular formula, 100-700 m
in the east of China. Baidu adds a second shift on top (BD-09). Read as WGS84 they put
every site a few hundred metres off, silently. The formulas are the public-domain
ones every converter uses (GCJ-02: Krasovsky-ellipsoid offsets of ``lon - 105``,
``lat - 35``; BD-09: a small rotation and scaling of GCJ-02). Neither has a closed
inverse, so the way back is a fixed-point iteration on the forward formula, to
1e-9 degree (0.1 mm), far below the 1 m the planners need. GCJ-02 is the identity
outside China (the usual bounding box, as the Chinese maps themselves apply it).

No package is needed for thirty lines of public formula; the PyPI converters
(coord-convert, coordtransform, coordinatesconverter) are small, unmaintained, scalar,
and use the one-step approximate inverse (errors of 1-2 m).
"""
from __future__ import annotations

import re

import numpy as np
from numpy.typing import ArrayLike, NDArray

CRS_CHOICES = ("wgs84", "gcj02", "bd09")
A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 formula uses it
EE = 0.00669342162296594323  # its first eccentricity squared
X_PI = np.pi * 3000.0 / 180.0
TOLERANCE_DEG = 1e-9
MAX_ITERATIONS = 40
HINT_WORDS = ("amap", "gaode", "autonavi", "baidu", "bmap", "gcj", "bd09", "bd-09", "bd_09",
              "高德", "百度", "火星", "腾讯")
Array = NDArray[np.float64]


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """The box where the GCJ-02 shift applies (the converters' common test)."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """The published forward shift (identity outside China)."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    x, y = lon - 105.0, lat - 35.0
    dlat = _shift_lat(x, y)
    dlon = _shift_lon(x, y)
    rad = lat / 180.0 * np.pi
    magic = 1.0 - EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((A * (1.0 - EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (A / sqrt_magic * np.cos(rad) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def _shift_lat(x: Array, y: Array) -> Array:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lon(x: Array, y: Array) -> Array:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """Baidu's shift on top of GCJ-02 (applied everywhere, as Baidu does)."""
    x, y = np.asarray(lon, float), np.asarray(lat, float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _inverse(forward, lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """The point whose forward image is (lon, lat): fixed-point iteration (the shift
    changes by well under 1% per degree, so each step gains two or more digits)."""
    tlon, tlat = np.asarray(lon, float), np.asarray(lat, float)
    glon, glat = tlon.copy(), tlat.copy()
    for _ in range(MAX_ITERATIONS):
        flon, flat = forward(glon, glat)
        dlon, dlat = flon - tlon, flat - tlat
        glon, glat = glon - dlon, glat - dlat
        if np.all(np.abs(np.nan_to_num(dlon)) < TOLERANCE_DEG) and \
                np.all(np.abs(np.nan_to_num(dlat)) < TOLERANCE_DEG):
            break
    return glon, glat


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    return _inverse(wgs84_to_gcj02, lon, lat)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    return _inverse(gcj02_to_bd09, lon, lat)


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(crs: str, lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """Coordinates given in ``crs`` ("wgs84", "gcj02", "bd09") as WGS84; NaN stays NaN."""
    if crs not in CRS_CHOICES:
        raise ValueError(f"unknown coordinate system {crs!r}; use one of {', '.join(CRS_CHOICES)}")
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if crs == "wgs84":
        return lon, lat
    return gcj02_to_wgs84(lon, lat) if crs == "gcj02" else bd09_to_wgs84(lon, lat)


def web_map_hint(file_name: str, columns: list[str]) -> str:
    """The words in a file's name or columns that suggest GCJ-02/BD-09 ("" if none)."""
    words = [file_name, *map(str, columns)]
    found = []
    for word in HINT_WORDS:
        pattern = re.escape(word) if not word.isascii() else rf"(?<![a-z]){re.escape(word)}"
        if any(re.search(pattern, w.lower()) for w in words):
            found.append(word)
    return ", ".join(found)


def hint_message(file_name: str, columns: list[str]) -> str:
    """A one-line warning when the user left WGS84 but the file looks like a web map's."""
    found = web_map_hint(file_name, columns)
    if not found:
        return ""
    return (f"{file_name}: the file name or columns mention {found}: if the coordinates come from a "
            "Chinese web map they are GCJ-02 (Gaode/Amap, Tencent) or BD-09 (Baidu), a few hundred "
            "metres off; import again with --crs gcj02 or --crs bd09 (or the coordinate choice "
            "of the import dialog)")


__all__ = ["CRS_CHOICES", "bd09_to_gcj02", "bd09_to_wgs84", "gcj02_to_bd09", "gcj02_to_wgs84",
           "hint_message", "in_china", "to_wgs84", "web_map_hint", "wgs84_to_gcj02"]
