"""Siting figures for the README, measured (issue 21): greedy, certified, time-limited exact
and plain HiGHS side by side with the problem size, national K = 500, 1,000, 2,000; the
terrain after-figure against a re-run; backup re-counted against its bound; relocate
against adding; province runs split in-province / across the border.

    .venv/bin/python bench/bench_siting.py [--quick] [--limit SECONDS] [--write-readme]

``--write-readme`` replaces the block between ``<!-- bench_siting:begin -->`` and
``<!-- bench_siting:end -->`` in README.md with this run's table (so the figures follow
the demand model: re-run after it changes). ``--quick``: K = 500 only, 20 s limits;
``--limit``: the time limit of certified, exact and plain HiGHS (default 60 s).
Plain HiGHS = the textbook MCLP through ``scipy.optimize.milp`` on the unreduced
problem, no warm start, no reduction (what a planner would write first).
"""
from __future__ import annotations

import multiprocessing
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

ROOT = Path(__file__).resolve().parent.parent

from reach_planner.geo.params import ScenarioParams  # noqa: E402
from reach_planner.geo.recommend import RecommendParams, accept, recommend  # noqa: E402
from reach_planner.geo.scenario import run_scenario  # noqa: E402
from reach_planner.geo.siting import decisions  # noqa: E402
from reach_planner.geo.siting.backup import backed_up, recommend_backup  # noqa: E402
from reach_planner.geo.siting.problem import build_problem, reduce  # noqa: E402

BEGIN, END = "<!-- bench_siting:begin -->", "<!-- bench_siting:end -->"


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def plain_milp(problem, count: int, seconds: float) -> tuple[float, float, str]:
    n, m = problem.cover.shape
    cover = problem.cover.astype(float)
    a = sparse.vstack([sparse.hstack([-cover.T, sparse.identity(m)]),
                       sparse.hstack([sparse.csr_matrix(np.ones((1, n))), sparse.csr_matrix((1, m))])])
    res = milp(np.concatenate([np.zeros(n), -problem.people]),
               constraints=LinearConstraint(a.tocsr(), -np.inf, np.r_[np.zeros(m), count]),
               integrality=np.r_[np.ones(n), np.zeros(m)], bounds=Bounds(0, 1),
               options={"time_limit": seconds, "mip_rel_gap": 1e-4})
    value = -res.fun if res.x is not None else float("nan")
    dual = getattr(res, "mip_dual_bound", None)
    return value, float("nan") if dual is None else -dual, res.message.split(".")[0].split("(")[0].strip()


def _plain_child(problem, count: int, seconds: float, out) -> None:
    out.put(plain_milp(problem, count, seconds))


