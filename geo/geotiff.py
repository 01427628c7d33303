"""GeoTIFF rasters without GDAL: band 1 of a population grid, read a block of rows at a time.

The desktop bundle carried rasterio (GDAL, its libraries and data: 64 MB) for this one
import. What planners bring (WorldPop, GHS-POP, LandScan, files written by GDAL or QGIS)
is a single-band grid of integers or floats in strips or tiles, compressed with Deflate,
LZW or PackBits (ZSTD and LZMA when Pillow's libtiff has them), with or without a
predictor. The TIFF container is parsed here (classic and BigTIFF, either byte order);
the compressed chunks of a block are handed to the libtiff inside Pillow (already in the
bundle for matplotlib) as an 8-bit image of the same chunks, so decompression runs in C.
libtiff would undo a predictor on the 8-bit samples it is told about, not on the real ones,
so numpy undoes the horizontal predictor and the byte order; the floating-point predictor's
running byte sum is exactly the 8-bit horizontal predictor, so libtiff does that part.
Georeferencing and CRS come from :mod:`reach_planner.geo.geotiff_keys`.
"""
from __future__ import annotations

import io
import mmap
import struct
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np
from numpy.typing import NDArray
from pyproj import CRS

from reach_planner.geo.geotiff_keys import GeoTiffError, georeference

# TIFF field types -> struct/numpy codes (5 and 10, rationals, are no tag read here)
TIFF_TYPES = {1: "B", 2: "B", 3: "H", 4: "I", 6: "b", 7: "B", 8: "h", 9: "i", 11: "f", 12: "d",
              13: "I", 16: "Q", 17: "q", 18: "Q"}
COMPRESSIONS = {1: "none", 5: "LZW", 8: "Deflate", 32946: "Deflate", 32773: "PackBits",
                50000: "ZSTD", 34925: "LZMA"}
SAMPLE_KINDS = {1: "u", 2: "i", 3: "f"}
MAX_DECODE_BYTES = 64_000_000  # per libtiff call: below Pillow's decompression-bomb limit


@dataclass(frozen=True)
class Layout:
    """Where band 1's samples are: chunks (strips or tiles) of ``rows`` x ``cols`` pixels."""

    width: int
    height: int
    spp: int  # samples per pixel in a chunk (1 when bands are stored as planes)
    bytes_per_sample: int
    kind: str  # numpy kind: u, i, f
    compression: int
    predictor: int
    rows: int  # chunk height (rows per strip, or tile length)
    cols: int  # chunk width (the image width for strips)
    offsets: NDArray[np.int64]  # band 1's chunks, row-major
    counts: NDArray[np.int64]
    big_endian: bool
    tiled: bool

    @property
    def across(self) -> int:
        return -(-self.width // self.cols)

    @property
    def file_dtype(self) -> str:
        return f"{self.kind}{self.bytes_per_sample}"


class GeoTiff:
    """An open GeoTIFF: its size, band 1's type, nodata, affine transform and CRS."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._last: tuple[int, int, NDArray[np.generic]] | None = None  # the last block decoded
        try:
            with self.path.open("rb") as f:
                try:
                    self._buf: mmap.mmap | bytes = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
                except ValueError:  # an empty file
                    self._buf = b""
        except OSError as exc:
            raise GeoTiffError(f"{self.path}: cannot be opened ({exc.strerror or exc})") from None
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        self._tags, big_endian = _first_ifd(self._buf, self.path)
        self.layout = _layout(self._tags, big_endian, self.path)
        self.width, self.height = self.layout.width, self.layout.height
        self.count = int(self._tags.get(277, [1])[0])  # bands
        self.dtype = np.dtype(self.layout.file_dtype)
        nodata = bytes(self._tags.get(42113, b"")).rstrip(b"\0 ").decode("ascii", "replace").strip()
        self.nodata: float | None = _number(nodata) if nodata else None
        if self.nodata is not None and self.dtype == np.float32:  # as GDAL reports it
            with np.errstate(over="ignore"):
                self.nodata = float(np.float32(self.nodata))
        self.transform: tuple[float, float, float, float, float, float] | None
        self.crs: CRS | None
        self.transform, self.crs = georeference(self._tags, self.path)

    def nodata_mask(self, values: NDArray[np.generic]) -> NDArray[np.bool_]:
        """Where ``values`` (read from this raster) are nodata."""
        return nodata_mask(values, self.nodata)

    def read(self, row0: int = 0, nrows: int | None = None) -> NDArray[np.generic]:
        """Rows ``row0 .. row0 + nrows`` of band 1, in the raster's own dtype."""
        lay = self.layout
        stop = self.height if nrows is None else min(self.height, row0 + nrows)
        out = np.empty((max(0, stop - row0), self.width), dtype=self.dtype)
        if stop <= row0:
            return out
        first, last = row0 // lay.rows, (stop - 1) // lay.rows + 1
        per_call = max(1, MAX_DECODE_BYTES // max(1, lay.across * lay.cols * lay.rows * lay.spp
                                                   * lay.bytes_per_sample))
        for a in range(first, last, per_call):
            b = min(last, a + per_call)
            block = self._block(a, b)
            top = a * lay.rows
            lo, hi = max(row0, top), min(stop, top + block.shape[0])
            out[lo - row0:hi - row0] = block[lo - top:hi - top]
        return out

    def _block(self, a: int, b: int) -> NDArray[np.generic]:
        """Band 1 in chunk rows a..b; the last one is kept, as a file in one strip (or strips
        taller than a window) would otherwise be decoded again for every window."""
        if self._last is None or self._last[:2] != (a, b):
            self._last = (a, b, _samples(*self._raw_rows(a, b), self.layout))
        return self._last[2]

    def _raw_rows(self, a: int, b: int) -> tuple[NDArray[np.uint8], bool]:
        """Chunk rows a..b of band 1 as bytes (rows x chunk-columns x chunk-bytes), decompressed,
        and whether the bytes of each row have been summed already (see _decode_libtiff).
        Tile rows wider than MAX_DECODE_BYTES (a global 100 m grid) go in groups of columns."""
        lay = self.layout
        height = min(self.height, b * lay.rows) - a * lay.rows
        if lay.compression == 1:
            return _assemble_raw(self._buf, lay, np.arange(a * lay.across, b * lay.across), height, self.path), False
        summed = lay.predictor == 3 and lay.spp == 1
        per = max(1, MAX_DECODE_BYTES // (_chunk_bytes(lay) * (b - a)))  # chunk columns a call
        parts = []
        for c in range(0, lay.across, per):
            cols = np.arange(c, min(lay.across, c + per))
            idx = (np.arange(a, b)[:, None] * lay.across + cols[None, :]).ravel()
            parts.append(_decode_libtiff(self._buf, lay, idx, height, len(cols), self.path, summed))
        return (parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)), summed

    def close(self) -> None:
        if isinstance(self._buf, mmap.mmap):
            self._buf.close()

    def __enter__(self) -> GeoTiff:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# -- the TIFF container ----------------------------------------------------------------------
