"""Population rasters through GDAL (rasterio): band 1, valid pixels only, a window at a time.

Planners bring rasters written by many tools (WorldPop, GHS-POP, LandScan, QGIS,
``gdalwarp``); what a pixel means can live in the TIFF tags, in a ``.aux.xml`` sidecar
(nodata, scale/offset, even the CRS), in an internal mask or an alpha band, or in ground
control points. Only GDAL reads all of that the same way every GIS does, so this module
asks GDAL and adds nothing of its own: the masked read honours nodata, masks and alpha;
``scale * value + offset`` turns stored numbers into people; the geotransform (or GDAL's
GCP transformer) places pixel centres; the CRS is whatever GDAL/PROJ parsed.

Memory stays bounded whatever the raster's size: windows of whole blocks (whole rows for
striped files), at most about :data:`WINDOW_BYTES` of samples each (at least one block), and a small GDAL cache.
A file that *declares* more decoded samples than the shared limit
(:mod:`reach_planner.geo.limits`, 2 GB by default) is refused before any pixel is read:
width x height x bytes per sample of band 1 is what GDAL would decode to read the band,
and a small file that claims 100,000 x 100,000 pixels would otherwise keep the import
busy for minutes. Every problem is one line naming the file.
"""
from __future__ import annotations

import math
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.limits import InputTooLarge, check_decoded

RASTER_SUFFIXES = (".tif", ".tiff", ".vrt")
WINDOW_BYTES = 4 * 2**20  # samples per window: the arrays made from one stay small (and in cache)
# GDAL's block cache (5% of RAM by default) would grow with the raster: one row of blocks is all
# a scan needs. Never write an index beside the user's .gz.
GDAL_OPTIONS = {"GDAL_CACHEMAX": 256, "CPL_VSIL_GZIP_WRITE_PROPERTIES": "NO"}

Points = tuple[NDArray[np.float64], NDArray[np.float64]]


class RasterFileError(ValueError):
    """The raster cannot be used; the message is one line naming the file."""


def gdal_path(path: Path) -> str | None:
    """The name GDAL opens for ``path``, or None when it is no raster file.

    ``x.tif.gz`` is read through ``/vsigzip/``; a ``.zip`` through ``/vsizip/`` when it holds
    exactly one raster (a zip of something else, e.g. a Shapefile, gives None)."""
    suffix = path.suffix.lower()
    if suffix in RASTER_SUFFIXES:
        return str(path)
    if suffix == ".gz" and Path(path.stem).suffix.lower() in RASTER_SUFFIXES:
        return f"/vsigzip/{path}"
    if suffix != ".zip":
        return None
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if Path(n).suffix.lower() in RASTER_SUFFIXES]
    except (zipfile.BadZipFile, OSError) as exc:
        raise RasterFileError(f"{path}: not a readable zip archive ({exc})") from None
    if len(names) > 1:
        raise RasterFileError(f"{path}: the archive holds {len(names)} rasters ({', '.join(names[:5])}); "
                              "unzip the one to import")
    return f"/vsizip/{path}/{names[0]}" if names else None


@dataclass(frozen=True)
class Window:
    """Rows ``row0 .. row0 + rows`` and columns ``col0 .. col0 + cols``."""

    row0: int
    col0: int
    rows: int
    cols: int


