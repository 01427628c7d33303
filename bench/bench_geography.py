"""Geography speed (issue 9): the demand model v2 and terrain-aware coverage.

    .venv/bin/python bench/bench_geography.py [--runs 3] [--naive-outlets 200]

Targets: terrain coverage of the default scenario (17,000 outlets) < 1 s once the
terrain graph of the grid exists (it is built once per process and grid spacing;
its build time is printed too). The naive way, one shortest-path search per outlet
(each stopped at the service radius), runs in the same process on a sample of
outlets and is extrapolated linearly to all 17,000; the ratio is printed. Its covered
cells agree with ours to ~99.5% (it enters the graph only at each outlet's own cell;
ours links each outlet straight to the cells within two spacings).
Also printed: the demand model's build time and the issue's figures.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reach_planner.geo.demand import build_demand  # noqa: E402
from reach_planner.geo.demand_figures import demand_figures  # noqa: E402
from reach_planner.geo.params import ScenarioParams  # noqa: E402
from reach_planner.geo.scenario import run_scenario  # noqa: E402
from reach_planner.geo.terrain import TerrainGraph, terrain_graph  # noqa: E402


def naive_per_outlet(tg: TerrainGraph, lon: np.ndarray, lat: np.ndarray, radius: float) -> np.ndarray:
    """One Dijkstra per outlet from its nearest cell, stopped at the radius; min over outlets."""
    n = tg.grid.size
    g = csr_matrix(coo_matrix((tg._cost, (tg._src, tg._dst)), shape=(n, n)))
    _, cells = tg._cells.nearest(np.column_stack(_xyz(lon, lat)))
    best = np.full(n, np.inf)
    for c in cells:
        best = np.minimum(best, dijkstra(g, directed=False, indices=int(c), limit=radius))
    return best


def _xyz(lon, lat):
    lam, phi = np.radians(lon), np.radians(lat)
    return np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--naive-outlets", type=int, default=200)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    t = time.perf_counter()
    demand = build_demand(10.0)
    t_demand = time.perf_counter() - t
    t = time.perf_counter()
    tg = terrain_graph(10.0)
    t_graph = time.perf_counter() - t

    base = run_scenario(ScenarioParams())
    o = base.network.outlets
    lon, lat = o["lon"].to_numpy(), o["lat"].to_numpy()
    query = []
    for _ in range(a.runs):
        t = time.perf_counter()
        d = tg.distance(lon, lat)
        query.append(time.perf_counter() - t)
    scen = []
    for i in range(a.runs):
        t = time.perf_counter()
        run_scenario(ScenarioParams(seed=100 + i, distance="terrain"))
        scen.append(time.perf_counter() - t)

    k = min(a.naive_outlets, len(lon))
    pick = np.random.default_rng(0).choice(len(lon), k, replace=False)
    t = time.perf_counter()
    nv = naive_per_outlet(tg, lon[pick], lat[pick], 30.0)
    t_naive_k = time.perf_counter() - t
    t_naive_all = t_naive_k * len(lon) / k
    ours_k = tg.distance(lon[pick], lat[pick])
    agree = float(np.mean((ours_k <= 30.0) == (nv <= 30.0)) * 100)

    fig = {
        "demand_model_build_s": round(t_demand, 3),
        "terrain_graph_build_s_once": round(t_graph, 3),
        "terrain_coverage_17000_outlets_s": round(statistics.median(query), 3),
        "terrain_scenario_end_to_end_s": round(statistics.median(scen), 3),
        f"naive_per_outlet_{k}_outlets_s": round(t_naive_k, 3),
        "naive_per_outlet_17000_extrapolated_s": round(t_naive_all, 1),
        "speedup_vs_naive": round(t_naive_all / statistics.median(query), 1),
        "covered_cells_agree_pct": round(agree, 3),
        "terrain_rural_covered_pct": round(float(demand.rural[d <= 30.0].sum() / demand.rural.sum() * 100), 2),
        "figures": demand_figures(demand),
    }
    if a.json:
        print(json.dumps(fig, indent=2))
        return
    for key, v in fig.items():
        if key != "figures":
            print(f"{key:<42}{v}")
    print("demand model figures:")
    for key, v in fig["figures"].items():
        print(f"  {key:<40}{v}")
    ok = fig["terrain_coverage_17000_outlets_s"] < 1.0
    print(f"target terrain coverage < 1 s: {'PASS' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
