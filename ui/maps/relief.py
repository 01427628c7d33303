"""Shaded relief under the map layers, from the bundled ETOPO5 elevation crop.

One muted hillshade, made once per process: for the web page a PNG in Web Mercator
rows (Leaflet stretches an image overlay linearly between its corners, so rows must be
evenly spaced in Mercator y, not in latitude), for the print map an RGBA raster warped
into the China Albers plane. The elevation comes from :func:`geo.relief.load_relief`;
without it (an install lacking the data) the maps simply draw no relief.
"""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import numpy as np

from reach_planner.geo.albers import CHINA

AZIMUTH, ALTITUDE = 315.0, 45.0  # light from the north-west, as map readers expect
EXAGGERATION = 8.0  # a 9 km grid flattens mountains: exaggerate so the shading reads
MAX_ALPHA = 0.42  # muted: the data layers stay the message


@dataclass(frozen=True, eq=False)
class Elevation:
    """Elevation (m) on a lon/lat grid, rows south to north (as geo.relief gives it)."""

    z: np.ndarray
    lon: np.ndarray
    lat: np.ndarray

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return float(self.lon[0]), float(self.lat[0]), float(self.lon[-1]), float(self.lat[-1])


@functools.cache
def elevation() -> Elevation | None:
    """The bundled crop, or None when this install has no elevation data."""
    try:
        from reach_planner.geo.relief import load_relief
    except ImportError:
        return None
    try:
        r = load_relief()
    except (OSError, ValueError, KeyError):
        return None
    return Elevation(np.asarray(r.elevation, dtype=float), np.asarray(r.lon), np.asarray(r.lat))


def hillshade(z: np.ndarray, lat: np.ndarray, step_deg: float) -> np.ndarray:
    """Lambertian shade in [0, 1] (1 = facing the light) of a south-to-north lon/lat grid."""
    dy = step_deg * 111_195.0
    dx = dy * np.cos(np.radians(lat))[:, None]
    land = np.maximum(z, 0.0) * EXAGGERATION
    gy, gx = np.gradient(land)
    gx, gy = gx / dx, gy / dy
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.arctan2(-gx, gy)  # downhill direction, clockwise from north... of -gradient
    az, alt = np.radians(AZIMUTH), np.radians(ALTITUDE)
    shade = np.sin(alt) * np.cos(slope) + np.cos(alt) * np.sin(slope) * np.cos(az - aspect)
    return np.clip(shade, 0.0, 1.0)


def shade_alpha(e: Elevation) -> np.ndarray:
    """Darkening (0-MAX_ALPHA) per grid point: shaded slopes darker, flat land and sea clear."""
    step = float(e.lon[1] - e.lon[0])
    flat = np.sin(np.radians(ALTITUDE))
    shade = hillshade(e.z, e.lat, step)
    alpha = np.clip((flat - shade) / flat, 0.0, 1.0) * MAX_ALPHA
    alpha[e.z <= 0] = 0.0
    return alpha * _feather(alpha.shape)


def _feather(shape: tuple[int, int], cells: int = 36) -> np.ndarray:
    """1 inside, fading to 0 over ``cells`` (3° on the 5' grid) at the crop's edges, so
    the relief over the neighbours ends softly instead of in a rectangle."""
    cells = max(1, min(cells, min(shape) // 8))
    ramp = [np.clip(np.minimum(np.arange(n), np.arange(n)[::-1]) / cells, 0.0, 1.0) for n in shape]
    return np.outer(ramp[0], ramp[1])


def _mercator_y(lat: np.ndarray) -> np.ndarray:
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


@functools.cache
def web_png() -> tuple[bytes, tuple[tuple[float, float], tuple[float, float]]] | None:
    """(PNG bytes, ((south, west), (north, east))) for a Leaflet ImageOverlay, or None."""
    e = elevation()
    if e is None:
        return None
    from PIL import Image

    alpha = shade_alpha(e)
    ys = _mercator_y(e.lat)
    rows = np.linspace(ys[-1], ys[0], len(e.lat))  # image rows top (north) to bottom
    src = np.interp(rows, ys, np.arange(len(e.lat)))  # fractional source row of each
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, len(e.lat) - 1)
    t = (src - lo)[:, None]
    a = alpha[lo] * (1 - t) + alpha[hi] * t
    rgba = np.zeros((*a.shape, 4), dtype=np.uint8)
    rgba[..., :3] = (40, 36, 30)  # a warm dark grey, not black
    rgba[..., 3] = np.round(a * 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG", compress_level=1)  # fast: a local file
    w, s, east, n = e.bounds
    return buf.getvalue(), ((s, w), (n, east))


def albers_raster(xlim: tuple[float, float], ylim: tuple[float, float], width: int = 720
                  ) -> np.ndarray | None:
    """RGBA (uint8) image of the shade over a projected frame (row 0 at the top), or None.

    720 columns across the country is about the 9 km grid of the data: more would only
    interpolate. Cached per frame: every national print has the same one."""
    return _albers_raster(tuple(round(v) for v in xlim), tuple(round(v) for v in ylim), width)


@functools.lru_cache(maxsize=8)
def _albers_raster(xlim: tuple[float, float], ylim: tuple[float, float], width: int) -> np.ndarray | None:
    e = elevation()
    if e is None:
        return None
    alpha = _alpha_cached()
    height = max(2, int(round(width * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0]))))
    x = np.linspace(xlim[0], xlim[1], width)
    y = np.linspace(ylim[1], ylim[0], height)
    xx, yy = np.meshgrid(x, y)
    lon, lat = CHINA.inverse(xx.ravel(), yy.ravel())
    step = float(e.lon[1] - e.lon[0])
    fx, fy = (lon - e.lon[0]) / step, (lat - e.lat[0]) / step
    inside = (fx >= 0) & (fx < len(e.lon) - 1) & (fy >= 0) & (fy < len(e.lat) - 1)
    fx, fy = fx[inside], fy[inside]
    i, j = fx.astype(int), fy.astype(int)
    tx, ty = fx - i, fy - j  # bilinear: a province-sized frame magnifies the 9 km grid
    a = np.zeros(lon.shape)
    a[inside] = ((alpha[j, i] * (1 - tx) + alpha[j, i + 1] * tx) * (1 - ty)
                 + (alpha[j + 1, i] * (1 - tx) + alpha[j + 1, i + 1] * tx) * ty)
    img = np.zeros((height, width, 4), dtype=np.uint8)  # uint8: matplotlib resamples it 3x faster
    img[..., :3] = (40, 36, 30)
    img[..., 3] = np.round(a.reshape(height, width) * 255)
    return img


@functools.cache
def _alpha_cached() -> np.ndarray:
    e = elevation()
    assert e is not None
    return shade_alpha(e)
