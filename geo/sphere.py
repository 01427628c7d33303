"""Great-circle nearest-neighbour search on the unit sphere.

Points become 3-D unit vectors, so the Euclidean (chord) distance is a monotone
function of the great-circle distance: the nearest by chord is the nearest on the
sphere, and no all-pairs matrix is ever formed (:mod:`geo.nearest` searches).
"""
from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.nearest import PointIndex

EARTH_RADIUS_KM = 6371.0088

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def to_xyz(lon: FloatArray, lat: FloatArray) -> FloatArray:
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    cphi = np.cos(phi)
    return np.column_stack((cphi * np.cos(lam), cphi * np.sin(lam), np.sin(phi)))


def chord_to_km(chord: FloatArray) -> FloatArray:
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2.0, 0.0, 1.0))


def km_to_chord(km: float) -> float:
    return float(2.0 * np.sin(min(km, np.pi * EARTH_RADIUS_KM) / (2.0 * EARTH_RADIUS_KM)))


def km_to_chords(km: FloatArray) -> FloatArray:
    """:func:`km_to_chord` for an array."""
    return 2.0 * np.sin(np.minimum(km, np.pi * EARTH_RADIUS_KM) / (2.0 * EARTH_RADIUS_KM))


def haversine_km(lon1: FloatArray, lat1: FloatArray, lon2: FloatArray,
                 lat2: FloatArray) -> FloatArray:
    """Reference great-circle distance, used by tests and the naive benchmark."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlam = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


class SphereIndex:
    """Points on the sphere to search, answering in kilometres."""

    def __init__(self, lon: FloatArray, lat: FloatArray) -> None:
        self.size = int(len(lon))
        self._index = PointIndex(to_xyz(lon, lat)) if self.size else None

    def nearest(self, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, IntArray]:
        """Distance (km) to and index of the nearest indexed point; inf/-1 when empty.
        Of co-located points, the one first in the input is the nearest."""
        return self.nearest_xyz(to_xyz(lon, lat))

    def nearest_xyz(self, xyz: FloatArray) -> tuple[FloatArray, IntArray]:
        """:meth:`nearest` for query points already as unit vectors (:func:`to_xyz`)."""
        n = len(xyz)
        if self._index is None:
            return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
        chord, idx = self._index.nearest(xyz)
        return chord_to_km(chord), idx

    def within(self, lon: FloatArray, lat: FloatArray, km: float) -> NDArray[np.bool_]:
        """Whether each query point has an indexed point within ``km``."""
        if self._index is None:
            return np.zeros(len(lon), dtype=bool)
        r = km_to_chord(km)
        chord, _ = self._index.nearest(to_xyz(lon, lat), bound=r * 1.000001)
        return np.isfinite(chord) & (chord <= r)


def nearest_in_group(lon: FloatArray, lat: FloatArray, group: IntArray, q_lon: FloatArray,
                     q_lat: FloatArray, q_group: IntArray) -> IntArray:
    """Index of the nearest point of the query's own group (every query group must have
    points; the index keeps a grid per group)."""
    index = PointIndex(to_xyz(lon, lat), np.asarray(group, np.int64))
    return index.nearest(to_xyz(q_lon, q_lat), np.asarray(q_group, np.int64))[1]