def _first_ifd(buf: mmap.mmap | bytes, path: Path) -> tuple[dict[int, NDArray[np.generic]], bool]:
    """The tags of the first image (the full resolution; GDAL puts overviews after it) and
    whether the file is big-endian."""
    head = bytes(buf[:16])
    if head[:2] not in (b"II", b"MM"):
        raise GeoTiffError(f"{path}: not a readable GeoTIFF (not a TIFF file)")
    bo = "<" if head[:2] == b"II" else ">"
    version, = struct.unpack(bo + "H", head[2:4])
    if version == 42:
        ifd, = struct.unpack(bo + "I", head[4:8])
        count_fmt, entry_fmt, entry_size, inline = "H", "HHI", 12, 4
    elif version == 43:
        ifd, = struct.unpack(bo + "Q", head[8:16])
        count_fmt, entry_fmt, entry_size, inline = "Q", "HHQ", 20, 8
    else:
        raise GeoTiffError(f"{path}: not a readable GeoTIFF (not a TIFF file)")
    try:
        n, = struct.unpack_from(bo + count_fmt, buf, ifd)
        start = ifd + struct.calcsize(count_fmt)
        tags = {}
        for i in range(n):
            at = start + i * entry_size
            tag, typ, count = struct.unpack_from(bo + entry_fmt, buf, at)
            if typ not in TIFF_TYPES:
                continue
            dt = np.dtype(bo + TIFF_TYPES[typ])
            where = at + entry_size - inline
            if count * dt.itemsize > inline:
                where, = struct.unpack_from(bo + ("I" if inline == 4 else "Q"), buf, where)
            if where + count * dt.itemsize > len(buf):
                raise struct.error("tag beyond the end")
            tags[tag] = np.frombuffer(buf, dtype=dt, count=count, offset=where).astype(dt.newbyteorder("="))
    except struct.error:
        raise GeoTiffError(f"{path}: not a readable GeoTIFF (the file is cut short or damaged)") from None
    return tags, bo == ">"


