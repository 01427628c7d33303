"""geo.sphere on scipy's cKDTree: answers equal to brute force, and the rule for co-located
points (the lowest index wins, whatever order the tree was built in)."""
from __future__ import annotations

import numpy as np

from reach_planner.geo.sphere import SphereIndex, first_twins, haversine_km, nearest_in_group


def clustered(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points packed in one city, a third of them exact copies of others."""
    lon, lat = rng.normal(116.4, 0.05, n), rng.normal(39.9, 0.04, n)
    twin = rng.integers(0, n, n // 3)
    lon[-len(twin):], lat[-len(twin):] = lon[twin], lat[twin]
    return lon, lat


def test_nearest_equals_brute_force_on_clustered_points_and_twins_go_to_the_lowest_index():
    rng = np.random.default_rng(3)
    lon, lat = clustered(rng, 3000)
    q_lon, q_lat = rng.normal(116.4, 0.08, 500), rng.normal(39.9, 0.06, 500)
    km, idx = SphereIndex(lon, lat).nearest(q_lon, q_lat)
    d = haversine_km(q_lon[:, None], q_lat[:, None], lon[None, :], lat[None, :])
    np.testing.assert_allclose(km, d.min(axis=1), rtol=1e-9, atol=1e-9)
    same = (lon[None, :] == lon[idx][:, None]) & (lat[None, :] == lat[idx][:, None])
    assert np.array_equal(idx, np.argmax(same, axis=1))  # the first point at that position


def test_twins_are_resolved_the_same_whatever_the_input_order():
    rng = np.random.default_rng(8)
    lon, lat = clustered(rng, 2000)
    q_lon, q_lat = lon[:300] + 1e-4, lat[:300]
    _, idx = SphereIndex(lon, lat).nearest(q_lon, q_lat)
    order = rng.permutation(len(lon))
    _, idx2 = SphereIndex(lon[order], lat[order]).nearest(q_lon, q_lat)
    key = np.column_stack([lon, lat])
    assert np.array_equal(key[idx], key[order][idx2])  # the same position
    first = {}
    for i in range(len(lon)):
        first.setdefault((lon[order][i], lat[order][i]), i)
    assert [first[(a, b)] for a, b in key[order][idx2]] == idx2.tolist()  # its lowest index


def test_first_twins_and_groups():
    from scipy.spatial import cKDTree

    pts = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [2.0, 2.0]])
    assert first_twins(cKDTree(pts)).tolist() == [0, 1, 0, 1, 0, 5]
    lon, lat = np.array([100.0, 100.0, 100.0, 110.0]), np.array([30.0, 30.0, 30.0, 30.0])
    group = np.array([1, 2, 2, 1])
    got = nearest_in_group(lon, lat, group, np.array([100.0, 100.0]), np.array([30.0, 30.0]), np.array([1, 2]))
    assert got.tolist() == [0, 1]  # its own group's nearest; of the twins in group 2, the first
