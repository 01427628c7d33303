"""What the per-county table costs a recompute: ``summarise`` timed with and without it.

    .venv/bin/python bench/bench_counties.py [--runs 7]

The per-county table (issue 22: about 2,850 county planning units with rural people,
covered, unreached and outlets, whole people that add up to the province and national
figures) is part of every summary, so every recompute pays for it. Printed: the best
of ``runs`` timings of the whole summary, of the county table alone, and of a full
default scenario for scale.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import best  # noqa: E402

from reach_planner.geo import summary as summary_mod  # noqa: E402
from reach_planner.geo.params import ScenarioParams  # noqa: E402
from reach_planner.geo.scenario import run_scenario  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    runs = ap.parse_args().runs
    p = ScenarioParams()
    r = run_scenario(p)  # warm: grid, demand model, county index and divisions cached
    args = (p, r.network, r.demand, r.coverage, r.gaps)
    whole = best(lambda: summary_mod.summarise(*args), runs)
    table = getattr(summary_mod, "county_table", None)
    print(f"counties: {len(r.summary.counties):,} county units, {len(r.network.outlets):,} outlets")
    print(f"summarise (with the county table): {whole * 1000:8.1f} ms (best of {runs})")
    if table is not None:
        names = summary_mod.load_china().province_names()
        alone = best(lambda: table(r.network, r.demand, r.coverage, r.gaps, names), runs)
        print(f"county table alone:                {alone * 1000:8.1f} ms")
    scen = best(lambda: run_scenario(p), max(2, runs // 3))
    print(f"default scenario end to end:       {scen * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
