"""The CLI verbs run end to end in a fresh process, on the libraries made for the job.

Issue 13 ran these verbs with SciPy and rasterio blocked (they were test-only oracles);
issue 20 made SciPy an app dependency again (cKDTree, scipy.sparse, csgraph), so now each
verb must load SciPy's searches, while the former exact-solver stack (spopt, PuLP), kept
only as a test cross-check, stays blocked: a lazy import of it anywhere would end the run."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import rasterio
from affine import Affine

from tests.conftest import ROOT

BLOCKED = ("spopt", "pulp")
RUN = f"""
import sys
class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED!r}:
            raise ImportError(name + " is a test-only cross-check")
sys.meta_path.insert(0, Blocked())
from reach_planner.main import main
code = main(sys.argv[1:])
leaked = sorted(m for m in sys.modules if m.split(".")[0] in {BLOCKED!r})
assert not leaked, leaked
assert "scipy.spatial" in sys.modules, "no cKDTree search ran"
sys.exit(code)
"""
SMALL = ["--outlets", "3000", "--sites", "300"]


def _run(*args: str) -> str:
    p = subprocess.run([sys.executable, "-c", RUN, *args], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return p.stdout


@pytest.fixture(scope="module")
def population_tif(tmp_path_factory):
    """A WorldPop-like raster over Sichuan (uint16, LZW, predictor 2), written by GDAL."""
    path = tmp_path_factory.mktemp("demand") / "pop.tif"
    v = np.random.default_rng(3).integers(0, 400, size=(200, 240)).astype(np.uint16)
    with rasterio.open(path, "w", driver="GTiff", height=200, width=240, count=1, dtype="uint16",
                       crs="EPSG:4326", transform=Affine(0.02, 0, 102.0, 0, -0.02, 32.0), nodata=0,
                       compress="lzw", predictor=2) as dst:
        dst.write(v, 1)
    return path


def test_summary_over_terrain_with_an_imported_population_raster(population_tif):
    out = _run("summary", *SMALL, "--distance", "terrain", "--demand", str(population_tif))
    assert "Rural coverage" in out or "rural" in out.lower()


def test_recommend_capacity_and_close(tmp_path):
    assert _run("recommend", *SMALL, "--count", "5", "--method", "exact", "--json")
    assert _run("recommend", *SMALL, "--backup", "--count", "3")
    assert _run("recommend", *SMALL, "--close", "5")
    assert _run("capacity", *SMALL, "--households", "3000")


def test_print_map_and_data_export(tmp_path):
    _run("print-map", *SMALL, "--out", str(tmp_path / "map.png"), "--dpi", "72")
    _run("export-data", *SMALL, "--out", str(tmp_path / "data"), "--format", "gpkg")
    assert (tmp_path / "map.png").stat().st_size > 10_000
    assert list((tmp_path / "data").glob("*.gpkg"))
