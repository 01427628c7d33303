"""The window's start-up core (issue 10): what the scenario worker does before the first
map can be drawn, for the default scenario.

    .venv/bin/python bench/bench_startup_core.py [--runs 3]

Each figure is measured in fresh processes (OS caches warm, no in-process caches):
importing ``reach_planner.geo``, ``run_scenario(ScenarioParams())`` and
``build_payload(result, MapOptions())``. The naive reference is the same code as it
was before the speed-up (commit ``NAIVE_COMMIT``, unpacked from git into a temporary
folder and imported from there), timed in the same run, alternating with ours.
Targets: run_scenario <= 0.4 s, build_payload <= 0.2 s.

Two in-process comparisons isolate the biggest changes: the dissolve (outline tracing
on the lattice vs ``coverage_union_all`` of every cell's lon/lat hexagon) and the
Albers inverse (series + 1 Newton step vs 8 Newton steps from a crude start).
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
from timing import best

ROOT = Path(__file__).resolve().parent.parent
NAIVE_COMMIT = "052f324"  # main before the start-up speed-up

CHILD = """
import sys, time
sys.path[:0] = {path!r}
clock = time.{clock}
t0 = clock()
import reach_planner.geo
{full_import}
t1 = clock()
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.maps.web import MapOptions, build_payload
import reach_planner
assert reach_planner.__file__.startswith({root!r}), reach_planner.__file__
t2 = clock()
result = run_scenario(ScenarioParams())
t3 = clock()
build_payload(result, MapOptions())
t4 = clock()
print(t1 - t0, t3 - t2, t4 - t3)
"""
FIGURES = ("import reach_planner.geo (+ the pipeline)", "run_scenario (default)",
           "build_payload (fresh result)")


def naive_tree(tmp: Path) -> Path | None:
    """The pre-speed-up code as an importable ``reach_planner`` package, or None."""
    try:
        tar = subprocess.run(["git", "-C", str(ROOT), "archive", NAIVE_COMMIT],
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    pkg = tmp / "reach_planner"
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(pkg, filter="data")
    return tmp


def child(path: Path | None, pipeline: bool, clock: str) -> tuple[float, ...]:
    """One fresh process, importing ``reach_planner`` from ``path`` (None: this checkout).
    ``pipeline``: the import figure includes the pipeline (the old ``geo/__init__``
    imported it; the new one defers it to first use). ``clock``: ``perf_counter``
    (wall) or ``process_time`` (CPU of all threads: fairer on a shared machine)."""
    code = CHILD.format(path=[str(path)] if path else [], root=str(path or ROOT), clock=clock,
                        full_import="import reach_planner.geo.scenario" if pipeline else "")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=str(path or ROOT))
    return tuple(float(x) for x in out.stdout.split())


def fresh_processes(runs: int, clock: str) -> None:
    ours, naive, light = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        old = naive_tree(Path(tmp))
        if old is None:
            print(f"naive reference: git archive {NAIVE_COMMIT} failed (no git checkout?)")
            return
        for _ in range(runs):
            naive.append(child(old, True, clock))
            ours.append(child(None, True, clock))
            light.append(child(None, False, clock))
    kind = "wall clock" if clock == "perf_counter" else "CPU time (all threads)"
    print(f"\nfresh processes, {kind}, median (min) of {runs}; naive = commit {NAIVE_COMMIT}")
    print(f"{'':44}{'ours':>16}{'naive':>16}{'ratio':>8}")
    for i, name in enumerate(FIGURES):
        _row(name, [r[i] for r in ours], [r[i] for r in naive])
    _row("import reach_planner.geo (lazy, as the window)", [r[0] for r in light],
         [r[0] for r in naive])
    _row("run_scenario + build_payload", [r[1] + r[2] for r in ours],
         [r[1] + r[2] for r in naive])
    print("targets: run_scenario <= 0.40 s, build_payload <= 0.20 s")


def _row(name: str, ours: list[float], naive: list[float]) -> None:
    ratio = statistics.median(naive) / statistics.median(ours)
    print(f"{name:44}{_fmt(ours):>16}{_fmt(naive):>16}{ratio:>7.1f}x")


def _fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs):.3f} ({min(xs):.3f})"


def in_process(runs: int) -> None:
    import shapely

    sys.path.insert(0, str(ROOT))
    from reach_planner.geo.albers import CHINA
    from reach_planner.geo.dissolve import dissolve
    from reach_planner.geo.params import ScenarioParams
    from reach_planner.geo.scenario import run_scenario

    result = run_scenario(ScenarioParams())
    g = result.demand.grid
    labels = np.where(result.coverage.covered, 0, -1)

    def ours() -> object:
        return dissolve(g, labels)[1][0]

    def naive() -> object:
        g.__dict__.pop("_all_polygons", None)  # cold: the hexagons are built per grid
        return shapely.coverage_union_all(g.polygons(np.flatnonzero(labels == 0)))

    a, b = best(ours, runs), best(naive, runs)
    same = shapely.area(shapely.symmetric_difference(ours(), naive()))
    print(f"\nin process, best of {runs}")
    print(f"{'dissolve covered area (' + str(int((labels == 0).sum())) + ' cells)':44}"
          f"{a:>10.4f} s{b:>14.4f} s{b / a:>7.1f}x   sym. difference {same:.2g} deg2")
    x = np.concatenate([g.x, g.x + 2000.0])
    y = np.concatenate([g.y, g.y - 3000.0])
    a = best(lambda: CHINA.inverse(x, y), runs)
    b = best(lambda: _naive_inverse(x, y), runs)
    dlat = np.abs(CHINA.inverse(x, y)[1] - _naive_inverse(x, y)[1]).max()
    print(f"{'Albers inverse (' + str(len(x)) + ' points)':44}{a:>10.4f} s{b:>14.4f} s{b / a:>7.1f}x"
          f"   max |dlat| {dlat:.1e} deg")


def _naive_inverse(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The inverse as it was: 8 Newton steps from asin(q / 2)."""
    from reach_planner.geo.albers import CHINA as A

    n, c, rho0 = A._constants()
    dy = rho0 - y
    rho = np.hypot(x, dy)
    q = (c - (rho * n / A.a) ** 2) / n
    e = A.e
    phi = np.arcsin(np.clip(q / 2, -1, 1))
    for _ in range(8):
        s = np.sin(phi)
        phi = phi + (1 - e**2 * s * s) ** 2 / (2 * np.cos(phi)) * (
            q / (1 - e**2) - s / (1 - e**2 * s * s) + np.log((1 - e * s) / (1 + e * s)) / (2 * e))
    return A.lon_0 + np.degrees(np.arctan2(x, dy) / n), np.degrees(phi)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for clock in ("perf_counter", "process_time"):
        fresh_processes(args.runs, clock)
    in_process(args.runs)


if __name__ == "__main__":
    main()
