"""Print map speed: a 300 dpi A4 PNG of the default scenario (target < 10 s).

    .venv/bin/python bench/bench_printmap.py [--runs 3]

Compared in the same run with the naive drawing: every gap and covered hexagon as
its own patch via GeoDataFrame.plot (no dissolving), same page and dpi.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from geo.scenario import run_scenario  # noqa: E402
from ui import printmap  # noqa: E402
from ui.printmap import PrintOptions, render_print_map  # noqa: E402
from ui.webmap import COVERED, GAP_COLOURS, gap_classes  # noqa: E402


def naive(result, out: Path) -> None:
    g = result.demand.grid
    fig = Figure(figsize=PrintOptions().size_inches, dpi=300)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0.02, 0.07, 0.96, 0.8])
    load = printmap.load_china().provinces
    load.plot(ax=ax, color="#f6f3ec", edgecolor="#7a7a7a", linewidth=0.4)
    cov = np.flatnonzero(result.coverage.covered)
    gpd.GeoSeries(g.polygons(cov)).plot(ax=ax, color=COVERED, alpha=0.45)
    gaps = np.flatnonzero(result.gaps.is_gap)
    people = result.demand.rural[gaps]
    cls = np.searchsorted(gap_classes(people), people)
    gpd.GeoDataFrame({"c": cls}, geometry=g.polygons(gaps)).plot(
        ax=ax, color=[GAP_COLOURS[c] for c in cls])
    net = result.network
    ax.scatter(net.outlets["lon"], net.outlets["lat"], s=0.6)
    ax.scatter(net.sites["lon"], net.sites["lat"], s=2.5)
    fig.savefig(out, dpi=300)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    result = run_scenario()
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for i in range(a.runs):
            printmap._layers.cache_clear()  # measure the full work every time
            t = time.perf_counter()
            render_print_map(result, PrintOptions(dpi=300), Path(tmp) / f"a4_{i}.png")
            times.append(time.perf_counter() - t)
        t = time.perf_counter()
        naive(result, Path(tmp) / "naive.png")
        t_naive = time.perf_counter() - t
    print(f"300 dpi A4 PNG, best / median     {min(times):6.2f} s / {statistics.median(times):.2f} s")
    print(f"naive per-hexagon drawing         {t_naive:6.2f} s   ratio {t_naive / min(times):.1f}x")
    print(f"{'PASS' if min(times) < 10 else 'FAIL'}  300 dpi A4 PNG < 10 s")


if __name__ == "__main__":
    main()
