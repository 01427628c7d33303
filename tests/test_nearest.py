"""geo.nearest against scipy's cKDTree (the test-only oracle): same distances to the last
bit, same indices (up to co-located points, where ours is the lowest index), the same
pairs within a radius, also on adversarial data."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from reach_planner.geo.nearest import PointIndex
from reach_planner.geo.sphere import to_xyz

RNG = np.random.default_rng(20241125)


def china(n: int, rng=RNG) -> np.ndarray:
    return to_xyz(rng.uniform(73, 135, n), rng.uniform(18, 54, n))


def clustered(n: int, rng=RNG) -> np.ndarray:
    """Dense towns in the east, a thin scatter in the west: the outlets' pattern."""
    centres = np.column_stack([rng.uniform(105, 122, 40), rng.uniform(22, 40, 40)])
    pick = rng.integers(0, 40, n)
    lon = centres[pick, 0] + rng.normal(0, 0.3, n)
    lat = centres[pick, 1] + rng.normal(0, 0.3, n)
    west = rng.random(n) < 0.05
    lon[west], lat[west] = rng.uniform(75, 100, west.sum()), rng.uniform(28, 48, west.sum())
    return to_xyz(lon, lat)


def with_twins(xyz: np.ndarray, rng=RNG) -> np.ndarray:
    """Every 10th point again (some three times), shuffled: co-located points."""
    twins = xyz[rng.choice(len(xyz), len(xyz) // 10)]
    both = np.concatenate([xyz, twins, twins[: len(twins) // 3]])
    return both[rng.permutation(len(both))]


def lowest_at_min(data: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Brute force: the nearest chord, and the lowest index at exactly that chord."""
    diff = queries[:, None, :] - data[None, :, :]
    d2 = np.zeros(diff.shape[:2])
    for k in range(data.shape[1]):
        d2 += diff[:, :, k] * diff[:, :, k]
    m = d2.min(axis=1)
    return np.sqrt(m), np.argmax(d2 == m[:, None], axis=1)


def assert_same_nearest(data: np.ndarray, queries: np.ndarray, **kw) -> None:
    d_ref, i_ref = cKDTree(data).query(queries, **kw)
    d, i = PointIndex(data).nearest(queries, bound=kw.get("distance_upper_bound"))
    np.testing.assert_array_equal(d, d_ref)  # bit for bit
    found = np.isfinite(d_ref)
    np.testing.assert_array_equal(i[~found], len(data))
    # the same point, or another exactly as near (a twin) with a lower index
    np.testing.assert_array_equal(chords(queries[found], data[i[found]]), d_ref[found])
    assert (i[found] <= i_ref[found]).all()


def chords(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d2 = np.zeros(len(a))
    for k in range(a.shape[1]):
        d2 += (a[:, k] - b[:, k]) * (a[:, k] - b[:, k])
    return np.sqrt(d2)


@pytest.mark.parametrize("make", [china, clustered])
def test_nearest_equals_ckdtree_with_twins(make):
    data = with_twins(make(4000))
    queries = np.concatenate([china(6000), data[:300]])  # also queries exactly on points
    assert_same_nearest(data, queries)


def test_ties_go_to_the_lowest_index():
    data = with_twins(clustered(600))
    queries = np.concatenate([china(700), data[::7]])
    d_ref, i_low = lowest_at_min(data, queries)
    d, i = PointIndex(data).nearest(queries)
    np.testing.assert_array_equal(d, d_ref)
    np.testing.assert_array_equal(i, i_low)
    twins_hit = [j for j in np.unique(i_low) if (data == data[j]).all(axis=1).sum() > 1]
    assert len(twins_hit) > 10  # the test did meet ties


def test_query_points_far_from_every_point():
    data = china(500)
    lon = np.array([-74.0, 2.35, 151.2, -75.0])
    lat = np.array([40.7, 48.9, -33.9, -35.0])  # New York, Paris, Sydney, China's antipode
    assert_same_nearest(data, to_xyz(lon, lat))
    assert_same_nearest(data, to_xyz(RNG.uniform(-180, 180, 2000), RNG.uniform(-90, 90, 2000)))


def test_points_over_the_whole_sphere():
    data = to_xyz(RNG.uniform(-180, 180, 3000), np.degrees(np.arcsin(RNG.uniform(-1, 1, 3000))))
    queries = to_xyz(RNG.uniform(-180, 180, 3000), np.degrees(np.arcsin(RNG.uniform(-1, 1, 3000))))
    assert_same_nearest(data, queries)
    r = 0.05
    assert_same_pairs(data, queries, r)


def test_degenerate_sets():
    one = china(1)
    assert_same_nearest(one, china(50))
    same = np.repeat(one, 20, axis=0)
    queries = china(30)
    d, i = PointIndex(same).nearest(queries)
    np.testing.assert_array_equal(i, 0)
    np.testing.assert_array_equal(d, cKDTree(same).query(queries)[0])
    line = to_xyz(np.linspace(80, 120, 500), np.full(500, 30.0))  # all on one parallel
    assert_same_nearest(line, china(800))
    assert_same_pairs(line, china(800), 0.01)


def test_empty_inputs():
    empty = np.zeros((0, 3))
    d, i = PointIndex(empty).nearest(china(5))
    assert np.isinf(d).all() and (i == 0).all()
    assert len(PointIndex(empty).within(china(5), 0.1).q) == 0
    np.testing.assert_array_equal(PointIndex(empty).count_within(china(5), 0.1), 0)
    d, i = PointIndex(china(10)).nearest(empty)
    assert len(d) == len(i) == 0
    p = PointIndex(china(10)).within(empty, 0.1)
    assert len(p.q) == len(p.i) == len(p.d) == 0


def assert_same_pairs(data: np.ndarray, queries: np.ndarray, r) -> None:
    hits = cKDTree(data).query_ball_point(queries, r)
    want_q = np.repeat(np.arange(len(queries)), [len(h) for h in hits])
    want_i = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits]) if len(hits) else []
    got = PointIndex(data).within(queries, r, sort=True)
    np.testing.assert_array_equal(got.q, want_q)
    np.testing.assert_array_equal(got.i, want_i)
    loose = PointIndex(data).within(queries, r)  # same set in its own order
    want = list(zip(want_q.tolist(), np.asarray(want_i).tolist()))
    assert sorted(zip(loose.q.tolist(), loose.i.tolist())) == want
    np.testing.assert_array_equal(PointIndex(data).count_within(queries, r),
                                  cKDTree(data).query_ball_point(queries, r, return_length=True))


@pytest.mark.parametrize("r", [0.0, 1e-4, 0.002, 0.007, 0.05])
def test_pairs_within_equal_query_ball_point(r):
    data = with_twins(clustered(3000))
    queries = np.concatenate([china(3000), data[:200]])
    assert_same_pairs(data, queries, r)


def test_pair_distances_equal_the_sparse_distance_matrix():
    data, queries = clustered(3000), china(4000)
    r = 0.00706  # 45 km
    m = cKDTree(queries).sparse_distance_matrix(cKDTree(data), r, output_type="ndarray")
    got = PointIndex(data).within(queries, r, sort=True)
    order = np.lexsort((m["j"], m["i"]))
    np.testing.assert_array_equal(got.q, m["i"][order])
    np.testing.assert_array_equal(got.i, m["j"][order])
    np.testing.assert_array_equal(got.d, m["v"][order])  # bit for bit


def test_radius_per_query():
    data = clustered(3000)
    queries = china(2000)
    r = RNG.uniform(0.0, 0.02, len(queries)) ** 2 * 50  # from 0 to 0.02, most small
    assert_same_pairs(data, queries, r)


def test_points_exactly_at_the_radius_and_the_bound():
    """A lattice with spacing 1/8 (exact in binary): neighbours lie exactly at r."""
    a = np.arange(-8, 9) / 8.0
    lattice = np.array([(x, y, z) for x in a for y in a[::4] for z in a[::8]], dtype=np.float64)
    queries = lattice[::3] + 0.0
    for r in (0.125, 0.25, np.hypot(0.125, 0.125), 0.5):
        assert_same_pairs(lattice, queries, r)
    off = lattice[::5] + np.array([0.0625, 0.0, 0.0])  # halfway: two points at 1/16
    for ub in (0.0625, 0.0625 * (1 + 1e-15), 0.125, np.inf):
        assert_same_nearest(lattice, off, distance_upper_bound=ub)
    assert_same_nearest(lattice, off)
    d, i = PointIndex(lattice).nearest(off)  # two lattice points equally near: the lower
    np.testing.assert_array_equal(i, lowest_at_min(lattice, off)[1])


@pytest.mark.parametrize("ub", [1e-4, 0.003, 0.0047 * 1.000001, 0.05])
def test_bounded_nearest_equals_distance_upper_bound(ub):
    data = with_twins(clustered(3000))
    assert_same_nearest(data, china(5000), distance_upper_bound=ub)


def test_groups_equal_the_4th_coordinate_trick():
    """A query sees only its own group's points: as a tree over (x, y, z, 4 * group)."""
    data = clustered(4000)
    group = RNG.integers(0, 7, len(data)) * 3 + 11  # codes like GB province codes
    queries = china(3000)
    q_group = RNG.choice(np.unique(group), len(queries))
    tree = cKDTree(np.column_stack([data, 4.0 * group]))
    q4 = np.column_stack([queries, 4.0 * q_group])
    d_ref, i_ref = tree.query(q4)
    index = PointIndex(data, group)
    d, i = index.nearest(queries, q_group)
    np.testing.assert_array_equal(d, d_ref)
    np.testing.assert_array_equal(data[i], data[i_ref])
    assert (group[i] == q_group).all()
    r = RNG.uniform(0.0, 0.01, len(queries))
    hits = tree.query_ball_point(q4, r)
    got = index.within(queries, r, q_group, sort=True)
    np.testing.assert_array_equal(got.i, np.concatenate([np.asarray(h, dtype=np.int64) for h in hits]))
    np.testing.assert_array_equal(got.q, np.repeat(np.arange(len(queries)), [len(h) for h in hits]))


def test_a_query_group_without_points_finds_nothing():
    index = PointIndex(china(100), np.zeros(100, dtype=np.int64))
    d, i = index.nearest(china(3), np.array([0, 5, 0]))
    assert np.isfinite(d[[0, 2]]).all() and np.isinf(d[1]) and i[1] == 100
    with pytest.raises(ValueError, match="groups"):
        index.nearest(china(3))


def test_planar_lon_lat_points():
    """The recommend panel's town lookup: scaled lon/lat in two dimensions."""
    k = np.cos(np.radians(35.0))
    places = np.column_stack([RNG.uniform(73, 135, 5000) * k, RNG.uniform(18, 54, 5000)])
    places = with_twins(places)
    picks = np.column_stack([RNG.uniform(70, 140, 500) * k, RNG.uniform(15, 56, 500)])
    assert_same_nearest(places, picks)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="points must be"):
        PointIndex(np.zeros(5))
    with pytest.raises(ValueError, match="queries must be"):
        PointIndex(china(5)).nearest(np.zeros((3, 2)))
