"""Elevation of China: the bundled ETOPO5 crop (NOAA 5-arc-minute relief, public domain).

``resources/data/etopo5_china.npy`` (int16 metres on the 1/12-degree ETOPO5 lattice,
73-135.5E x 17.5-54N, rows south to north) is made by ``resources/tools/build_resources.py``
from Debian's ``ferret-datasets``. It is a plain numpy array: ``np.load`` reads it in about
0.2 ms, where ``scipy.io.netcdf_file`` would first cost ~0.2 s of ``import scipy.io`` at
launch; the lattice (origin and step) is the constants below. The demand model
(habitability) and terrain-aware reach (slopes) read it through :func:`load_relief`; the map
draws shaded relief from it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.data import DATA_DIR

RELIEF_FILE = DATA_DIR / "etopo5_china.npy"
WEST, SOUTH, STEP = 73.0, 17.5, 1.0 / 12.0  # lon/lat of elevation[0, 0]; degrees between nodes
EARTH_KM_PER_DEG = 111.195  # great-circle km per degree of latitude (R = 6371.0 km)


@dataclass(frozen=True, eq=False)
class Relief:
    """A regular lon/lat grid of elevations; ``elevation[j, i]`` is at (lon[i], lat[j]).

    Rows run south to north (lat increasing). Sea floor is negative.
    """

    elevation: NDArray[np.int16]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    step: float

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return float(self.lon[0]), float(self.lat[0]), float(self.lon[-1]), float(self.lat[-1])

    def sample(self, lon: NDArray[np.float64], lat: NDArray[np.float64],
               values: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
        """Bilinear interpolation of ``values`` (default: elevation) at the points."""
        z = self.elevation.astype(np.float64) if values is None else values
        fx = np.clip((np.asarray(lon, float) - self.lon[0]) / self.step, 0, len(self.lon) - 1.000001)
        fy = np.clip((np.asarray(lat, float) - self.lat[0]) / self.step, 0, len(self.lat) - 1.000001)
        i, j = fx.astype(np.int64), fy.astype(np.int64)
        tx, ty = fx - i, fy - j
        return ((z[j, i] * (1 - tx) + z[j, i + 1] * tx) * (1 - ty)
                + (z[j + 1, i] * (1 - tx) + z[j + 1, i + 1] * tx) * ty)

    def nearest(self, lon: NDArray[np.float64], lat: NDArray[np.float64],
                values: NDArray[np.float64]) -> NDArray[np.float64]:
        """``values`` at the relief node nearest to each point (4x cheaper than bilinear)."""
        i = np.clip(np.rint((lon - self.lon[0]) / self.step), 0, len(self.lon) - 1).astype(np.intp)
        j = np.clip(np.rint((lat - self.lat[0]) / self.step), 0, len(self.lat) - 1).astype(np.intp)
        return values[j, i]

    def slope(self) -> NDArray[np.float64]:
        """Gradient magnitude (rise over run, m/m) on the relief grid, land only."""
        z = np.maximum(self.elevation.astype(np.float64), 0.0)
        dy_m = self.step * EARTH_KM_PER_DEG * 1000.0
        dx_m = dy_m * np.cos(np.radians(self.lat))[:, None]
        gy, gx = np.gradient(z)
        return np.hypot(gx / dx_m, gy / dy_m)

    def ruggedness(self) -> NDArray[np.float64]:
        """Local relief: max minus min elevation (m) in each 3 x 3 window (~25 km)."""
        p = np.pad(np.maximum(self.elevation.astype(np.float64), 0.0), 1, mode="edge")
        # Separable: a 3 x 3 max is the 3-wide max of the 3-tall max (exact, 9 -> 4 passes).
        return _run3(_run3(p, np.maximum, 0), np.maximum, 1) - _run3(_run3(p, np.minimum, 0),
                                                                    np.minimum, 1)


def _run3(p: NDArray[np.float64], op: np.ufunc, axis: int) -> NDArray[np.float64]:
    """``op`` over each run of 3 along ``axis`` (the result is 2 shorter there)."""
    n = p.shape[axis] - 2
    a, b, c = (p[k:k + n] if axis == 0 else p[:, k:k + n] for k in range(3))
    return op(op(a, b), c)


@functools.cache
def load_relief() -> Relief:
    """Read the bundled crop once per process (well under a millisecond)."""
    elev = np.load(RELIEF_FILE, allow_pickle=False)
    if elev.dtype != np.int16 or elev.ndim != 2:
        raise ValueError(f"{RELIEF_FILE}: expected a 2-D int16 array, found {elev.dtype} {elev.shape}")
    lon = WEST + np.arange(elev.shape[1]) * STEP
    lat = SOUTH + np.arange(elev.shape[0]) * STEP
    elev.flags.writeable = False
    return Relief(elevation=elev, lon=lon, lat=lat, step=float(lon[1] - lon[0]))
