"""The scenario figures are pinned: speed work on the core must not move a single one.

``golden_figures.json`` holds ``Summary.to_dict()`` of four scenarios as computed before
the startup speed-up (issue 10); every figure (national, per province, largest gaps)
must come out exactly equal.

Regenerated for issue 22 (demand model v3, division seats as places, gap regions split
at county units): every figure moved on purpose (new places move the simulated network
and the demand; rural caps move rural people out of cells near city cores; regions stop
at county borders). The per-county table (about 2,850 rows) is pinned as a digest of
its canonical JSON. Then re-pinned for the county rows (issue 22): whole people are
apportioned counties -> province -> country (geo.county_table), so rural, covered and
unreached add up at every level; a few province figures and the national unreached moved
by one person, the county digest changed (new fields), nothing else. Regenerate only
after reviewing a figure change:
``python tests/test_golden_figures.py``.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario

FILE = Path(__file__).parent / "golden_figures.json"
GOLDEN = json.loads(FILE.read_text(encoding="utf-8"))
PARAMS = {
    "default": {},
    "towns": dict(seed=7, sites=500, outlets=5000, strategy="towns", radius_km=40.0),
    "uniform": dict(seed=11, sites=40, outlets=300, strategy="uniform", radius_km=50.0,
                    site_radius_km=150.0),
    "coarse": dict(seed=3, sites=1000, outlets=8000, rural_bias=0.3, cell_km=20.0),
}


def figures(name: str) -> dict:
    got = json.loads(json.dumps(run_scenario(ScenarioParams(**PARAMS[name])).summary.to_dict()))
    counties = got.pop("counties")
    got["counties_sha256"] = hashlib.sha256(json.dumps(counties, sort_keys=True).encode()).hexdigest()
    return got


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_summary_matches_the_pinned_figures(name):
    got = figures(name)
    want = GOLDEN[name]
    assert got["params"] == want["params"]
    for key in sorted(set(want) | set(got)):
        if key == "provinces":
            for p_got, p_want in zip(got[key], want[key], strict=True):
                assert p_got == p_want, p_want["name_en"]
        else:
            assert got.get(key) == want.get(key), key


if __name__ == "__main__":  # regenerate (only after reviewing why the figures moved)
    FILE.write_text(json.dumps({n: figures(n) for n in sorted(PARAMS)}, indent=1, sort_keys=True,
                               ensure_ascii=False) + "\n", encoding="utf-8")
    sys.exit(0)
