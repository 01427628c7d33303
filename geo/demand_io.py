"""Bring your own demand: a population raster or weighted points, aggregated to the hex grid.

Planners often have better data than any model: a WorldPop or GHS-POP GeoTIFF (any
CRS GDAL knows; pixel values are people per pixel; read through GDAL by
:mod:`reach_planner.geo.raster_file`) or their own orders and
households as points with a weight column (CSV/XLSX/GeoJSON/GPKG, the same readers and
column rules as the site import). Every unit of weight goes to the hexagon that holds
it; weight in a hexagon whose centre is abroad or at sea goes to the nearest cell when
the point itself is in one of the 31 provinces, otherwise it is counted as
``outside``. Nothing is dropped silently: ``total == inside + outside``; a raster with
no valid pixels, no people or none inside China is refused rather than read as zero.

Large pixels (wider than a third of a cell, e.g. a 0.25 degree grid) are split into
sub-pixels before assignment, so coarse rasters still spread over the cells they
cover. The imported weight becomes the analysed demand (``Demand.rural``; ``urban`` is
zero), whatever it measures; the summary names the file.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from pyproj import Transformer

from reach_planner.geo.chinacrs import CRS_CHOICES, to_wgs84
from reach_planner.geo.columns import normalise
from reach_planner.geo.demand import Demand
from reach_planner.geo.grid import HexGrid, build_grid, province_of
from reach_planner.geo.input_checks import crs_hints, not_a_number
from reach_planner.geo.limits import NotARegularFile, require_regular_file
from reach_planner.geo.raster_file import Raster, RasterFileError, gdal_path, open_raster, pixel_size_km
from reach_planner.geo.site_tables import SUFFIXES, SiteFileError, read_table
from reach_planner.geo.sites_io import ImportIssue, _Checker, _guarded, _numbers, resolve_columns
from reach_planner.geo.sphere import SphereIndex

WEIGHT_ALIASES = ("weight", "population", "pop", "people", "orders", "order_count", "households",
                  "demand", "count", "value", "人口", "人数", "订单数", "订单量", "订单", "户数",
                  "需求", "权重", "数量")
MAX_SUBDIVIDE = 8
MAX_WEIGHT = 1e15  # per row; 2 M rows of it still sum far below float overflow


class DemandFileError(SiteFileError):
    """The demand file as a whole cannot be used; the message names the file."""


class WeightColumnNotFound(DemandFileError):
    """No weight column was recognised; ``columns`` lets a dialog offer the file's columns."""

    def __init__(self, message: str, columns: list[str]) -> None:
        super().__init__(message)
        self.columns = columns


@dataclass(frozen=True, eq=False)
class DemandImport:
    """An imported demand and what happened to the file's weight."""

    demand: Demand
    kind: str  # "raster" or "points"
    total: float  # all valid weight in the file
    inside: float  # aggregated to cells of the 31 provinces
    outside: float  # fell outside them
    rows_read: int  # points: data rows; raster: valid pixels
    issues: tuple[ImportIssue, ...] = ()  # skipped rows (points)
    column: str = ""
    hints: tuple[str, ...] = ()  # whole-file warnings (a web map's coordinates read as WGS84)


def read_demand(path: str | Path, cell_km: float = 10.0, weight_col: str | None = None,
                crs: str = "wgs84") -> DemandImport:
    """Read a raster (.tif/.tiff/.vrt, also zipped or gzipped) or a point file into demand
    on the grid of ``cell_km``.

    ``crs`` is for point files: WGS84, or GCJ-02/BD-09 from a Chinese web map
    (converted, :mod:`geo.chinacrs`); a raster carries its own CRS.

    Raises only :class:`DemandFileError`/:class:`SiteFileError` (whole-file problems);
    nothing is changed until the caller runs a scenario with the result.
    """
    path = Path(path)
    try:
        require_regular_file(path)  # a FIFO or device would block the read forever
        name = gdal_path(path)
    except (NotARegularFile, RasterFileError) as exc:
        raise DemandFileError(str(exc)) from None
    if name is None and path.suffix.lower() == ".zip" and ".zip" not in SUFFIXES:
        raise DemandFileError(f"{path}: the archive holds no raster (.tif, .tiff or .vrt)")
    if name is None and path.suffix.lower() not in SUFFIXES:
        raise DemandFileError(f"{path}: unsupported file type '{path.suffix}'; use a raster (.tif, .vrt, "
                              ".tif.gz, .zip) or points (.csv, .xlsx, or a GIS point file: .shp, .zip, .kml, "
                              ".geojson, .gpkg, .fgb)")
    if crs not in CRS_CHOICES:
        raise DemandFileError(f"{path}: unknown coordinate system {crs!r}; use one of "
                              f"{', '.join(CRS_CHOICES)}")
    if name is not None:
        if crs != "wgs84":
            raise DemandFileError(f"{path}: --crs is for point files; a raster carries its own "
                                  "coordinate reference system")
        if weight_col:
            raise DemandFileError(f"{path}: --demand-col is for point files; a raster's "
                                  "pixel values are the weight")
        return _guarded(path, lambda: _read_raster(path, name, build_grid(cell_km)))
    return _guarded(path, lambda: _read_points(path, build_grid(cell_km), weight_col, crs))


