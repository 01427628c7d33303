"""netCDF-3 files (classic and 64-bit offset) read with numpy: the bundled relief grid.

The app read ``resources/data/etopo5_china.nc`` with SciPy's ``netcdf_file``, which kept
SciPy (51 MB with its own OpenBLAS) in the desktop bundle for this and two other uses. The
format is small: a header (dimensions, attributes, variables with their type, shape and
offset), then each variable's big-endian values. This reads the whole file at once
(0.7 MB, on the start-up path) and returns arrays shaped and typed as scipy does,
record (unlimited-dimension) variables included.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

TYPES = {1: ">i1", 2: "S1", 3: ">i2", 4: ">i4", 5: ">f4", 6: ">f8"}
DIMENSION, VARIABLE, ATTRIBUTE = 10, 11, 12
Attribute = bytes | np.generic | NDArray[np.generic]


class NetCDFError(ValueError):
    """The file is not a netCDF-3 file this reader understands; the message names it."""


@dataclass(frozen=True, eq=False)
class Variable:
    dimensions: tuple[str, ...]
    data: NDArray[np.generic]
    attributes: dict[str, Attribute] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Dataset:
    dimensions: dict[str, int | None]  # None: the unlimited (record) dimension
    attributes: dict[str, Attribute]
    variables: dict[str, Variable]


class _Header:
    """A cursor over the header's big-endian fields."""

    def __init__(self, data: bytes, offset_size: int) -> None:
        self.data, self.pos, self.offset_size = data, 4, offset_size

    def integer(self) -> int:
        value, = struct.unpack_from(">i", self.data, self.pos)
        self.pos += 4
        return int(value)

    def offset(self) -> int:
        value, = struct.unpack_from(">q" if self.offset_size == 8 else ">i", self.data, self.pos)
        self.pos += self.offset_size
        return int(value)

    def name(self) -> str:
        n = self.integer()
        text = self.data[self.pos:self.pos + n].decode("utf-8")
        self.pos += -(-n // 4) * 4
        return text

    def values(self, nc_type: int, n: int) -> Attribute:
        dt = np.dtype(TYPES[nc_type])
        raw = self.data[self.pos:self.pos + n * dt.itemsize]
        self.pos += -(-len(raw) // 4) * 4
        if nc_type == 2:
            return raw.rstrip(b"\0")
        values = np.frombuffer(raw, dtype=dt).copy()
        return values[0] if values.shape == (1,) else values

    def items(self, tag: int) -> int:
        """How many items the list that starts here holds (0 for an absent list)."""
        got, n = self.integer(), self.integer()
        if got not in (0, tag):
            raise struct.error(f"expected list {tag}, found {got}")
        return n

    def attributes(self) -> dict[str, Attribute]:
        out = {}
        for _ in range(self.items(ATTRIBUTE)):
            name = self.name()
            nc_type, n = self.integer(), self.integer()
            out[name] = self.values(nc_type, n)
        return out


def read_netcdf3(path: str | Path) -> Dataset:
    """Every dimension, attribute and variable of a classic or 64-bit-offset netCDF file."""
    path = Path(path)
    data = path.read_bytes()
    if data[:3] != b"CDF" or len(data) < 8 or data[3] not in (1, 2):
        raise NetCDFError(f"{path}: not a netCDF-3 (classic or 64-bit offset) file")
    head = _Header(data, 4 if data[3] == 1 else 8)
    try:
        records = head.integer()
        dims: list[tuple[str, int]] = [(head.name(), head.integer()) for _ in range(head.items(DIMENSION))]
        attributes = head.attributes()
        specs = []
        for _ in range(head.items(VARIABLE)):
            name = head.name()
            ids = [head.integer() for _ in range(head.integer())]
            vatts = head.attributes()
            nc_type, vsize, begin = head.integer(), head.integer(), head.offset()
            specs.append((name, ids, vatts, nc_type, vsize, begin))
    except (struct.error, KeyError, IndexError, UnicodeDecodeError) as exc:
        raise NetCDFError(f"{path}: damaged netCDF header ({exc})") from None
    in_records = [s for s in specs if s[1] and dims[s[1][0]][1] == 0]
    record_size = sum(s[4] for s in in_records)
    if len(in_records) == 1:  # the one case the format leaves unpadded
        name, ids, _, nc_type, _, _ = in_records[0]
        record_size = np.dtype(TYPES[nc_type]).itemsize * int(np.prod([dims[i][1] for i in ids[1:]]))
    variables = {}
    for name, ids, vatts, nc_type, _, begin in specs:
        shape = [dims[i][1] for i in ids]
        record = bool(ids) and shape[0] == 0
        if record:
            shape[0] = records
        variables[name] = Variable(tuple(dims[i][0] for i in ids),
                                   _values(data, path, name, nc_type, shape, begin, record, record_size), vatts)
    return Dataset({n: (size or None) for n, size in dims}, attributes, variables)


def _values(data: bytes, path: Path, name: str, nc_type: int, shape: list[int], begin: int,
            record: bool, record_size: int) -> NDArray[np.generic]:
    dt = np.dtype(TYPES[nc_type])
    per_record = int(np.prod(shape[1:] if record else shape, dtype=np.int64))
    n_records = shape[0] if record else 1
    stride = record_size if record else per_record * dt.itemsize
    if n_records and begin + (n_records - 1) * stride + per_record * dt.itemsize > len(data):
        raise NetCDFError(f"{path}: variable {name!r} runs past the end of the file")
    if not record:
        return np.frombuffer(data, dtype=dt, count=per_record, offset=begin).reshape(shape).copy()
    rows = np.ndarray((n_records, per_record), dtype=dt, buffer=data, offset=begin,
                      strides=(stride, dt.itemsize))
    return rows.reshape(shape).copy()
