"""GeoTIFF demand import: GDAL (rasterio) today against the home-made reader it replaced.

    .venv/bin/python bench/bench_geotiff.py [--size 2000] [--runs 3] [--rounds 2]

Issue 20: the import through rasterio must be no slower than 1.2x the home-made reader
(geo/geotiff.py, deleted) on 2000 x 2000 rasters. Both sides run in this one bench: the
old code is the whole package at ``OLD_REF`` (the last commit with that reader), unpacked
with ``git archive`` into a temporary folder and imported from there in a child process;
the new code is this tree, in another child process of the same kind. Each child builds
the 10 km grid first (the app caches it), then times the whole ``read_demand`` of each
file, best of ``--runs``; old and new children alternate for ``--rounds``; the totals
must agree.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# main before issue 20, when geo/geotiff.py + geotiff_keys.py read the rasters
OLD_REF = "523e9d157b8c9c26970a6b704bfd891b40e84612"

CHILD = """
import json, sys, time
import reach_planner
from reach_planner.geo.demand_io import read_demand
from reach_planner.geo.grid import build_grid
build_grid(10.0)
out = {"package": reach_planner.__file__}
t = time.perf_counter()
read_demand(sys.argv[2])
out["cold"] = time.perf_counter() - t  # the first import in a process also loads its libraries
for path in sys.argv[2:]:
    times = []
    for _ in range(int(sys.argv[1])):
        t = time.perf_counter()
        imp = read_demand(path)
        times.append(time.perf_counter() - t)
    out[path] = [min(times), imp.total, imp.inside]
print(json.dumps(out))
"""

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


def run(cwd: Path, runs: int, paths: list[Path]) -> dict:
    p = subprocess.run([sys.executable, "-c", CHILD, str(runs), *map(str, paths)], cwd=cwd,
                       capture_output=True, text=True)
    if p.returncode:
        sys.exit(p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])


def best_of(a: dict, b: dict) -> dict:
    """Per file (and for the cold start) the faster of two children's results."""
    if not a:
        return b
    out = {"package": b["package"], "cold": min(a["cold"], b["cold"])}
    for key, value in b.items():
        if isinstance(value, list):
            out[key] = min(a[key], value)
    return out


def old_tree(tmp: Path) -> Path:
    """The package at OLD_REF as ``tmp/old/reach_planner`` (a plain folder on sys.path[0])."""
    pkg = tmp / "old" / "reach_planner"
    pkg.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", OLD_REF], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(pkg)], input=archive.stdout, check=True)
    return pkg.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3, help="imports of each file per child process")
    ap.add_argument("--rounds", type=int, default=2, help="old and new child processes, alternating")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        paths = []
        for k, options in enumerate(FILES.values()):
            paths.append(tmp / f"pop{k}.tif")
            write(paths[-1], args.size, options)
        old_cwd, old, new = old_tree(tmp), {}, {}
        for _ in range(args.rounds):  # alternate, so a busy spell on the machine hits both sides
            old = best_of(old, run(old_cwd, args.runs, paths))
            new = best_of(new, run(tmp, args.runs, paths))
        assert old["package"].startswith(str(tmp / "old")) and not new["package"].startswith(str(tmp / "old"))
        print(f"{args.size} x {args.size} pixels, whole demand import (10 km grid), best of {args.runs} x "
              f"{args.rounds} rounds")
        print(f"{'file':42s} {'old':>8s} {'rasterio':>9s} {'ratio':>6s}  MB")
        for name, path in zip(FILES, paths):
            (t_old, total_old, _), (t_new, total_new, _) = old[str(path)], new[str(path)]
            assert abs(total_old - total_new) <= 1e-9 * total_old, (name, total_old, total_new)
            print(f"{name:42s} {t_old * 1000:6.0f}ms {t_new * 1000:7.0f}ms {t_new / t_old:5.2f}x "
                  f"{path.stat().st_size / 1e6:4.1f}")
        print(f"{'first import in a process (loads libraries)':42s} {old['cold'] * 1000:6.0f}ms "
              f"{new['cold'] * 1000:7.0f}ms {new['cold'] / old['cold']:5.2f}x")


if __name__ == "__main__":
    main()
