"""Issue 19, item 8: the area covered is never more than the service discs hold.

Before the fix, radius 0.1 km reported 21,824 km2 covered (252 whole cells) although
17,000 discs of that radius hold at most 534 km2."""
from __future__ import annotations

import math

import numpy as np
import pytest

from reach_planner.geo.covered_area import lens_area
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario


@pytest.mark.parametrize("radius", [0.1, 2.0])
def test_small_discs_cover_at_most_their_own_area(radius):
    s = run_scenario(ScenarioParams(radius_km=radius)).summary
    bound = s.service_outlets * math.pi * radius**2
    assert 0 < s.area_covered_km2 <= bound
    assert s.area_covered_pct == pytest.approx(100 * s.area_covered_km2 / s.land_area_km2, abs=0.01)
    assert sum(p.area_covered_km2 for p in s.provinces) == pytest.approx(s.area_covered_km2, abs=1.0)


def test_the_lens_of_two_circles():
    rho = math.sqrt(86.6 / math.pi)
    d = np.array([0.0, 1.0, rho - 0.1, rho + 0.05, 50.0])
    got = lens_area(d, 0.1, rho)
    assert got[:3] == pytest.approx([math.pi * 0.01] * 3)  # disc wholly inside the cell
    assert 0 < got[3] < math.pi * 0.01 and got[4] == 0.0
    assert lens_area(np.array([0.0]), 20.0, rho)[0] == pytest.approx(86.6)  # cell wholly inside
    # symmetric in the two radii, and half of the smaller disc when its centre is on the edge
    assert lens_area(np.array([3.0]), 2.0, 4.0)[0] == pytest.approx(lens_area(np.array([3.0]), 4.0, 2.0)[0])
    half = lens_area(np.array([1000.0]), 1.0, 1000.0)[0]
    assert half == pytest.approx(math.pi / 2, rel=1e-3)
