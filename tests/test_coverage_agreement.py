"""The KD-tree coverage agrees with the naive buffer-union-intersect figure (bench/)."""
from __future__ import annotations

import sys

import numpy as np

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.simulate import simulate_network
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import bench_core  # noqa: E402


def test_kdtree_and_naive_coverage_agree_within_half_a_point():
    net = simulate_network(ScenarioParams(outlets=2000, sites=200, seed=9))
    olon, olat = net.outlets["lon"].to_numpy(), net.outlets["lat"].to_numpy()
    lon, lat = bench_core.demand_points(20_000, seed=3)
    ours = bench_core.ours(olon, olat, lon, lat, 30.0)
    full = bench_core.ours_with_distances(olon, olat, lon, lat, 30.0)
    naive = bench_core.naive_prepared(olon, olat, lon, lat, 30.0)
    assert ours == full
    assert 1 < ours < 99
    assert abs(ours - naive) <= 0.5
    assert np.isfinite(naive)