# -- aggregation ----------------------------------------------------------------------------
class _Accumulator:
    """Adds weighted lon/lat points to grid cells; keeps what fell outside."""

    def __init__(self, grid: HexGrid) -> None:
        self.grid = grid
        self.cells = np.zeros(grid.size)
        self.outside = 0.0
        self._nearest: SphereIndex | None = None

    def add(self, lon: NDArray[np.float64], lat: NDArray[np.float64], w: NDArray[np.float64]) -> None:
        cell = self.grid.cell_of(lon, lat)
        hit = cell >= 0
        np.add.at(self.cells, cell[hit], w[hit])
        miss = np.flatnonzero(~hit)
        if len(miss) == 0:
            return
        ok = np.isfinite(lon[miss]) & np.isfinite(lat[miss])
        miss_ok = miss[ok]
        inland = miss_ok[province_of(lon[miss_ok], lat[miss_ok]) > 0]
        if len(inland):
            if self._nearest is None:
                self._nearest = SphereIndex(self.grid.lon, self.grid.lat)
            _, near = self._nearest.nearest(lon[inland], lat[inland])
            np.add.at(self.cells, near, w[inland])
        self.outside += float(w[miss].sum() - w[inland].sum())

    def demand(self, path: Path, kind: str, column: str = "", crs: str = "wgs84") -> Demand:
        source = {"name": "imported", "file": path.name, "kind": kind}
        if column:
            source["column"] = column
        if crs != "wgs84":  # read again the same way when a scenario file is opened
            source["crs"] = crs
        source["path"] = str(path.resolve())  # for scenario files; not shown in summaries
        rural = self.cells.copy()
        rural.flags.writeable = False
        urban = np.zeros(self.grid.size)
        urban.flags.writeable = False
        return Demand(grid=self.grid, rural=rural, urban=urban, source=source,
                      outside=self.outside)


# -- rasters --------------------------------------------------------------------------------
def _read_raster(path: Path, name: str, grid: HexGrid) -> DemandImport:
    try:
        with open_raster(path, name) as src:
            return _aggregate_raster(path, src, grid)
    except RasterFileError as exc:
        raise DemandFileError(str(exc)) from None


def _aggregate_raster(path: Path, src: Raster, grid: HexGrid) -> DemandImport:
    """Every valid pixel's people to the cell holding its centre (or its sub-pixels' centres)."""
    to_lonlat = Transformer.from_crs(src.crs_wkt, "EPSG:4326", always_xy=True).transform
    n_sub = _subdivisions(pixel_size_km(src, to_lonlat), grid.spacing_km)
    acc = _Accumulator(grid)
    total, valid = 0.0, 0
    for win in src.windows():
        n_valid, rows, cols, w = src.people(win)
        valid += n_valid
        if len(w) == 0:
            continue
        total += float(w.sum())
        lon, lat, ww = _pixel_points(src, to_lonlat, rows, cols, w, n_sub)
        acc.add(lon, lat, ww)
    demand = acc.demand(path, "raster")
    inside = float(demand.rural.sum())
    _refuse_empty(path, valid, total, inside)
    return DemandImport(demand=demand, kind="raster", total=total, inside=inside,
                        outside=acc.outside, rows_read=valid)


def _refuse_empty(path: Path, valid: int, total: float, inside: float) -> None:
    """A raster that gives no people inside China is a wrong file, not a demand of zero."""
    if valid == 0:
        raise DemandFileError(f"{path}: the raster has no valid pixels (all are nodata, masked or NaN)")
    if total <= 0:
        raise DemandFileError(f"{path}: the raster's {valid:,} valid pixels hold no people "
                              "(all are zero or negative)")
    if inside <= 0:
        raise DemandFileError(f"{path}: nothing inside China: all {total:,.0f} people of the raster "
                              "lie outside the 31 provinces (check its area and CRS)")


def _subdivisions(pixel_km: float, cell_km: float) -> int:
    """Sub-pixels per side so that each is at most a third of a cell wide."""
    if not math.isfinite(pixel_km):
        return 1
    return int(min(MAX_SUBDIVIDE, max(1, math.ceil(pixel_km / (cell_km / 3.0)))))


