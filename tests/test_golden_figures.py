"""The scenario figures are pinned: speed work on the core must not move a single one.

``golden_figures.json`` holds ``Summary.to_dict()`` of four scenarios as computed before
the startup speed-up (issue 10); every figure (national, per province, largest gaps)
must come out exactly equal.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario

GOLDEN = json.loads((Path(__file__).parent / "golden_figures.json").read_text(encoding="utf-8"))
PARAMS = {
    "default": {},
    "towns": dict(seed=7, sites=500, outlets=5000, strategy="towns", radius_km=40.0),
    "uniform": dict(seed=11, sites=40, outlets=300, strategy="uniform", radius_km=50.0,
                    site_radius_km=150.0),
    "coarse": dict(seed=3, sites=1000, outlets=8000, rural_bias=0.3, cell_km=20.0),
}


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_summary_matches_the_pinned_figures(name):
    got = json.loads(json.dumps(run_scenario(ScenarioParams(**PARAMS[name])).summary.to_dict()))
    want = GOLDEN[name]
    assert got["params"] == want["params"]
    for key in sorted(set(want) | set(got)):
        if key == "provinces":
            for p_got, p_want in zip(got[key], want[key], strict=True):
                assert p_got == p_want, p_want["name_en"]
        else:
            assert got.get(key) == want.get(key), key
