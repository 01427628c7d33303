"""Figures pinned with the scipy code before scipy.sparse / csgraph left the app (issue 13).

``graph_pins.json`` was written by :func:`figures` with ``scipy.sparse.csgraph``'s Dijkstra,
connected components and maximum flow, and ``scipy.sparse`` cover matrices, before the
numpy replacements (``geo/graph.py``, ``geo/sparse.py``). Everything must come out
exactly equal; only the per-outlet split of a maximum flow may differ (it is not unique),
so for it the invariants are checked instead.

Rewritten once, when ``geo/nearest.py`` replaced cKDTree (its own pins, made with cKDTree
and this graph code, are ``tests/nearest_pins.json``). Against the scipy-written file, every
pick, status, reduction, region label, terrain distance and capacity total was equal; what
moved was (a) floats by a few ulps (demand sums in another order: every such value within
1e-12 relative, so the digests of float tables changed) and (b) capacity's overloaded-outlet
table where co-located twin outlets swap (the lowest index now wins a tie).

SciPy back (issue 20: cKDTree, scipy.sparse, csgraph's Dijkstra, connected components and
maximum flow; the numpy modules deleted). The gaps, gaps_terrain, problem and recommend
sections are again the scipy-written values of commit 857a90a, bit for bit: the demand
sums are the tree's pair order again (``geo.demand`` searches in a fixed two parts, so
the order does not depend on the core count); those floats had moved by at most 4e-16
relative under ``geo.nearest``. Capacity keeps the lowest-index twin rule of the rewrite
(``geo.sphere.first_twins``); terrain and decisions were equal throughout.

Issue 21 re-pinned ``recommend`` and ``decisions`` on purpose (every other section equal):
certified now goes through the LP over the Lagrangian's pool (54/30: 748,765 -> 748,836
newly covered; national 100: same value, bound 5,301,782 -> 5,303,180, both within
0.1%), relocation adds with the certified solver (net 8,126,000 -> 8,128,736), and
backup's bound counts the cells two picks back up (8,137,760 -> 9,319,943: the old
"within tolerance" was not a bound).

Issue 21 (3) re-pinned ``recommend`` once more: certified's LP is now column generation,
whose prices prove tighter bounds; every pick, gain and value is equal, only certified's
bounds moved down (54/30: 746,896 -> 746,876; national 10 and 100 are now proven optimal:
871,226 -> 870,375 and 4,948,366 -> 4,947,194) and 54/5's by one ulp.

Rewritten again for issue 22 (geography v3), with this same code: every figure moved on
purpose, none because of the graph code. The places now hold the official division seats
(Xiamen added, Wuzhong's 7.2 M dropped), so the simulated network and the demand move;
rural people are capped at 2,000 per km2 and 5% of their province per cell; gap regions
stop at county planning units (more, smaller regions). The summary's county table is
pinned as a digest. The county rows (issue 22, geo.county_table) re-pinned the terrain
summary only: whole people that add up moved province figures and the national unreached
by one person at most, and the county digest (new fields).

Issue 21.4 re-pinned ``decisions.relocate`` on purpose: relocation became one joint model
(close and open chosen together) whose answer carries ``gap_pct``, ``status`` and
``requested``; the solve time is left out of the pin. The same moves; the bound fell
from 7,720,312 to the answer, 7,717,028 (proven optimal).
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import ScenarioResult, run_scenario
from reach_planner.geo.siting import decisions
from reach_planner.geo.siting.backup import recommend_backup
from reach_planner.geo.siting.capacity import capacity
from reach_planner.geo.siting.problem import build_problem, coverage_matrix
from reach_planner.geo.siting.solve import solve
from reach_planner.geo.terrain import terrain_graph

PINS = Path(__file__).parent / "graph_pins.json"
SMALL = dict(outlets=3000, sites=300, seed=5)
CAPACITIES = (500, 5000, 50000)
RECOMMEND = [(None, 10), (None, 100), (54, 5), (54, 30)]  # (province, K): national and Tibet


def digest(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


@cache
def scenario(distance: str = "straight", small: bool = False) -> ScenarioResult:
    return run_scenario(ScenarioParams(distance=distance, **(SMALL if small else {})))


def jdigest(obj) -> str:
    """A digest of a table's JSON: exact (floats by repr) but small."""
    return hashlib.sha256(json.dumps(jsonable(obj), sort_keys=True).encode()).hexdigest()


def jsonable(obj):
    return json.loads(json.dumps(obj, default=lambda v: v.item() if hasattr(v, "item") else str(v)))


