"""Demand model sanity table (issue 22): before (v2: GeoNames places only, no rural cap)
and after (v3: official division seats, rural density and share caps), in one run.

    .venv/bin/python bench/bench_demand_sanity.py [--before-rev 523e9d1]

"Before" rebuilds model v2 from the ``places.csv`` of ``--before-rev`` (read with
``git show``) with the rural caps off; "after" is the shipped model. Figures: largest
rural people per km2 in any cell, cells above 2,000 per km2, the largest share of its
province's rural people one cell holds, urban people (and urban share) within 12 km of
four city centres, and the largest deviation of a province's sums from the census.
"""
from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reach_planner.geo.data import load_census  # noqa: E402
from reach_planner.geo.demand import Demand, build_demand, rural_and_urban  # noqa: E402
from reach_planner.geo.demand_figures import sanity_figures  # noqa: E402
from reach_planner.geo.grid import build_grid  # noqa: E402
from reach_planner.geo.relief import load_relief  # noqa: E402


def before(rev: str) -> Demand:
    text = subprocess.run(["git", "show", f"{rev}:resources/data/places.csv"], cwd=ROOT,
                          check=True, capture_output=True, text=True).stdout
    places = pd.read_csv(io.StringIO(text), dtype={"name": str, "name_zh": str, "feature_code": str},
                         keep_default_na=False)
    places["population"] = places["population"].astype(np.int64)
    census = load_census()
    codes = census["gb_code"].astype(int)
    grid = build_grid(10.0)
    rural, urban = rural_and_urban(grid, places, load_relief(), dict(zip(codes, census["rural_pop"])),
                                   dict(zip(codes, census["urban_pop"])), cap=False)
    return Demand(grid=grid, rural=rural, urban=urban)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before-rev", default="523e9d1")
    args = ap.parse_args()
    old, new = sanity_figures(before(args.before_rev)), sanity_figures(build_demand(10.0))
    print(f"{'figure (10 km grid)':<42}{'before (v2)':>16}{'after (v3)':>16}")
    for key in new:
        print(f"{key:<42}{old[key]:>16,}{new[key]:>16,}")


if __name__ == "__main__":
    main()
