"""Great-circle nearest-neighbour search on the unit sphere.

Points become 3-D unit vectors, so a KD-tree's Euclidean (chord) distance is a
monotone function of the great-circle distance: the nearest by chord is the nearest
on the sphere, and no all-pairs matrix is ever formed (``scipy.spatial.cKDTree``).

Ties: of co-located indexed points (the default network has 80 outlets sharing a
position with another), the nearest is always the one first in the input. cKDTree
itself returns one of them in its tree's order; :func:`first_twins` maps that answer
to the lowest index (one ``query_pairs(0)`` when the tree is built), so answers do not
depend on how the tree was built. Distinct points exactly as near are left to the tree.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088
# Below this many query points a query is faster on one thread than starting workers.
PARALLEL_FROM = 20_000

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


def workers(n: int) -> int:
    """cKDTree's ``workers`` for ``n`` queries: every core for big queries, else one."""
    return -1 if n >= PARALLEL_FROM else 1


def first_twins(tree: cKDTree) -> IntArray:
    """For each indexed point, the lowest index at exactly its position (itself if alone)."""
    first = np.arange(tree.n, dtype=np.int64)
    pairs = tree.query_pairs(0.0, output_type="ndarray")  # (i < j) at distance 0
    if len(pairs):
        np.minimum.at(first, pairs[:, 1], pairs[:, 0].astype(np.int64))
    return first


class SphereIndex:
    """A KD-tree over points on the sphere, answering in kilometres."""

    def __init__(self, lon: FloatArray, lat: FloatArray) -> None:
        self.size = int(len(lon))
        self._tree = cKDTree(to_xyz(lon, lat)) if self.size else None
        self._first = first_twins(self._tree) if self._tree is not None else None

    def nearest(self, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, IntArray]:
        """Distance (km) to and index of the nearest indexed point; inf/-1 when empty.
        Of co-located points, the one first in the input is the nearest."""
        return self.nearest_xyz(to_xyz(lon, lat))

    def nearest_xyz(self, xyz: FloatArray) -> tuple[FloatArray, IntArray]:
        """:meth:`nearest` for query points already as unit vectors (:func:`to_xyz`)."""
        n = len(xyz)
        if self._tree is None or self._first is None:
            return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
        chord, idx = self._tree.query(xyz, k=1, workers=workers(n))
        return chord_to_km(chord), self._first[idx]

    def within(self, lon: FloatArray, lat: FloatArray, km: float) -> NDArray[np.bool_]:
        """Whether each query point has an indexed point within ``km``."""
        if self._tree is None:
            return np.zeros(len(lon), dtype=bool)
        r = km_to_chord(km)
        chord, _ = self._tree.query(to_xyz(lon, lat), k=1, distance_upper_bound=r * 1.000001,
                                    workers=workers(len(lon)))
        return np.isfinite(chord) & (chord <= r)


def nearest_in_group(lon: FloatArray, lat: FloatArray, group: IntArray, q_lon: FloatArray,
                     q_lat: FloatArray, q_group: IntArray) -> IntArray:
    """Index of the nearest point of the query's own group (every query group must have
    points). One tree for all groups: the group is a 4th coordinate, 4 apart per group,
    farther than any two points on the unit sphere (chord <= 2), so the nearest is
    always in the own group, at the same distance as in a tree of that group alone.
    Co-located points of a group: the lowest index (:func:`first_twins`)."""
    tree = cKDTree(np.column_stack([to_xyz(lon, lat), 4.0 * np.asarray(group, np.float64)]))
    q = np.column_stack([to_xyz(q_lon, q_lat), 4.0 * np.asarray(q_group, np.float64)])
    return first_twins(tree)[tree.query(q, k=1, workers=workers(len(q)))[1]]
