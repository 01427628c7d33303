"""A China-wide 100 m population raster imported with bounded memory (issue 20 item 1).

    .venv/bin/python bench/bench_raster_big.py [--width 48000] [--height 36000] [--keep FILE]

Writes a 48,000 x 36,000 float32 GeoTIFF over China's extent (~0.0013 x 0.001 degree
pixels, about 100-130 m, like WorldPop's 100 m grids): tiled 512 x 512, Deflate, sparse,
mostly nodata; populated tiles (about one in six of those whose centre is in China) hold
lognormal people counts. Then imports it with the app's ``read_demand`` in a fresh
process and prints wall time and that process's peak RSS (``ru_maxrss``): the target is
<= 1.5 GB. The raster declares 6.9 GB of float32 samples, above the default decoded-size
limit (2 GB), so the import runs with ``REACH_PLANNER_MAX_DECODED_MB=8192``, as a planner
with a genuine file of that size would.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEST, NORTH, EAST, SOUTH = 73.5, 53.6, 135.1, 17.6
TILE = 512
NODATA = -99999.0

CHILD = """
import json, resource, sys, time
t = time.perf_counter()
from reach_planner.geo.demand_io import read_demand
imp = read_demand(sys.argv[1])
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_rss": peak, "total": imp.total, "inside": imp.inside,
                  "outside": imp.outside, "valid": imp.rows_read}))
"""


def write(path: Path, width: int, height: int) -> tuple[int, float]:
    """The raster, tile by tile; returns (populated tiles, total people)."""
    import rasterio
    from affine import Affine
    from rasterio.windows import Window

    from reach_planner.geo.grid import province_of

    dx, dy = (EAST - WEST) / width, (NORTH - SOUTH) / height
    rng = np.random.default_rng(0)
    tiles_x, tiles_y = -(-width // TILE), -(-height // TILE)
    ty, tx = np.mgrid[:tiles_y, :tiles_x]
    lon, lat = WEST + (tx.ravel() + 0.5) * TILE * dx, NORTH - (ty.ravel() + 0.5) * TILE * dy
    in_china = province_of(lon, lat) > 0
    chosen = np.flatnonzero(in_china & (rng.random(in_china.size) < 1 / 6))
    total = 0.0
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=1, dtype="float32",
                       crs="EPSG:4326", transform=Affine(dx, 0, WEST, 0, -dy, NORTH), nodata=NODATA,
                       tiled=True, blockxsize=TILE, blockysize=TILE, compress="deflate", zlevel=1,
                       sparse_ok=True, bigtiff="yes") as dst:
        for k in chosen:
            r, c = divmod(int(k), tiles_x)
            h, w = min(TILE, height - r * TILE), min(TILE, width - c * TILE)
            v = rng.lognormal(0.0, 1.0, (h, w)).astype(np.float32)
            v[rng.random((h, w)) < 0.5] = NODATA  # half the pixels of a populated tile are empty
            total += float(v[v != NODATA].sum(dtype=np.float64))
            dst.write(v, 1, window=Window(c * TILE, r * TILE, w, h))
    return len(chosen), total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, default=48_000)
    ap.add_argument("--height", type=int, default=36_000)
    ap.add_argument("--keep", type=Path, help="write the raster here and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "china_100m.tif"
        t = time.perf_counter()
        tiles, total = write(path, args.width, args.height)
        print(f"raster: {args.width:,} x {args.height:,} float32 ({args.width * args.height * 4 / 2**30:.1f} GB "
              f"decoded), {tiles:,} populated 512 x 512 tiles, {path.stat().st_size / 1e6:,.0f} MB on disk, "
              f"written in {time.perf_counter() - t:.0f} s")
        env = {**os.environ, "REACH_PLANNER_MAX_DECODED_MB": "8192"}
        p = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, env=env,
                           cwd=ROOT)
        if p.returncode:
            sys.exit(p.stderr)
        r = json.loads(p.stdout.strip().splitlines()[-1])
        ok = "within" if r["peak_rss"] <= 1.5 * 2**30 else "ABOVE"
        print(f"import: {r['seconds']:.1f} s, peak RSS {r['peak_rss'] / 2**30:.2f} GB ({ok} the 1.5 GB target); "
              f"{r['valid']:,} valid pixels, total {r['total']:,.0f} (written {total:,.0f}), "
              f"{r['inside']:,.0f} inside the 31 provinces, {r['outside']:,.0f} outside")


if __name__ == "__main__":
    main()