def _pixel_points(src: Raster, to_lonlat: Callable[..., tuple[NDArray[np.float64], NDArray[np.float64]]],
                  rows: NDArray[np.int64], cols: NDArray[np.int64], w: NDArray[np.float64], n: int
                  ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """lon/lat of pixel centres (or n x n sub-pixel centres) and their share of the weight."""
    if n == 1:
        fr, fc = rows + 0.5, cols + 0.5
    else:
        offs = (np.arange(n) + 0.5) / n
        fr = ((rows[:, None, None] + offs[None, :, None]) * np.ones((1, 1, n))).ravel()
        fc = ((cols[:, None, None] + offs[None, None, :]) * np.ones((1, n, 1))).ravel()
    xs, ys = src.xy(fr, fc)
    lon, lat = to_lonlat(xs, ys)
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    return lon, lat, (w if n == 1 else np.repeat(w / (n * n), n * n))


# -- points ---------------------------------------------------------------------------------
def weight_column(columns: list[str], chosen: str | None, path: Path) -> str:
    visible = [c for c in columns if not str(c).startswith("__")]
    if chosen:
        if chosen not in columns:
            raise DemandFileError(f"{path}: no column named {chosen!r} (for the weight); columns "
                                  f"are: {', '.join(visible)}")
        return chosen
    norm = {normalise(c): c for c in reversed(visible)}
    for name in WEIGHT_ALIASES:
        if normalise(name) in norm:
            return norm[normalise(name)]
    raise WeightColumnNotFound(
        f"{path}: no weight column found (looked for weight/population/orders/households/人口/"
        f"订单数/户数); columns are: {', '.join(visible)}. Choose it with --demand-col", visible)


def _read_points(path: Path, grid: HexGrid, weight_col: str | None, crs: str = "wgs84") -> DemandImport:
    table = read_table(path)
    frame = table.frame
    cols = resolve_columns(frame, None, path)
    wcol = weight_column([str(c) for c in frame.columns], weight_col, path)
    check = _Checker(table)
    bad = np.zeros(len(frame), dtype=bool)
    lat, lon = _numbers(frame, cols, bad, check)
    lon, lat = to_wgs84(crs, lon, lat)
    bad |= np.isnan(lat) | np.isnan(lon)
    out_range = ~bad & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    check.error(out_range, "", lambda i: f"coordinates out of range ({lat[i]:g}, {lon[i]:g})")
    bad |= out_range
    w = _weights(frame[wcol].astype(str), bad, check, wcol)
    bad |= np.isnan(w)
    keep = ~bad
    acc = _Accumulator(grid)
    acc.add(lon[keep], lat[keep], w[keep])
    demand = acc.demand(path, "points", wcol, crs)
    issues = check.sorted("error")
    if not keep.any():
        raise DemandFileError(f"{path}: no valid rows ({len(issues)} skipped; first: {issues[0]})"
                              if issues else f"{path}: the file has no rows")
    return DemandImport(demand=demand, kind="points", total=float(w[keep].sum()),
                        inside=float(demand.rural.sum()), outside=acc.outside,
                        rows_read=len(frame) + len(table.problems), issues=issues, column=wcol,
                        hints=crs_hints(path, frame.columns, crs))


def _weights(text, bad: NDArray[np.bool_], check: _Checker, col: str) -> NDArray[np.float64]:
    stripped = text.str.strip().str.replace(",", "", regex=False)
    import pandas as pd

    w = np.array(pd.to_numeric(stripped, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
    w[~np.isfinite(w)] = np.nan
    shown = text.to_numpy()
    missing = ~bad & (stripped == "").to_numpy()
    check.error(missing, col, lambda i: "missing weight")
    check.error(~bad & ~missing & np.isnan(w), col, lambda i: not_a_number("weight", shown[i]))
    neg = ~bad & (w < 0)
    check.error(neg, col, lambda i: f"negative weight {w[i]:g}")
    huge = ~bad & (w > MAX_WEIGHT)  # two rows of 1e308 summed to infinity: an OverflowError
    check.error(huge, col, lambda i: f"weight {shown[i].strip()[:40]} is too large (more than "
                                     f"{MAX_WEIGHT:.0e}, far beyond any population or order count)")
    w[neg | huge | bad] = np.nan
    return w


def format_demand_report(imp: DemandImport, limit: int = 20) -> str:
    """One paragraph for stderr or a dialog: what was read, where the weight went."""
    what = "valid pixels" if imp.kind == "raster" else "rows"
    col = f" (column {imp.column})" if imp.column else ""
    lines = [f"{imp.demand.source['file']}: {imp.rows_read:,} {what}{col}, total {imp.total:,.0f}; "
             f"{imp.inside:,.0f} in the 31 provinces, {imp.outside:,.0f} outside", *imp.hints]
    if imp.issues:
        lines.append(f"{len(imp.issues):,} rows skipped:")
        lines += [f"  {i}" for i in imp.issues[:limit]]
        if len(imp.issues) > limit:
            lines.append(f"  … and {len(imp.issues) - limit:,} more")
    return "\n".join(lines)
