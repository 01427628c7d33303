"""Core speed: data loading, the default scenario end to end, coverage at scale.

    .venv/bin/python bench/bench_core.py [--points 1000000] [--runs 3]

Targets (issue: foundation): all layers load in < 0.3 s; the default scenario end
to end (load, simulate, demand, coverage, gaps, summary) < 2 s warm; coverage of
1,000,000 demand points against 17,000 outlets < 2 s. The naive coverage (buffer
every outlet with shapely, union, intersect with the points) runs in the same
process on the same points: ours must be >= 20x faster and agree within 0.5 pp.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reach_planner.geo.albers import CHINA  # noqa: E402
from reach_planner.geo.coverage import nearest_km  # noqa: E402
from reach_planner.geo.grid import build_grid  # noqa: E402
from reach_planner.geo.params import ScenarioParams  # noqa: E402
from reach_planner.geo.simulate import simulate_network  # noqa: E402
from reach_planner.geo.sphere import SphereIndex  # noqa: E402

FRESH = """
import time, sys
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
import geopandas, pandas, shapely, scipy.spatial
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.data import load_china, load_census
t1 = time.perf_counter()
load_china(); load_census()
t2 = time.perf_counter()
run_scenario()
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t1)
"""


def fresh_process(runs: int) -> list[tuple[float, float, float]]:
    """(imports, load, end-to-end) in new processes: OS caches warm, no in-process caches."""
    out = []
    for _ in range(runs):
        p = subprocess.run([sys.executable, "-c", FRESH.format(root=str(ROOT))],
                           capture_output=True, text=True, check=True)
        out.append(tuple(float(x) for x in p.stdout.split()))
    return out


def in_process(runs: int) -> list[float]:
    from reach_planner.geo.scenario import run_scenario

    run_scenario()
    times = []
    for i in range(runs):
        t = time.perf_counter()
        run_scenario(ScenarioParams(seed=100 + i))
        times.append(time.perf_counter() - t)
    return times


def demand_points(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points spread over mainland cells (jittered inside each 10 km hexagon)."""
    g = build_grid(10.0)
    rng = np.random.default_rng(seed)
    j = rng.integers(0, g.size, n)
    r = 5000.0 * np.sqrt(rng.random(n))
    a = rng.random(n) * 2 * np.pi
    return CHINA.inverse(g.x[j] + r * np.cos(a), g.y[j] + r * np.sin(a))


def ours(olon, olat, lon, lat, radius_km: float) -> float:
    """KD-tree on the unit sphere, stopping each search at the service radius."""
    return float(SphereIndex(olon, olat).within(lon, lat, radius_km).mean() * 100)


def ours_with_distances(olon, olat, lon, lat, radius_km: float) -> float:
    """The full nearest-outlet distance for every point (what the gap analysis uses)."""
    d, _ = nearest_km(olon, olat, lon, lat)
    return float((d <= radius_km).mean() * 100)


def _union(olon, olat, radius_km: float):
    ox, oy = CHINA.forward(olon, olat)
    return shapely.union_all(shapely.buffer(shapely.points(ox, oy), radius_km * 1000.0,
                                            quad_segs=16))


def naive(olon, olat, lon, lat, radius_km: float) -> float:
    """Buffer every outlet (projected, metres), union them, intersect with the points:
    what ``points.intersects(union)`` in geopandas does (no prepared geometry)."""
    union = _union(olon, olat, radius_km)
    px, py = CHINA.forward(lon, lat)
    return float(shapely.intersects(union, shapely.points(px, py)).mean() * 100)


def naive_prepared(olon, olat, lon, lat, radius_km: float) -> float:
    """The same with the union prepared: the best a buffer-and-union approach can do."""
    union = _union(olon, olat, radius_km)
    shapely.prepare(union)
    px, py = CHINA.forward(lon, lat)
    return float(shapely.contains_xy(union, px, py).mean() * 100)


def timed(fn, *args, runs: int = 1) -> tuple[list[float], float]:
    times, value = [], 0.0
    for _ in range(runs):
        t = time.perf_counter()
        value = fn(*args)
        times.append(time.perf_counter() - t)
    return times, value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    fresh = fresh_process(a.runs)
    warm = in_process(a.runs)
    net = simulate_network(ScenarioParams())
    olon, olat = net.outlets["lon"].to_numpy(), net.outlets["lat"].to_numpy()
    lon, lat = demand_points(a.points)
    t_ours, pct_ours = timed(ours, olon, olat, lon, lat, 30.0, runs=a.runs)
    t_dist, _ = timed(ours_with_distances, olon, olat, lon, lat, 30.0, runs=a.runs)
    t_naive, pct_naive = timed(naive, olon, olat, lon, lat, 30.0, runs=1)
    t_prep, _ = timed(naive_prepared, olon, olat, lon, lat, 30.0, runs=1)
    fig = {
        "imports_s": statistics.median(f[0] for f in fresh),
        "load_s_best": min(f[1] for f in fresh),
        "scenario_fresh_process_s_best": min(f[2] for f in fresh),
        "scenario_fresh_process_s_median": statistics.median(f[2] for f in fresh),
        "scenario_in_process_s_best": min(warm),
        "coverage_points": a.points, "coverage_outlets": len(olon),
        "coverage_ours_s_best": min(t_ours), "coverage_ours_s_median": statistics.median(t_ours),
        "coverage_ours_with_distances_s_best": min(t_dist),
        "coverage_naive_s": t_naive[0], "speedup": t_naive[0] / min(t_ours),
        "coverage_naive_prepared_s": t_prep[0],
        "speedup_vs_prepared": t_prep[0] / min(t_ours),
        "covered_pct_ours": pct_ours, "covered_pct_naive": pct_naive,
        "difference_pp": abs(pct_ours - pct_naive),
    }
    checks = [("load < 0.3 s", fig["load_s_best"] < 0.3),
              ("scenario end to end < 2 s (fresh process)", fig["scenario_fresh_process_s_best"] < 2),
              ("coverage 1M x 17k < 2 s", fig["coverage_ours_s_best"] < 2),
              ("naive / ours >= 20x", fig["speedup"] >= 20),
              ("agreement <= 0.5 pp", fig["difference_pp"] <= 0.5)]
    if a.json:
        print(json.dumps({**fig, "checks": dict(checks)}, indent=2))
        return
    for k, v in fig.items():
        print(f"{k:<36}{v:>14,.3f}" if isinstance(v, float) else f"{k:<36}{v:>14,}")
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")


if __name__ == "__main__":
    main()
