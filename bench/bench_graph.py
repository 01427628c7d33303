"""scipy.sparse / csgraph out of the app (issue 13): ours against scipy, same run, real sizes.

    .venv/bin/python bench/bench_graph.py [--runs 3] [--no-jobs]

In process (default scenario, best of ``runs``): the terrain search over the 10 km hex
graph (1.3 million edges) from every outlet and from 300; the gap regions' components;
the capacity max flow at several C; the siting kernels (cover @ w, the dominance test of
the reduction). Then whole jobs in fresh processes, alternating: ``run_scenario``
(the start-up path), recommendations and capacity, with the code before the change
(commit ``SCIPY_COMMIT``, unpacked from git) as the reference.
"""
from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra, maximum_flow

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCIPY_COMMIT = "07c83ae"  # main before scipy.sparse left the app

from timing import best  # noqa: E402

from reach_planner.geo.graph import bipartite_max_flow, components  # noqa: E402
from reach_planner.geo.params import ScenarioParams  # noqa: E402
from reach_planner.geo.scenario import run_scenario  # noqa: E402
from reach_planner.geo.siting.capacity import households  # noqa: E402
from reach_planner.geo.siting.problem import build_problem, coverage_matrix  # noqa: E402
from reach_planner.geo.terrain import terrain_graph  # noqa: E402

JOB = """
import sys, time
sys.path[:0] = {path!r}
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.siting.capacity import capacity
from reach_planner.geo.siting.problem import build_problem
from reach_planner.geo.siting.solve import solve
import reach_planner
assert reach_planner.__file__.startswith({root!r}), reach_planner.__file__
out = []
t = time.perf_counter(); r = run_scenario(ScenarioParams()); out.append(time.perf_counter() - t)
t = time.perf_counter(); run_scenario(ScenarioParams(distance="terrain")); out.append(time.perf_counter() - t)
p = build_problem(r)
for k, method in ((100, "greedy"), (100, "certified")):
    t = time.perf_counter(); solve(p, k, method); out.append(time.perf_counter() - t)
q = build_problem(r, province=54)
t = time.perf_counter(); solve(q, 30, "exact"); out.append(time.perf_counter() - t)
t = time.perf_counter(); capacity(r, 5000); out.append(time.perf_counter() - t)
print(*out)
"""
JOBS = ("run_scenario (default, start-up path)", "run_scenario (terrain distance)",
        "recommend national K=100 greedy", "recommend national K=100 certified",
        "recommend Tibet K=30 exact", "capacity C=5000")


def row(name: str, ours: float, theirs: float) -> None:
    print(f"{name:46}{ours:>10.4f} s{theirs:>10.4f} s{theirs / ours:>8.2f}x")


def scipy_matrix(c) -> sparse.csr_matrix:
    return sparse.csr_matrix((np.ones(c.nnz, dtype=bool), c.indices, c.indptr), shape=c.shape)


def terrain(result, runs: int) -> None:
    tg = terrain_graph(result.params.cell_km)
    o = result.network.outlets
    lon, lat = o["lon"].to_numpy(float), o["lat"].to_numpy(float)
    terrain_case(tg, lon, lat, "all", runs)
    terrain_case(tg, lon[:300], lat[:300], "300", runs)


def terrain_case(tg, lon: np.ndarray, lat: np.ndarray, label: str, runs: int) -> None:
    """The search alone: the starts come from one real ``tg.distance`` call."""
    n = tg.grid.size
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    search = tg._graph.distances
    tg._graph.__dict__["distances"] = lambda w, start: seen.append((w, start.copy())) or search(w, start)
    tg.distance(lon, lat)
    del tg._graph.__dict__["distances"]
    w, start = seen[0]
    hit = np.flatnonzero(np.isfinite(start))

    def old() -> np.ndarray:
        rows = np.concatenate([tg._src, np.full(len(hit), n)])
        cols = np.concatenate([tg._dst, hit])
        g = sparse.csr_matrix(sparse.coo_matrix((np.concatenate([w, start[hit]]), (rows, cols)),
                                                shape=(n + 1, n + 1)))
        return dijkstra(g, directed=False, indices=n)[:n]

    same = np.array_equal(search(w, start), old())
    row(f"terrain search, {label} outlets ({len(hit):,} starts)", best(lambda: search(w, start), runs),
        best(old, runs))
    print(f"{'':46}identical to scipy: {same}")


