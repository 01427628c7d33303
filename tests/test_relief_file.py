"""The bundled relief (issue 20 item 3): a plain .npy on the ETOPO5 lattice, no netCDF reader."""
from __future__ import annotations

import numpy as np

from reach_planner.geo.relief import RELIEF_FILE, load_relief


def test_relief_lattice_and_values():
    r = load_relief()
    assert RELIEF_FILE.suffix == ".npy" and r.elevation.dtype == np.int16
    assert r.elevation.shape == (len(r.lat), len(r.lon)) == (439, 751)
    assert r.bounds == (73.0, 17.5, 135.5, 54.0) and abs(r.step - 1.0 / 12.0) < 1e-12
    assert not r.elevation.flags.writeable
    everest, sea, sichuan_basin = (r.sample(np.array([lon]), np.array([lat]))[0]
                                   for lon, lat in ((86.925, 27.99), (125.0, 20.0), (105.0, 30.5)))
    assert everest > 5500 and sea < -3000 and 200 < sichuan_basin < 800


def test_the_build_script_writes_the_same_lattice():
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("build_resources", ROOT / "resources/tools/build_resources.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    r = load_relief()
    assert (mod.RELIEF_LON, mod.RELIEF_LAT) == ((r.lon[0], r.lon[-1]), (r.lat[0], r.lat[-1]))
    assert abs(mod.ETOPO5_STEP - r.step) < 1e-12