def _layout(tags: dict[int, NDArray[np.generic]], big_endian: bool, path: Path) -> Layout:
    def one(tag: int, default: int | None = None) -> int:
        if len(tags.get(tag, ())):
            return int(tags[tag][0])
        if default is None:
            raise GeoTiffError(f"{path}: not a readable GeoTIFF (tag {tag} is missing)")
        return default

    width, height, spp = one(256), one(257), one(277, 1)
    bits = sorted({int(b) for b in tags.get(258, [1])})
    fmts = sorted({int(f) for f in tags.get(339, [1])})
    if len(bits) != 1 or bits[0] not in (8, 16, 32, 64) or len(fmts) != 1 or fmts[0] not in SAMPLE_KINDS:
        raise GeoTiffError(f"{path}: unsupported pixel type ({'/'.join(map(str, bits))}-bit samples, format "
                           f"{'/'.join(map(str, fmts))}); use 8/16/32-bit integers or 32/64-bit floats")
    nbytes, kind = bits[0] // 8, SAMPLE_KINDS[fmts[0]]
    if kind == "f" and nbytes not in (4, 8):
        raise GeoTiffError(f"{path}: unsupported pixel type ({8 * nbytes}-bit floats)")
    compression, predictor = one(259, 1), one(317, 1)
    if compression not in COMPRESSIONS:
        raise GeoTiffError(f"{path}: unsupported compression (TIFF code {compression}); save it with "
                           "Deflate, LZW or no compression")
    if predictor not in (1, 2, 3) or (predictor == 3 and kind != "f"):
        raise GeoTiffError(f"{path}: unsupported predictor {predictor} for this pixel type")
    planar = one(284, 1) == 2
    tiled = 324 in tags
    rows, cols = (one(323), one(322)) if tiled else (min(one(278, height), height), width)
    offsets, counts = (tags.get(324), tags.get(325)) if tiled else (tags.get(273), tags.get(279))
    per_band = -(-height // max(1, rows)) * -(-width // max(1, cols))
    if offsets is None or counts is None or len(offsets) < per_band * (spp if planar else 1) \
            or len(counts) != len(offsets) or min(rows, cols, width, height) < 1:
        raise GeoTiffError(f"{path}: not a readable GeoTIFF (strip or tile table is incomplete)")
    return Layout(width=width, height=height, spp=1 if planar else spp, bytes_per_sample=nbytes, kind=kind,
                  compression=compression, predictor=predictor, rows=rows, cols=cols,
                  offsets=np.asarray(offsets[:per_band], np.int64), counts=np.asarray(counts[:per_band], np.int64),
                  big_endian=big_endian, tiled=tiled)


# -- decoding -------------------------------------------------------------------------------
def _chunk_bytes(lay: Layout) -> int:
    return lay.rows * lay.cols * lay.spp * lay.bytes_per_sample


def _assemble_raw(buf: mmap.mmap | bytes, lay: Layout, idx: NDArray[np.int64], height: int,
                  path: Path) -> NDArray[np.uint8]:
    """Uncompressed chunks straight from the file (a strip may be shorter at the bottom)."""
    row_bytes = lay.cols * lay.spp * lay.bytes_per_sample
    out = np.zeros((height, lay.across, row_bytes), dtype=np.uint8)
    for k, i in enumerate(idx):
        r0 = (k // lay.across) * lay.rows
        n = min(lay.rows, height - r0)
        size = min(int(lay.counts[i]), n * row_bytes) // row_bytes * row_bytes
        start = int(lay.offsets[i])
        if start + size > len(buf):
            raise GeoTiffError(f"{path}: not a readable GeoTIFF (the file is cut short)")
        out[r0:r0 + size // row_bytes, k % lay.across] = np.frombuffer(
            buf, np.uint8, size, start).reshape(-1, row_bytes)
    return out


def _decode_libtiff(buf: mmap.mmap | bytes, lay: Layout, idx: NDArray[np.int64], height: int, across: int,
                    path: Path, sum_bytes: bool) -> NDArray[np.uint8]:
    """Compressed chunks decoded by libtiff (in Pillow): they are given to it as an 8-bit
    grey image of the same chunk grid, one byte a pixel. With ``sum_bytes`` that image says
    "horizontal predictor": libtiff then sums the bytes along each row, which is the first
    half of undoing the floating-point predictor (one sample a pixel), at C speed."""
    from PIL import Image

    row_bytes = lay.cols * lay.spp * lay.bytes_per_sample
    chunks = [bytes(buf[int(lay.offsets[i]):int(lay.offsets[i] + lay.counts[i])]) for i in idx]
    if any(len(c) == 0 for c in chunks):
        raise GeoTiffError(f"{path}: not a readable GeoTIFF (empty or missing strips/tiles)")
    fake = _tiff8(across * row_bytes, height, lay.compression, lay.tiled, row_bytes, lay.rows, chunks,
                  2 if sum_bytes else 1)
    try:
        with warnings.catch_warnings():  # a big strip is no decompression bomb: its size is known
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(fake)) as im:
                im.load()
                data = np.asarray(im, dtype=np.uint8)
    except Exception as exc:  # noqa: BLE001 - libtiff's reasons vary; one line for the user
        name = COMPRESSIONS[lay.compression]
        raise GeoTiffError(f"{path}: could not decode the {name} data ({str(exc).splitlines()[0][:100]})"
                           ) from None
    return data.reshape(height, across, row_bytes)


def _tiff8(width: int, height: int, compression: int, tiled: bool, chunk_w: int, chunk_h: int,
           chunks: list[bytes], predictor: int = 1) -> bytes:
    """A little-endian TIFF: 8-bit grey, the given compressed chunks as its strips or tiles."""
    n = len(chunks)
    entries: list[tuple[int, int, int, int | None]] = [  # tag, type, count, inline value
        (256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, compression),
        (262, 3, 1, 1), (277, 3, 1, 1), (284, 3, 1, 1), (317, 3, 1, predictor)]
    if tiled:
        entries += [(322, 4, 1, chunk_w), (323, 4, 1, chunk_h), (324, 4, n, None), (325, 4, n, None)]
    else:
        entries += [(273, 4, n, None), (278, 4, 1, chunk_h), (279, 4, n, None)]
    entries.sort()
    ifd_size = 2 + 12 * len(entries) + 4
    tables = 8 + ifd_size
    data_at = tables + (8 * n if n > 1 else 0)
    sizes = [len(c) for c in chunks]
    offsets = list(np.cumsum([data_at] + sizes[:-1]))
    out = bytearray(b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries)))
    for tag, typ, count, value in entries:
        if value is None:  # offsets (273/324) or byte counts (279/325)
            values = offsets if tag in (273, 324) else sizes
            value = int(values[0]) if n == 1 else tables + (0 if tag in (273, 324) else 4 * n)
        fmt = "<HHIHH" if typ == 3 else "<HHII"
        out += struct.pack(fmt, tag, typ, count, value, 0) if typ == 3 else struct.pack(fmt, tag, typ, count, value)
    out += b"\0\0\0\0"
    if n > 1:
        out += struct.pack(f"<{n}I", *offsets) + struct.pack(f"<{n}I", *sizes)
    return bytes(out) + b"".join(chunks)


