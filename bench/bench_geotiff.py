"""GeoTIFF reading without GDAL: geo/geotiff.py against rasterio on the same files.

    .venv/bin/python bench/bench_geotiff.py [--size 2000] [--runs 5]

Target (issue 13, desktop bundle): reading a 2000 x 2000 float32 LZW population raster is
not much slower than rasterio, which the bundle no longer carries. Both read the whole band
in 512-row windows, as the demand import does; best of ``--runs``. Also the cost of the
whole demand import of that file (not compared: rasterio is no longer wired into it).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILES = {  # name: rasterio creation options
    "float32 LZW predictor 3, strips": {"compress": "lzw", "predictor": 3},
    "float32 LZW no predictor, strips": {"compress": "lzw"},
    "float32 Deflate predictor 2, 256 tiles": {"compress": "deflate", "predictor": 2, "tiled": True,
                                               "blockxsize": 256, "blockysize": 256},
    "float32 uncompressed, strips": {},
    "uint16 LZW predictor 2, strips": {"compress": "lzw", "predictor": 2, "dtype": "uint16"},
}


def write(path: Path, size: int, options: dict) -> None:
    import rasterio
    from affine import Affine

    options = dict(options)
    dtype = options.pop("dtype", "float32")
    rng = np.random.default_rng(0)
    y, x = np.mgrid[:size, :size] / size
    v = 500 * np.exp(-((x - 0.4) ** 2 + (y - 0.6) ** 2) * 8) * rng.lognormal(0, 0.5, (size, size))
    v[rng.random((size, size)) < 0.3] = 0  # empty land, as in WorldPop
    with rasterio.open(path, "w", driver="GTiff", height=size, width=size, count=1, dtype=dtype,
                       crs="EPSG:4326", transform=Affine(0.008333, 0, 100, 0, -0.008333, 40),
                       nodata=0 if dtype == "uint16" else -99999.0, **options) as dst:
        dst.write(v.astype(dtype), 1)


def read_rasterio(path: Path) -> float:
    import rasterio
    from rasterio.windows import Window

    total = 0.0
    with rasterio.open(path) as src:
        for row0 in range(0, src.height, 512):
            total += float(src.read(1, window=Window(0, row0, src.width, min(512, src.height - row0))).sum())
    return total


def read_ours(path: Path) -> float:
    from reach_planner.geo.geotiff import GeoTiff

    total = 0.0
    with GeoTiff(path) as src:
        for row0 in range(0, src.height, 512):
            total += float(src.read(row0, 512).sum())
    return total


def best(fn, path: Path, runs: int) -> tuple[float, float]:
    times, result = [], 0.0
    for _ in range(runs):
        t = time.perf_counter()
        result = fn(path)
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{args.size} x {args.size} pixels, whole band in 512-row windows, best of {args.runs}")
        print(f"{'file':42s} {'ours':>8s} {'rasterio':>9s} {'ratio':>6s}  MB")
        for name, options in FILES.items():
            path = Path(tmp) / "pop.tif"
            write(path, args.size, options)
            ours, a = best(read_ours, path, args.runs)
            theirs, b = best(read_rasterio, path, args.runs)
            assert a == b, (a, b)  # the same pixels
            print(f"{name:42s} {ours * 1000:6.0f}ms {theirs * 1000:7.0f}ms {ours / theirs:5.2f}x "
                  f"{path.stat().st_size / 1e6:4.1f}")
        path = Path(tmp) / "pop.tif"
        write(path, args.size, FILES["float32 LZW predictor 3, strips"])
        from reach_planner.geo.demand_io import read_demand
        from reach_planner.geo.grid import build_grid

        build_grid(10.0)  # the grid is cached in the app; time the import itself
        t = time.perf_counter()
        imp = read_demand(path)
        print(f"whole demand import of the LZW file (10 km grid): {time.perf_counter() - t:.2f} s, "
              f"{imp.rows_read:,} valid pixels")


if __name__ == "__main__":
    main()