def plain_in_child(problem, count: int, seconds: float) -> tuple[float, float, str]:
    """Plain HiGHS in a child process, stopped at twice its limit + 30 s: HiGHS checks its
    time limit between stages, and its MIP presolve on the national problem can run far
    past it (1,550 s for a 20 s limit was measured)."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_plain_child, args=(problem, count, seconds, out))
    child.start()
    child.join(2 * seconds + 30)
    if child.is_alive():
        child.terminate()
        child.join()
        return float("nan"), float("nan"), "stopped, no answer"
    return out.get() if not out.empty() else (float("nan"), float("nan"), "failed")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


def fmt(v: float) -> str:
    return "–" if v != v else f"{v:,.0f}"


def national(result, counts, limit: float) -> list[str]:
    nat = build_problem(result)
    small, _keep, stats = reduce(nat)
    rows = [f"National problem: {nat.cover.shape[0]:,} candidates × {nat.cover.shape[1]:,} gap cells "
            f"({nat.cover.nnz:,} pairs), reduced to {small.cover.shape[0]:,} × {small.cover.shape[1]:,}.",
            "",
            "| K | greedy (gap, s) | certified (bound, gap, s) | exact, " + f"{limit:g} s limit (bound, gap, s)"
            + f" | plain HiGHS, {limit:g} s limit (bound, s; certified ÷ plain) | load |",
            "|---|---|---|---|---|---|"]
    for k in counts:
        before = load()
        g, tg = timed(lambda k=k: recommend(result, RecommendParams(count=k, method="greedy")))
        c, tc = timed(lambda k=k: recommend(result, RecommendParams(count=k, method="certified",
                                                                    time_limit=limit)))
        e, te = timed(lambda k=k: recommend(result, RecommendParams(count=k, method="exact",
                                                                    time_limit=limit)))
        (pv, pb, msg), tp = timed(lambda k=k: plain_in_child(nat, k, limit))
        ratio = f"{c.newly_covered / pv:.4f}" if pv == pv and pv > 0 else "–"
        plain = f"{fmt(pv)} (≤ {fmt(pb)}, {tp:.1f} s; {ratio})" if pv == pv else f"{msg} ({tp:.0f} s)"
        rows.append(f"| {k:,} | {g.newly_covered:,} ({g.gap_pct:.2f}%, {tg:.1f} s) "
                    f"| **{c.newly_covered:,}** (≤ {c.bound:,.0f}, {c.gap_pct:.3f}%, {tc:.1f} s, {c.status}) "
                    f"| {e.newly_covered:,} (≤ {e.bound:,.0f}, {e.gap_pct:.3f}%, {te:.1f} s) "
                    f"| {plain} | {before} → {load()} |")
        print(rows[-1], flush=True)
    return rows


def terrain_check(count: int) -> list[str]:
    ter = run_scenario(ScenarioParams(distance="terrain"))
    rec, t = timed(lambda: recommend(ter, RecommendParams(count=count, method="certified")))
    again = run_scenario(ter.params, network=accept(ter.network, rec)).summary.rural_covered
    return [f"Over terrain, national K = {count}: {rec.newly_covered:,} newly covered "
            f"({rec.pct_before:.2f}% → {rec.pct_after:.2f}%, gap {rec.gap_pct:.3f}%, {t:.1f} s); "
            f"after {rec.covered_after:,}, a terrain re-run with the picks added: {again:,}."]


def backup_check(result, count: int) -> list[str]:
    b, t = timed(lambda: recommend_backup(result, count))
    extra = (b.sites["lon"].to_numpy(float), b.sites["lat"].to_numpy(float))
    again = round(backed_up(result, extra=extra))
    return [f"Backup, K = {count}: {b.backed_up_after - b.backed_up_before:,} more people backed up "
            f"({b.pct_before:.2f}% → {b.pct_after:.2f}%), re-counted after {again:,} = reported "
            f"{b.backed_up_after:,}; proven bound {b.solution.bound:,.0f} (gap {b.solution.gap_pct:.2f}%), "
            f"{t:.1f} s."]


def relocate_check(result, count: int) -> list[str]:
    r, t = timed(lambda: decisions.relocate(result, count))
    add = recommend(result, RecommendParams(count=count, method="certified"))
    return [f"Relocate {count}: net +{r.net_gain:,} ({r.closure.lost:,} lost; proven ≤ {r.net_bound:,}, "
            f"{t:.1f} s); adding {count} outlets: +{add.newly_covered:,}."]


def province_split(result) -> list[str]:
    out = []
    for code, name, k in ((64, "Ningxia", 10), (63, "Qinghai", 30)):
        rec = recommend(result, RecommendParams(count=k, province=code, method="certified"))
        out.append(f"{name}, K = {k}: {rec.newly_covered:,} newly covered, "
                   f"{rec.newly_covered_in_province:,} in the province, "
                   f"{rec.newly_covered_across_border:,} across its border.")
    return out


def write_readme(lines: list[str]) -> None:
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    block = "\n".join([BEGIN, *lines, END])
    new, n = re.subn(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    if n != 1:
        raise SystemExit(f"README.md: expected one {BEGIN} … {END} block, found {n}")
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(path)
    print(f"wrote {path}")


def main() -> None:
    quick = "--quick" in sys.argv
    limit = 20.0 if quick else 60.0
    if "--limit" in sys.argv:
        limit = float(sys.argv[sys.argv.index("--limit") + 1])
    result = run_scenario()
    lines = national(result, (500,) if quick else (500, 1000, 2000), limit)
    lines.append("")
    for extra in (terrain_check(100), backup_check(result, 100), relocate_check(result, 200),
                  province_split(result)):
        for line in extra:
            print(line, flush=True)
            lines += [f"- {line}"]
    if "--write-readme" in sys.argv:
        write_readme(lines)
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
