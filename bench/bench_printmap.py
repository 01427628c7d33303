"""Print map speed: a 300 dpi A4 PNG of the default scenario (target < 10 s).

    .venv/bin/python bench/bench_printmap.py [--runs 3]

Compared in the same run with the naive drawing: every gap and covered hexagon as
its own patch via GeoDataFrame.plot (no dissolving, shapes added with add_patch),
same projection, page and dpi.
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

from reach_planner.geo.albers import CHINA  # noqa: E402
from reach_planner.geo.data import load_china  # noqa: E402
from reach_planner.geo.scenario import run_scenario  # noqa: E402
from reach_planner.ui.maps import shapes  # noqa: E402
from reach_planner.ui.maps.printmap import PrintOptions, render_print_map  # noqa: E402
from reach_planner.ui.maps.shapes import project  # noqa: E402
from reach_planner.ui.maps.style import COVERED, GAP_COLOURS, gap_class_of  # noqa: E402


def naive(result, out: Path) -> None:
    g = result.demand.grid
    fig = Figure(figsize=PrintOptions().size_inches, dpi=300)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0.02, 0.07, 0.96, 0.8])
    prov = project(load_china().provinces.geometry.to_numpy())
    gpd.GeoSeries(prov).plot(ax=ax, color="#f6f3ec", edgecolor="#7a7a7a", linewidth=0.4)
    cov = np.flatnonzero(result.coverage.covered)
    gpd.GeoSeries(project(g.polygons(cov))).plot(ax=ax, color=COVERED, alpha=0.45)
    gaps = np.flatnonzero(result.gaps.is_gap)
    people = result.demand.rural[gaps]
    cls = gap_class_of(people)
    gpd.GeoDataFrame({"c": cls}, geometry=project(g.polygons(gaps))).plot(
        ax=ax, color=[GAP_COLOURS[c] for c in cls])
    net = result.network
    for layer, size in ((net.outlets, 0.35), (net.sites, 1.6)):
        x, y = CHINA.forward(layer["lon"].to_numpy(), layer["lat"].to_numpy())
        ax.scatter(x, y, s=size)
    fig.savefig(out, dpi=300)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    result = run_scenario()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()  # first print: also finds the fonts, projects the provinces
        render_print_map(result, PrintOptions(dpi=300), Path(tmp) / "first.png")
        t_first = time.perf_counter() - t
        times = []
        for i in range(a.runs):
            shapes.clear_caches()  # dissolve again every time: the full work
            t = time.perf_counter()
            render_print_map(result, PrintOptions(dpi=300), Path(tmp) / f"a4_{i}.png")
            times.append(time.perf_counter() - t)
        t = time.perf_counter()
        naive(result, Path(tmp) / "naive.png")
        t_naive = time.perf_counter() - t
    print(f"300 dpi A4 PNG, first in process  {t_first:6.2f} s")
    best, median = min(times), statistics.median(times)
    print(f"300 dpi A4 PNG, best / median     {best:6.2f} s / {median:.2f} s")
    print(f"naive per-hexagon drawing         {t_naive:6.2f} s   ratio {t_naive / min(times):.1f}x")
    print(f"{'PASS' if max(t_first, *times) < 10 else 'FAIL'}  300 dpi A4 PNG < 10 s")


if __name__ == "__main__":
    main()