def _samples(raw: NDArray[np.uint8], summed: bool, lay: Layout) -> NDArray[np.generic]:
    """Bytes of chunk rows (rows x chunk-columns x chunk-bytes) -> band 1 (rows x width)."""
    rows, across, _ = raw.shape
    nb, spp = lay.bytes_per_sample, lay.spp
    if lay.predictor == 3:
        # Floating point predictor: bytes differenced along each chunk row (stride: samples
        # per pixel), the row stored as byte planes, most significant first.
        acc = raw if summed else np.cumsum(raw.reshape(rows, across, -1, spp), axis=2, dtype=np.uint8)
        planes = acc.reshape(rows, across, nb, lay.cols * spp)
        native = np.empty((rows, across, lay.cols * spp, nb), dtype=np.uint8)
        for k in range(nb):  # one plane at a time: 4x quicker than a transposed copy
            native[..., k] = planes[:, :, k if sys.byteorder == "big" else nb - 1 - k]
        values = native.view(lay.file_dtype)
    else:
        bo = ">" if lay.big_endian else "<"
        values = raw.view(f"{bo}{lay.file_dtype}")
        if lay.predictor == 2:
            wrap = values.view(f"{bo}u{nb}").reshape(rows, across, lay.cols, spp)
            values = np.cumsum(wrap, axis=2, dtype=f"u{nb}").view(lay.file_dtype)
    band = values.reshape(rows, across * lay.cols, spp)[:, :lay.width, 0]
    return band.astype(lay.file_dtype, copy=False)


def nodata_mask(values: NDArray[np.generic], nodata: float | None) -> NDArray[np.bool_]:
    """Pixels equal to nodata, compared in the raster's own type as GDAL does (a float32
    raster's -3.4028235e38 matches the nodata text '-3.40282346638529e+38'; a nodata an
    integer type cannot hold matches nothing)."""
    if nodata is None:
        return np.zeros(values.shape, dtype=bool)
    if values.dtype.kind == "f":
        if np.isnan(nodata):
            return np.isnan(values)
        with np.errstate(over="ignore"):
            return values == values.dtype.type(nodata)
    info = np.iinfo(values.dtype.str)
    if not np.isfinite(nodata) or nodata != int(nodata) or not info.min <= nodata <= info.max:
        return np.zeros(values.shape, dtype=bool)
    return values == int(nodata)
