"""The app's nearest-point searches at their real sizes: ``geo.nearest`` vs scipy's cKDTree.

    .venv/bin/python bench/bench_nearest.py [--runs 5]

Each row is one search the app makes on the default scenario (108,266 cells of 10 km,
17,000 outlets, 2,800 sites, 15,953 places), timed in this process, best of ``runs``,
index build included; cKDTree on one thread and as the app called it (two workers
for big queries, two threads for the nearness pairs). Every row also checks that both
give the same answer (distances, and indices up to co-located points).
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
from scipy.spatial import cKDTree  # noqa: E402  (the reference, test-only dependency)
from timing import best  # noqa: E402

from reach_planner.geo.data import load_china  # noqa: E402
from reach_planner.geo.demand import CUTOFF_KM, urban_size  # noqa: E402
from reach_planner.geo.nearest import PointIndex  # noqa: E402
from reach_planner.geo.params import ScenarioParams  # noqa: E402
from reach_planner.geo.scenario import run_scenario  # noqa: E402
from reach_planner.geo.sphere import km_to_chord, km_to_chords, to_xyz  # noqa: E402


def cases() -> list[tuple[str, Callable, Callable, Callable, Callable]]:
    """(name, ours, cKDTree one thread, cKDTree as the app ran it, same-answer check)."""
    r = run_scenario(ScenarioParams())
    g, o, s = r.demand.grid, r.network.outlets, r.network.sites
    places = load_china().places
    cells = g.xyz
    out = to_xyz(o["lon"].to_numpy(), o["lat"].to_numpy())
    sit = to_xyz(s["lon"].to_numpy(), s["lat"].to_numpy())
    pla = to_xyz(places["lon"].to_numpy(), places["lat"].to_numpy())
    rows = []

    def nearest(name: str, data: np.ndarray, q: np.ndarray, workers: int = -1) -> None:
        rows.append((name, lambda: PointIndex(data).nearest(q),
                     lambda: cKDTree(data).query(q, workers=1),
                     lambda: cKDTree(data).query(q, workers=workers),
                     lambda a, b: np.array_equal(a[0], b[0]) and np.array_equal(data[a[1]], data[b[1]])))

    nearest(f"cells -> nearest outlet ({len(cells)} x {len(out)})", out, cells)
    nearest(f"cells -> nearest site ({len(cells)} x {len(sit)})", sit, cells)
    chord = km_to_chord(CUTOFF_KM)

    def two_threads() -> object:
        """As the app ran it: the cells in two halves, each on its own thread."""
        tree = cKDTree(pla, balanced_tree=False, compact_nodes=False)
        half = len(cells) // 2
        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(lambda x: cKDTree(x, balanced_tree=False, compact_nodes=False)
                                 .sparse_distance_matrix(tree, chord, output_type="ndarray"),
                                 (cells[:half], cells[half:])))

    rows.append((f"cells x places within 45 km ({len(cells)} x {len(pla)})",
                 lambda: PointIndex(pla).within(cells, chord),
                 lambda: cKDTree(cells).sparse_distance_matrix(cKDTree(pla), chord, output_type="ndarray"),
                 two_threads,
                 lambda a, b: len(a.q) == len(b)))
    far = cells[~PointIndex(pla).nearest(cells, bound=chord * 1.000001)[0].__le__(chord)]
    nearest(f"far cells -> nearest place ({len(far)} x {len(pla)})", pla, far, workers=1)
    size = urban_size(places)
    gb = places["gb_code"].to_numpy()
    sel = np.flatnonzero((size > 0) & np.isin(gb, g.gb_code))
    reach = km_to_chords(1.5 * np.sqrt(size[sel] / (np.pi * 8000.0)))
    big = reach > km_to_chord(g.spacing_km / 2)
    c4 = np.column_stack([cells, 4.0 * g.gb_code])
    p4 = np.column_stack([pla[sel], 4.0 * gb[sel]])
    rows.append((f"places -> own-province cells, footprints ({len(sel)} x {len(cells)})",
                 lambda: (PointIndex(cells, g.gb_code).nearest(pla[sel], gb[sel]),
                          PointIndex(cells, g.gb_code).within(pla[sel][big], reach[big], gb[sel][big], sort=True)),
                 lambda: (cKDTree(c4).query(p4), cKDTree(c4).query_ball_point(p4[big], reach[big])),
                 lambda: (cKDTree(c4).query(p4), cKDTree(c4).query_ball_point(p4[big], reach[big])),
                 lambda a, b: np.array_equal(a[0][0], b[0][0])
                 and sum(map(len, b[1])) == len(a[1].q)))
    s_gb, o_gb = s["gb_code"].to_numpy(), o["gb_code"].to_numpy()
    own = np.isin(o_gb, s_gb)
    s4 = np.column_stack([sit, 4.0 * s_gb])
    o4 = np.column_stack([out[own], 4.0 * o_gb[own]])
    rows.append((f"outlets -> own-province site ({own.sum()} x {len(sit)})",
                 lambda: PointIndex(sit, s_gb).nearest(out[own], o_gb[own]),
                 lambda: cKDTree(s4).query(o4, workers=1), lambda: cKDTree(s4).query(o4, workers=1),
                 lambda a, b: np.array_equal(a[0], b[0])))
    start = km_to_chord(2 * g.spacing_km)
    rows.append((f"terrain: outlets -> cells within 20 km + nearest ({len(out)} x {len(cells)})",
                 lambda: (PointIndex(cells).within(out, start), PointIndex(cells).nearest(out)),
                 lambda: (cKDTree(cells).query_ball_point(out, start), cKDTree(cells).query(out)),
                 lambda: (cKDTree(cells).query_ball_point(out, start), cKDTree(cells).query(out)),
                 lambda a, b: len(a[0].q) == sum(map(len, b[0])) and np.array_equal(a[1][0], b[1][0])))
    r30 = km_to_chord(30.0)
    rows.append((f"backup: outlets within 30 km of each cell ({len(cells)} x {len(out)})",
                 lambda: PointIndex(out).count_within(cells, r30),
                 lambda: cKDTree(out).query_ball_point(cells, r30, return_length=True),
                 lambda: cKDTree(out).query_ball_point(cells, r30, return_length=True),
                 lambda a, b: np.array_equal(a, b)))
    rows.append((f"within 30 km of an outlet ({len(cells)} x {len(out)})",
                 lambda: PointIndex(out).nearest(cells, bound=r30 * 1.000001),
                 lambda: cKDTree(out).query(cells, distance_upper_bound=r30 * 1.000001, workers=1),
                 lambda: cKDTree(out).query(cells, distance_upper_bound=r30 * 1.000001, workers=-1),
                 lambda a, b: np.array_equal(a[0], b[0])))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; best of {args.runs}, seconds")
    print(f"{'':72}{'ours':>8}{'cKDTree 1':>11}{'as app':>9}{'ratio 1':>9}{'ratio app':>10}  same")
    tot = [0.0, 0.0, 0.0]
    for name, ours, one, app, same in cases():
        t = [best(ours, args.runs), best(one, args.runs), best(app, args.runs)]
        tot = [a + b for a, b in zip(tot, t)]
        print(f"{name:72}{t[0]:>8.4f}{t[1]:>11.4f}{t[2]:>9.4f}{t[1] / t[0]:>8.2f}x{t[2] / t[0]:>9.2f}x"
              f"  {bool(same(ours(), one()))}")
    print(f"{'total':72}{tot[0]:>8.4f}{tot[1]:>11.4f}{tot[2]:>9.4f}{tot[1] / tot[0]:>8.2f}x"
          f"{tot[2] / tot[0]:>9.2f}x")


if __name__ == "__main__":
    main()