def terrain_figures() -> dict:
    r = scenario("terrain")
    o = r.network.outlets
    tg = terrain_graph(r.params.cell_km)
    lon, lat = o["lon"].to_numpy(float), o["lat"].to_numpy(float)
    return jsonable({"summary": summary_pin(r.summary), "dist_terrain_km": digest(r.coverage.dist_terrain_km),
                     "distance": digest(tg.distance(lon, lat)), "flat": digest(tg.flat_distance(lon, lat)),
                     "few": tg.distance(lon[:3], lat[:3])[::997].tolist()})


def gap_figures(distance: str = "straight") -> dict:
    gaps = scenario(distance).gaps
    return {"region": digest(gaps.region), "regions": jdigest(gaps.regions.to_dict(orient="list")),
            "shares": jdigest(gaps.shares.to_dict(orient="list")), "count": len(gaps.regions),
            "top": jsonable(gaps.regions.head(5).to_dict(orient="list"))}


def capacity_figures() -> dict:
    out = {}
    for c in CAPACITIES:
        cap = capacity(scenario(), c)
        out[str(c)] = jsonable({"covered": cap.households_covered, "served": cap.households_served,
                                "nearest": digest(cap.nearest_load),
                                "table": {k: jdigest(v) for k, v in cap.overloaded.to_dict(orient="list").items()},
                                "served_table": jdigest(cap.overloaded["served"].tolist())})
    return out


def recommend_figures() -> dict:
    out = {}
    for province, k in RECOMMEND:
        p = build_problem(scenario(), province=province)
        for method in ("greedy", "certified", "exact"):
            s = solve(p, k, method, time_limit=30.0)
            out[f"{province}/{k}/{method}"] = jsonable({
                "picks": s.picks, "gains": s.gains, "value": s.value, "bound": s.bound,
                "status": s.status, "reduction": s.reduction.to_dict(), "covers_all": s.covers_all})
    return out


def decision_figures() -> dict:
    r = scenario(small=True)
    close = decisions.close(r, 200)
    move = decisions.relocate(r, 20)
    backup = recommend_backup(r, 20, method="certified")
    timed = {k: v for k, v in move.to_dict().items() if k != "solve_seconds"}  # no pin holds a time
    return jsonable({"close": close.to_dict(), "relocate": timed, "backup": backup.to_dict(),
                     "backup_picks": backup.solution.picks, "backup_value": backup.solution.value})


def problem_figures() -> dict:
    p = build_problem(scenario())
    cells = scenario().demand.grid
    m = coverage_matrix(cells.lon[:500], cells.lat[:500], cells.lon[::50], cells.lat[::50], 30.0)
    return {"shape": list(p.cover.shape), "nnz": int(p.cover.nnz), "cells": digest(p.cells),
            "people": digest(p.people), "alone": digest(p.cover @ p.people), "small": [list(m.shape), int(m.nnz)]}


SECTIONS = {"terrain": terrain_figures, "gaps": gap_figures, "gaps_terrain": lambda: gap_figures("terrain"),
            "capacity": capacity_figures, "recommend": recommend_figures, "decisions": decision_figures,
            "problem": problem_figures}


def figures() -> dict:
    return {name: fn() for name, fn in SECTIONS.items()}


@cache
def pinned() -> dict:
    return json.loads(PINS.read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(set(SECTIONS) - {"capacity"}))
def test_figures_match_the_scipy_pins(name):
    got, want = SECTIONS[name](), pinned()[name]
    for key in sorted(set(want) | set(got)):
        assert got.get(key) == want.get(key), f"{name}: {key}"


@pytest.mark.slow
@pytest.mark.parametrize("c", CAPACITIES)
def test_capacity_totals_match_the_scipy_pins_and_the_split_is_a_valid_flow(c):
    want = pinned()["capacity"][str(c)]
    cap = capacity(scenario(), c)
    assert cap.households_served == want["served"] and cap.households_covered == want["covered"]
    assert digest(cap.nearest_load) == want["nearest"]
    table = cap.overloaded.to_dict(orient="list")
    for column in ("site_id", "name", "province", "lon", "lat", "nearest_households", "excess"):
        assert jdigest(table[column]) == want["table"][column], column
    # the per-outlet split of a maximum flow is not unique: check it is one
    assert int(cap.load.sum()) == want["served"] and cap.load.min() >= 0 and cap.load.max() <= c


def summary_pin(summary) -> dict:
    """The summary, its ~2,850-row county table (issue 22) as a digest of its JSON."""
    d = summary.to_dict()
    d["counties"] = hashlib.sha256(json.dumps(d["counties"], sort_keys=True).encode()).hexdigest()
    return d


if __name__ == "__main__":  # regenerate (only with reviewed reference code!)
    PINS.write_text(json.dumps(figures(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