def gaps(result, runs: int) -> None:
    g = result.demand.grid
    src, dst = g.neighbour_pairs(result.gaps.is_gap)
    same = g.gb_code[src] == g.gb_code[dst]
    src, dst, n = src[same], dst[same], g.size

    def old():
        adj = sparse.coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
        return connected_components(adj, directed=False)[1]

    row(f"gap components ({len(src):,} edges)", best(lambda: components(n, src, dst), runs), best(old, runs))
    print(f"{'':46}identical to scipy: {np.array_equal(components(n, src, dst)[1], old())}")


def flow(result, runs: int) -> None:
    d, g, o = result.demand, result.demand.grid, result.network.outlets
    covered = np.flatnonzero((d.rural > 0) & (result.coverage.dist_outlet_km <= result.params.radius_km))
    hh = households(d.rural[covered])
    reach = coverage_matrix(g.lon[covered], g.lat[covered], o["lon"].to_numpy(float), o["lat"].to_numpy(float),
                            result.params.radius_km)
    s, t, nl, nr = reach.row_ids, reach.indices, len(hh), len(o)
    for c in (500, 2000, 5000, 10000, 50000):
        def old(c=c):
            size = nl + nr + 2
            rows = np.concatenate([np.zeros(nl, np.int64), 1 + s, 1 + nl + np.arange(nr)])
            cols = np.concatenate([1 + np.arange(nl), 1 + nl + t, np.full(nr, size - 1)])
            caps = np.concatenate([hh, hh[s], np.full(nr, c)]).astype(np.int32)
            return maximum_flow(sparse.csr_matrix((caps, (rows, cols)), shape=(size, size)), 0, size - 1)

        same = bipartite_max_flow(hh, s, t, np.full(nr, c)).sum() == old().flow_value
        row(f"max flow C={c:,} ({reach.nnz:,} edges)", best(lambda c=c: bipartite_max_flow(hh, s, t, np.full(nr, c)),
                                                            runs), best(old, runs))
        print(f"{'':46}same total as scipy: {same}")


def siting(result, runs: int) -> None:
    p = build_problem(result)
    c, theirs = p.cover, scipy_matrix(p.cover).astype(np.float64)
    w = p.people
    reps = 50
    row(f"cover @ w x{reps} ({c.shape[0]:,} x {c.shape[1]:,}, {c.nnz:,})",
        best(lambda: [c @ w for _ in range(reps)], runs), best(lambda: [theirs @ w for _ in range(reps)], runs))
    print(f"{'':46}bit-identical: {np.array_equal(c @ w, theirs @ w)}")
    ints = theirs.astype(np.int32)
    row("dominance (contained_in vs A @ A.T)", best(c.contained_in, runs), best(lambda: (ints @ ints.T).tocoo(), runs))


def unpack(tmp: Path) -> Path | None:
    try:
        tar = subprocess.run(["git", "-C", str(ROOT), "archive", SCIPY_COMMIT], capture_output=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(tmp / "reach_planner", filter="data")
    return tmp


def job(path: Path | None) -> list[float]:
    code = JOB.format(path=[str(path)] if path else [], root=str(path or ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(path or ROOT))
    return [float(x) for x in out.stdout.split()]


def jobs(runs: int) -> None:
    ours, old = [], []
    with tempfile.TemporaryDirectory() as tmp:
        before = unpack(Path(tmp))
        if before is None:
            print(f"reference: git archive {SCIPY_COMMIT} failed (no git checkout?)")
            return
        for _ in range(runs):
            old.append(job(before))
            ours.append(job(None))
    print(f"\nwhole jobs, fresh processes, median of {runs}; scipy = commit {SCIPY_COMMIT}")
    print(f"{'':46}{'ours':>12}{'scipy':>12}{'ratio':>9}")
    for i, name in enumerate(JOBS):
        row(name, statistics.median(r[i] for r in ours), statistics.median(r[i] for r in old))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-jobs", action="store_true", help="only the in-process comparisons")
    args = ap.parse_args()
    result = run_scenario(ScenarioParams())
    print(f"in process, best of {args.runs}; ratio = scipy / ours (> 1: ours faster)")
    print(f"{'':46}{'ours':>12}{'scipy':>12}{'ratio':>9}")
    terrain(result, args.runs)
    gaps(result, args.runs)
    flow(result, args.runs)
    siting(result, args.runs)
    if not args.no_jobs:
        jobs(args.runs)


if __name__ == "__main__":
    main()
