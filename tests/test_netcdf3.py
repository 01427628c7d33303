"""geo/netcdf3.py against scipy.io.netcdf_file (the reader it replaces; SciPy is test-only)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.io import netcdf_file

from reach_planner.geo.netcdf3 import NetCDFError, read_netcdf3
from reach_planner.geo.relief import RELIEF_FILE, load_relief


def _same_as_scipy(path) -> None:
    ours = read_netcdf3(path)
    with netcdf_file(path, "r", mmap=False) as f:
        assert ours.dimensions == f.dimensions
        assert set(ours.attributes) == set(f._attributes)
        for name, value in f._attributes.items():
            assert np.array_equal(ours.attributes[name], value) and type(ours.attributes[name]) is type(value)
        assert list(ours.variables) == list(f.variables)
        for name, var in f.variables.items():
            got = ours.variables[name]
            assert got.dimensions == var.dimensions
            assert got.data.dtype == var.data.dtype and got.data.shape == var.data.shape
            assert np.array_equal(got.data, var.data, equal_nan=var.data.dtype.kind == "f")
            assert set(got.attributes) == set(var._attributes)
            for key, value in var._attributes.items():
                assert np.array_equal(got.attributes[key], value)


def test_the_bundled_relief_reads_as_scipy_reads_it():
    _same_as_scipy(RELIEF_FILE)
    r = load_relief()
    with netcdf_file(RELIEF_FILE, "r", mmap=False) as f:
        assert np.array_equal(r.elevation, f.variables["elevation"].data)
        assert np.array_equal(r.lon, f.variables["lon"].data) and np.array_equal(r.lat, f.variables["lat"].data)
    assert r.elevation.dtype == np.int16 and not r.elevation.flags.writeable


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("records", [0, 1, 3])
def test_a_file_written_by_scipy_with_several_types(tmp_path, version, records):
    path = tmp_path / "x.nc"
    rng = np.random.default_rng(version)
    with netcdf_file(path, "w", version=version) as f:
        f.title = "relief test"
        f.scale = np.float32(0.5)
        f.levels = np.array([1, 2, 3], dtype=np.int32)
        f.createDimension("t", None)  # scipy: the unlimited dimension comes first
        f.createDimension("y", 3)
        f.createDimension("x", 5)
        for typ in ("b", "h", "i", "f", "d"):
            v = f.createVariable(f"v_{typ}", typ, ("y", "x"))
            v[:] = (rng.normal(0, 50, (3, 5))).astype(typ)
            v.units = "m"
            v.valid_range = np.array([-100, 100], dtype=typ)
        f.createVariable("odd", "b", ("x",))[:] = np.arange(5)  # 5 bytes: padded in the file
        f.createVariable("label", "c", ("x",))[:] = np.array(list(b"abcde"), dtype="S1")
        f.createVariable("scalar", "d", ())[()] = 3.25
        if records:
            f.createVariable("time", "d", ("t",))[:records] = np.arange(records) * 1.5
            f.createVariable("series", "h", ("t", "x"))[:records] = rng.integers(-9, 9, (records, 5))
            f.createVariable("flag", "b", ("t",))[:records] = np.arange(records)
    _same_as_scipy(path)


def test_one_record_variable_is_not_padded(tmp_path):
    path = tmp_path / "one.nc"
    with netcdf_file(path, "w") as f:
        f.createDimension("t", None)
        f.createVariable("b", "b", ("t",))[:7] = np.arange(7)
    _same_as_scipy(path)
    assert read_netcdf3(path).variables["b"].data.tolist() == list(range(7))


def test_not_netcdf_or_cut_short(tmp_path):
    bad = tmp_path / "bad.nc"
    bad.write_bytes(b"\x89HDF\r\n")
    with pytest.raises(NetCDFError, match="not a netCDF-3"):
        read_netcdf3(bad)
    bad.write_bytes(RELIEF_FILE.read_bytes()[:5000])
    with pytest.raises(NetCDFError, match="runs past the end") as e:
        read_netcdf3(bad)
    assert str(bad) in str(e.value)
