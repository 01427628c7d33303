"""Launch to a drawn map: the desktop bundle against the source run, in one benchmark.

    .venv/bin/python bench/bench_bundle.py [--runs 3] [--bundle dist/ReachPlanner/ReachPlanner]

Both start the window on the default scenario with ``--quit-when-drawn`` (off screen
when there is no display) and are timed the same way: from launching the process to
the moment it prints "map drawn" (the map has painted), and to its exit. Runs
alternate between the two so machine load hits both alike. Target (issue 13): the
bundle draws the map < 4 s after launch. Also times the bundle's ``--selftest``.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 4.0


def launch_to_drawn(cmd: list[str]) -> tuple[float, float]:
    """Seconds from launch to the "map drawn" line, and to the process's exit."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    drawn = None
    assert p.stdout is not None
    for line in p.stdout:
        if line.startswith("map drawn"):
            drawn = time.perf_counter() - t0
    err = p.stderr.read() if p.stderr else ""
    code = p.wait(timeout=120)
    if drawn is None or code:
        raise RuntimeError(f"{cmd[0]} exited {code} without drawing the map:\n{err[-2000:]}")
    return drawn, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bundle", default=str(ROOT / "dist" / "ReachPlanner" / "ReachPlanner"))
    args = ap.parse_args()
    if not Path(args.bundle).exists():
        print(f"no bundle at {args.bundle}: run 'bash packaging/build.sh' first", file=sys.stderr)
        return 1
    runs = {"source (python main.py)": [sys.executable, str(ROOT / "main.py"), "--quit-when-drawn"],
            "bundle (ReachPlanner)": [args.bundle, "--quit-when-drawn"]}
    drawn: dict[str, list[float]] = {k: [] for k in runs}
    exits: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(args.runs):
        for name, cmd in runs.items():
            d, e = launch_to_drawn(cmd)
            drawn[name].append(d)
            exits[name].append(e)
    t = time.perf_counter()
    st = subprocess.run([args.bundle, "--selftest"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    selftest_s = time.perf_counter() - t
    src, bun = (min(drawn[k]) for k in runs)
    print(f"{'launch to drawn map (s)':<28}{'best':>8}{'median':>8}{'first':>8}{'to exit':>9}")
    for name in runs:
        d = drawn[name]
        print(f"{name:<28}{min(d):>8.2f}{statistics.median(d):>8.2f}{d[0]:>8.2f}"
              f"{statistics.median(exits[name]):>9.2f}")
    print(f"bundle vs source (best): {src / bun:.2f}x; target bundle < {TARGET_S:g} s: "
          f"{'PASS' if bun < TARGET_S else 'FAIL'}")
    print(f"bundle --selftest: exit {st.returncode} in {selftest_s:.2f} s: "
          f"{(st.stdout or st.stderr).strip().splitlines()[-1] if (st.stdout or st.stderr) else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
