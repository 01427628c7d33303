"""17,000 outlets imported in one city: ``summary`` on clustered points, this tree vs main.

    .venv/bin/python bench/bench_clustered.py [--runs 3] [--main /work/main] [--no-launch]

Issue 20: with the numpy grid searches (geo/nearest.py) a network of 17,000 outlets all in
Beijing made ``summary`` take 42-51 s instead of ~1 s (the searches degrade on clustered
points). With cKDTree the clustered ``summary`` must stay within 2x the default one, and
the default ``summary`` and launch -> drawn map within 10% of main's.

The script writes a CSV of 17,000 service outlets clustered in Beijing (a dense core, a
few satellite towns; every row a distinct place, as the importer drops duplicates), then times, in
fresh processes, alternating so machine load hits both alike (best of ``runs``):
``main.py summary`` (default scenario) and ``main.py summary --sites beijing.csv`` (the
17,000 outlets replace the simulated outlet layer), on this tree and on main's checkout
(run read-only with main's own virtualenv); and ``main.py --quit-when-drawn`` (launch to
drawn map, offscreen). main's clustered run is timed once (it takes ~45 s).
"""
from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reach_planner.ui.qt_env import prepare_qt_environment  # noqa: E402

prepare_qt_environment(headless=True)  # the launch runs offscreen (inherited by the children)

N_OUTLETS = 17_000
CENTRE = (116.40, 39.91)  # Tiananmen
SATELLITES = ((116.65, 40.13), (116.23, 40.22), (116.13, 39.73), (116.66, 39.91), (116.84, 40.38))


def clustered_outlets(path: Path, n: int = N_OUTLETS, seed: int = 20) -> None:
    """``n`` outlets in Beijing: 75% in the urban core (sigma ~6 km), 25% around five district
    towns (sigma ~2 km)."""
    rng = np.random.default_rng(seed)
    core = int(0.75 * n)
    sat = n - core
    lon = [rng.normal(CENTRE[0], 0.07, core), np.empty(0)]
    lat = [rng.normal(CENTRE[1], 0.055, core), np.empty(0)]
    which = rng.integers(0, len(SATELLITES), sat)
    centres = np.asarray(SATELLITES)[which]
    lon[1] = centres[:, 0] + rng.normal(0, 0.025, sat)
    lat[1] = centres[:, 1] + rng.normal(0, 0.018, sat)
    x, y = np.concatenate(lon), np.concatenate(lat)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "kind", "lon", "lat"])
        for i, (a, b) in enumerate(zip(x, y)):
            w.writerow([f"BJ outlet {i + 1}", "outlet", f"{a:.6f}", f"{b:.6f}"])


CPU: dict[tuple[str, str], list[float]] = {}


def timed(cmd: list[str], cwd: Path, key: tuple[str, str]) -> float:
    """Wall seconds of one run; its CPU seconds (user + system, all threads) go to ``CPU``,
    a figure the load of a shared machine disturbs less than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr[-2000:]}")
    CPU.setdefault(key, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--main", default="/work/main", help="main's checkout (its .venv is used, read-only)")
    ap.add_argument("--no-launch", action="store_true", help="skip launch -> drawn map")
    ap.add_argument("--main-clustered-runs", type=int, default=1,
                    help="main's clustered summary takes minutes: how many runs of it (0: none)")
    args = ap.parse_args()
    from bench_bundle import launch_to_drawn

    main_root = Path(args.main)
    trees = {"this tree": (Path(sys.executable), ROOT), "main": (main_root / ".venv/bin/python", main_root)}
    trees = {k: v for k, v in trees.items() if v[0].exists() and (v[1] / "main.py").exists()}
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "beijing_17000.csv"
        clustered_outlets(csv_path)
        print(f"{N_OUTLETS:,} outlets clustered in Beijing: {csv_path.stat().st_size / 1e6:.2f} MB CSV")
        times: dict[tuple[str, str], list[float]] = {}
        for run in range(args.runs):
            for name, (py, root) in trees.items():
                main_py = str(root / "main.py")
                times.setdefault((name, "default"), []).append(
                    timed([str(py), main_py, "summary"], root, (name, "default")))
                if name != "main" or run < args.main_clustered_runs:
                    times.setdefault((name, "clustered"), []).append(
                        timed([str(py), main_py, "summary", "--sites", str(csv_path)], root, (name, "clustered")))
                if not args.no_launch:
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    times.setdefault((name, "launch"), []).append(
                        launch_to_drawn([str(py), main_py, "--quit-when-drawn"])[0])
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    CPU.setdefault((name, "launch"), []).append(
                        after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    print(f"best of {args.runs} (main's clustered: best of {min(args.runs, args.main_clustered_runs)}), "
          "fresh processes, alternated")
    print(f"{'measure':<34}" + "".join(f"{name:>12}" for name in trees))
    for what, label in (("default", "summary (default)"), ("clustered", "summary (17,000 in Beijing)"),
                        ("launch", "launch -> drawn map")):
        if any((name, what) in times for name in trees):
            print(f"{label:<34}" + "".join(f"{min(times[(name, what)]):>11.2f}s" if (name, what) in times
                                           else f"{'-':>12}" for name in trees))
    for what, label in (("default", "summary (default), CPU"), ("clustered", "summary (17,000 in Beijing), CPU"),
                        ("launch", "launch -> drawn map, CPU")):
        if any((name, what) in CPU for name in trees):
            print(f"{label:<34}" + "".join(f"{min(CPU[(name, what)]):>11.2f}s" if (name, what) in CPU
                                           else f"{'-':>12}" for name in trees))
    for name in trees:
        if (name, "clustered") not in times:
            continue
        ratio = min(times[(name, "clustered")]) / min(times[(name, "default")])
        cpu = min(CPU[(name, "clustered")]) / min(CPU[(name, "default")])
        print(f"{name}: clustered / default summary = {ratio:.2f}x wall, {cpu:.2f}x CPU (target <= 2x)")
    if "main" in trees:
        for what in ("default", "launch"):
            if ("main", what) in times:
                r = min(times[("this tree", what)]) / min(times[("main", what)])
                print(f"this tree / main, {what}: {r:.3f} wall (target <= 1.10)")
        for what in ("default", "launch"):
            if ("main", what) in CPU:
                cpu = min(CPU[("this tree", what)]) / min(CPU[("main", what)])
                print(f"this tree / main, {what}: {cpu:.3f} CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