class Raster:
    """An open raster: size, where its pixels are, and their valid values window by window."""

    def __init__(self, path: Path, src) -> None:  # noqa: ANN001 - a rasterio dataset
        self.path, self._src = path, src
        self.width, self.height = int(src.width), int(src.height)
        self.dtype = np.dtype(src.dtypes[0])
        self.scale = float(src.scales[0]) if src.scales and src.scales[0] is not None else 1.0
        self.offset = float(src.offsets[0]) if src.offsets and src.offsets[0] is not None else 0.0
        self.crs_wkt, self._to_xy = _georeference(path, src)
        self._mask, self._nodata = _mask_rule(src, self.dtype)

    def xy(self, rows: NDArray[np.float64], cols: NDArray[np.float64]) -> Points:
        """CRS coordinates of fractional pixel positions (row 0.5, column 0.5 = first centre)."""
        return self._to_xy(rows, cols)

    def windows(self) -> Iterator[Window]:
        """Whole blocks, about WINDOW_BYTES of samples a window, row of blocks by row of blocks
        (so GDAL's cache holds each block only while it is needed)."""
        block_h, block_w = (max(1, int(n)) for n in self._src.block_shapes[0])
        item = self.dtype.itemsize
        if block_h * self.width * item <= WINDOW_BYTES:  # rows of blocks across the whole width
            rows, cols = max(block_h, (WINDOW_BYTES // (self.width * item)) // block_h * block_h), self.width
        elif block_h * block_w * item <= WINDOW_BYTES:  # runs of whole blocks along one row of blocks
            rows, cols = block_h, max(block_w, (WINDOW_BYTES // (block_h * item)) // block_w * block_w)
        else:  # a block bigger than a window (a file in one strip): bands of rows across it; GDAL
            # decodes the block once if it fits its cache (else again for each band: slow, bounded)
            cols = min(block_w, self.width)
            rows = max(1, WINDOW_BYTES // (cols * item))
        for row0 in range(0, self.height, rows):
            for col0 in range(0, self.width, cols):
                yield Window(row0, col0, min(rows, self.height - row0), min(cols, self.width - col0))

    def people(self, win: Window) -> tuple[int, NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """The window's count of valid pixels (unmasked, not NaN) and the rows, columns and
        values (scale and offset applied) of those that hold people (> 0). Infinite values
        are refused: no count can be made of them."""
        from rasterio.errors import RasterioError
        from rasterio.windows import Window as RioWindow

        rio_win = RioWindow(win.col0, win.row0, win.cols, win.rows)
        try:
            data = self._src.read(1, window=rio_win).ravel()
            flat = None if self._mask == "none" else np.flatnonzero(
                self._src.read_masks(1, window=rio_win).ravel() if self._mask == "gdal"
                else ~np.isnan(data) if np.isnan(self._nodata) else data != self._nodata)
        except RasterioError as exc:
            raise RasterFileError(f"{self.path}: GDAL cannot read it ({_reason(exc)})") from None
        values = (data if flat is None else data[flat]).astype(np.float64)
        if self.scale != 1.0 or self.offset != 0.0:
            values = values * self.scale + self.offset
        inf = np.flatnonzero(np.isinf(values))
        if len(inf):
            row, col = divmod(int(inf[0] if flat is None else flat[inf[0]]), win.cols)
            raise RasterFileError(f"{self.path}: band 1 has infinite values (first at row {win.row0 + row + 1:,}, "
                                  f"column {win.col0 + col + 1:,}); set them to nodata")
        valid = len(values) - int(np.count_nonzero(np.isnan(values)))
        pos = np.flatnonzero(values > 0)
        rows, cols = np.divmod(pos if flat is None else flat[pos], win.cols)
        return valid, rows + win.row0, cols + win.col0, values[pos]


def _mask_rule(src, dtype: np.dtype) -> tuple[str, np.generic]:  # noqa: ANN001 - a rasterio dataset
    """How band 1's valid pixels are found: "none" (GDAL says all are valid), "nodata" (GDAL's
    mask is only the nodata value: numpy applies GDAL's rule, pixel == nodata in the band's
    type, NaN matching a NaN nodata, which spares GDAL a second pass over every block), or
    "gdal" (masks, alpha, a nodata numpy cannot hold exactly: GDAL's mask band decides)."""
    from rasterio.enums import MaskFlags

    flags = src.mask_flag_enums[0]
    if flags == [MaskFlags.all_valid]:
        return "none", dtype.type(0)
    if flags != [MaskFlags.nodata] or src.nodata is None:
        return "gdal", dtype.type(0)
    nodata = float(src.nodata)
    if dtype.kind == "f":
        with np.errstate(over="ignore"):
            return "nodata", dtype.type(nodata)
    info = np.iinfo(dtype)
    if nodata.is_integer() and info.min <= nodata <= info.max and abs(nodata) < 2**53:
        return "nodata", dtype.type(int(nodata))
    return "gdal", dtype.type(0)


@contextmanager
def open_raster(path: Path, name: str) -> Iterator[Raster]:
    """Open the raster GDAL knows as ``name`` (see :func:`gdal_path`); one-line errors only."""
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning, RasterioError

    with rasterio.Env(**GDAL_OPTIONS), warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        try:
            src = rasterio.open(name)
        except RasterioError as exc:
            raise RasterFileError(f"{path}: GDAL cannot read it ({_reason(exc, name)})") from None
        with src:
            _check(path, src)
            yield Raster(path, src)


def _check(path: Path, src) -> None:  # noqa: ANN001 - a rasterio dataset
    if src.count < 1:
        raise RasterFileError(f"{path}: the file holds no raster band")
    dtype = np.dtype(src.dtypes[0])
    if dtype.kind not in "uif":
        raise RasterFileError(f"{path}: band 1 holds {src.dtypes[0]} pixels; population counts must be "
                              "integers or real numbers")
    try:
        check_decoded(path, float(src.width) * float(src.height) * dtype.itemsize,
                      f"{src.width:,} x {src.height:,} pixels of {src.dtypes[0]}")
    except InputTooLarge as exc:
        raise RasterFileError(str(exc)) from None


def _georeference(path: Path, src) -> tuple[str, Callable[..., Points]]:  # noqa: ANN001
    """The CRS (WKT, as GDAL parsed it) and pixel -> CRS coordinates: the geotransform, or
    GDAL's own GCP transformer for rasters placed only by ground control points."""
    gcps, gcp_crs = src.gcps
    if src.transform.is_identity and gcps:
        from rasterio.transform import GCPTransformer

        crs, transformer = gcp_crs, GCPTransformer(gcps)

        def to_xy(rows: NDArray[np.float64], cols: NDArray[np.float64]) -> Points:
            xs, ys = transformer.xy(rows, cols, offset="ul")
            return np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    elif src.transform.is_identity:
        raise RasterFileError(f"{path}: the raster is not georeferenced (no geotransform and no ground "
                              "control points); georeference it in QGIS (Raster › Georeferencer) first")
    else:
        crs, (a, b, c, d, e, f) = src.crs, tuple(src.transform)[:6]

        def to_xy(rows: NDArray[np.float64], cols: NDArray[np.float64]) -> Points:
            return a * cols + b * rows + c, d * cols + e * rows + f
    if crs is None or not crs.to_wkt():
        raise RasterFileError(f"{path}: the raster has no coordinate reference system; assign one "
                              "(QGIS: Raster › Projections › Assign Projection, or gdal_translate -a_srs EPSG:4326)")
    return crs.to_wkt(), to_xy


def pixel_size_km(raster: Raster, to_lonlat: Callable[..., Points]) -> float:
    """Ground size (km) of the larger side of the raster's central pixel."""
    cy, cx = raster.height / 2.0, raster.width / 2.0
    xs, ys = raster.xy(np.array([cy, cy, cy + 1]), np.array([cx, cx + 1, cx]))
    lon, lat = to_lonlat(xs, ys)
    kx = math.cos(math.radians(lat[0])) * 111.2
    sides = [math.hypot((lon[k] - lon[0]) * kx, (lat[k] - lat[0]) * 111.2) for k in (1, 2)]
    return max(sides)


def _reason(exc: Exception, name: str = "") -> str:
    """GDAL's own reason, on one line, without repeating the file name."""
    text = " ".join(str(exc).split())
    for quoted in (f"'{name}' ", f"{name}: "):
        if name and text.startswith(quoted):
            text = text[len(quoted):]
    return text[:200] or type(exc).__name__
