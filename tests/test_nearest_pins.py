"""Figures that the golden summaries do not cover, pinned before cKDTree left the app.

``nearest_pins.json`` was written by this module (``python tests/test_nearest_pins.py``)
with the scipy-based searches (main at 9b9d578, whose max flow already left scipy);
the own searches of ``geo.nearest`` must reproduce every value: recommendation picks and figures, backup, closure and
relocation, outlet parents, coverage distances, terrain distances and the demand model.

Demand sums per cell come out in a different order than the tree's pair order, so
demand values are compared to 1e-12 (relative); everything shown is compared exactly.
Co-located outlets are equally near: which twin a cell is assigned to is pinned by the
twin's position, not its index.

SciPy back (issue 20): cKDTree and scipy.sparse / csgraph replace ``geo.nearest`` and
``geo.graph``; every value here came out equal except capacity's ``load``, the per-outlet
split of the maximum flow, which is not unique: it was pinned from ``geo.graph``'s
push-relabel and is now scipy's ``maximum_flow`` (Dinic) split, re-pinned (totals equal).

Issue 21 re-pinned: the terrain summary gained ``rural_backed_up`` (and ``_pct``), and
backup's bound counts the cells two picks back up (485,912 -> 568,161, status
heuristic); every other value came out equal. Issue 21 (3), certified by column
generation: ``certified_10``'s bound 871,226 -> 870,375 (= its value: proven optimal),
every site and gain equal.

twin's position, not its index (see ``geo.nearest``).

Rewritten for issue 22 (geography v3) with the same search code: the official division
seats joined the places (the network and the demand move), rural people per cell are
capped, gap regions stop at county units, and the towns named near picks are the report's
towns (county seats and above, or places with a population, all with a Chinese name).
The summary's county table is pinned as a digest. The county rows (issue 22,
geo.county_table) re-pinned only the terrain summary: whole people that add up moved
province figures and the national unreached by one person at most, and the digest.

Issue 21.4 re-pinned ``decisions.relocate`` on purpose: relocation became one joint model
and its answer carries ``gap_pct``, ``status`` and ``requested`` (the solve time is left
out of the pin): net 289,330 -> 289,331 (the net is rounded once, as recommend's is; the
same sites), bound 289,470 -> 289,351; every other value came out equal.
With the certified solver's column-generation prices (issue 21.3) the relocation bound
fell to the answer, 289,331 (proven optimal; the same moves).
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

FIXTURE = Path(__file__).parent / "nearest_pins.json"
SAMPLE = 1000


def _hash(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16]


def _sites(df) -> list[list[float]]:
    return [[float(x), float(y)] for x, y in zip(df["lon"], df["lat"])]


def _recommendations(result) -> dict:
    from reach_planner.geo.recommend import RecommendParams, min_outlets_for_target, recommend
    from reach_planner.ui.recommend_panel import nearest_towns

    out = {}
    for count, method in ((1, "greedy"), (10, "certified"), (40, "greedy")):
        rec = recommend(result, RecommendParams(count=count, method=method))
        out[f"{method}_{count}"] = {
            "sites": _sites(rec.sites), "newly_covered": round(rec.newly_covered),
            "covered_after": round(rec.covered_after),
            "bound": None if rec.bound is None else round(rec.bound),
            "gains": [round(g) for g in rec.gains],
            "towns": nearest_towns(rec.sites["lon"].to_numpy(), rec.sites["lat"].to_numpy())}
    t = min_outlets_for_target(result, 60.0)
    out["target_60"] = {"count": len(t.sites), "sites": _sites(t.sites),
                        "covered_after": round(t.covered_after)}
    return out


def _decisions(result) -> dict:
    from reach_planner.geo.siting.backup import recommend_backup
    from reach_planner.geo.siting.decisions import close, relocate

    b = recommend_backup(result, 5)
    c = close(result, 5)
    r = relocate(result, 3)
    return {"backup": b.to_dict() | {"sites": _sites(b.sites)},
            "close": c.to_dict() | {"closed": list(c.closed["site_id"])},
            "relocate": _untimed(r.to_dict()) | {"added": _sites(r.added)}}


def _untimed(d: dict) -> dict:
    """A result's figures without its solve time (which no pin can hold)."""
    return {k: v for k, v in d.items() if k != "solve_seconds"}


def pins() -> dict:
    from reach_planner.geo.params import ScenarioParams
    from reach_planner.geo.scenario import run_scenario

    result = run_scenario(ScenarioParams())
    cov, o = result.coverage, result.network.outlets
    twin = np.column_stack([o["lon"].to_numpy(), o["lat"].to_numpy()])[cov.nearest_outlet]
    sample = np.random.default_rng(1).choice(result.demand.grid.size, SAMPLE, replace=False)
    terrain = run_scenario(ScenarioParams(distance="terrain"))
    return {
        "coverage": {"dist_outlet": _hash(cov.dist_outlet_km), "dist_site": _hash(cov.dist_site_km),
                     "nearest_outlet_position": _hash(twin)},
        "parents": hashlib.sha256("|".join(o["parent_id"]).encode()).hexdigest()[:16],
        "demand": {"sample": sample.tolist(), "rural": result.demand.rural[sample].tolist(),
                   "urban": result.demand.urban[sample].tolist()},
        "terrain": {"dist": _hash(terrain.coverage.dist_terrain_km),
                    "summary": _summary_pin(terrain.summary)},
        "recommend": _recommendations(result),
        "decisions": json.loads(json.dumps(_decisions(result))),
        "capacity": _capacity(result),
    }


def _capacity(result) -> dict:
    """Totals, and the households nearest to each outlet position: co-located outlets
    share one position, and which twin a tie goes to was the tree's arbitrary pick."""
    from reach_planner.geo.siting.capacity import capacity

    cap = capacity(result, 2000)
    o = result.network.outlets
    pos, twin = np.unique(np.column_stack([o["lon"].to_numpy(), o["lat"].to_numpy()]), axis=0,
                          return_inverse=True)
    per_position = np.bincount(twin.ravel(), weights=cap.nearest_load, minlength=len(pos))
    return {k: v for k, v in cap.to_dict().items() if k != "overloaded"} | {
        "nearest_by_position": _hash(per_position), "load": _hash(cap.load)}


def _summary_pin(summary) -> dict:
    """The summary, its ~2,850-row county table (issue 22) as a digest of its JSON."""
    d = json.loads(json.dumps(summary.to_dict()))
    d["counties"] = hashlib.sha256(json.dumps(d["counties"], sort_keys=True).encode()).hexdigest()
    return d


@pytest.fixture(scope="module")
def got() -> dict:
    return pins()


WANT = json.loads(FIXTURE.read_text(encoding="utf-8")) if FIXTURE.exists() else {}


@pytest.mark.slow
@pytest.mark.parametrize("part", ["coverage", "parents", "terrain", "recommend", "decisions", "capacity"])
def test_pinned_figures_are_unchanged(got, part):
    assert got[part] == WANT[part]


@pytest.mark.slow
def test_demand_model_values_are_unchanged(got):
    for kind in ("rural", "urban"):
        np.testing.assert_allclose(got["demand"][kind], WANT["demand"][kind], rtol=1e-12, atol=0)


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(pins(), indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                       encoding="utf-8")
    sys.exit(0)
