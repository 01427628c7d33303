"""Planners' own site lists in: validated row by row, never imported silently wrong.

:func:`read_sites` reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) and XLSX (see
:mod:`geo.site_tables`) and GIS files through GDAL (Shapefile, KML/KMZ, GeoJSON,
GeoPackage, FlatGeobuf: :mod:`geo.vector_read`), recognises the columns (:mod:`geo.columns`)
and checks every row. A whole-file problem raises :class:`SiteFileError` naming the
file. Row problems become :class:`ImportIssue` (file, row as the user sees it,
column, problem): ``issues`` are rows that were skipped, ``notes`` are rows imported
with something worth a look (swapped on request, a province column that disagrees
with the coordinates). Valid rows are kept, so the caller can import them and list
what was skipped; nothing is changed until the caller applies the result.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from reach_planner.geo.chinacrs import CRS_CHOICES, to_wgs84
from reach_planner.geo.columns import (
    ALIASES,
    KIND_WORDS,
    ColumnMap,
    guess_columns,
    kinds_of,
    provinces_of,
)
from reach_planner.geo.data import load_china
from reach_planner.geo.grid import province_of
from reach_planner.geo.input_checks import crs_hints, not_a_number
from reach_planner.geo.network import DISTRIBUTION, OUTLET, Network, empty_layer, make_layer
from reach_planner.geo.site_tables import (
    SUFFIXES,
    ColumnsNotFound,
    SiteFileError,
    Table,
    first_line,
    read_table,
)
from reach_planner.geo.vector_read import LayerChoiceNeeded

__all__ = ["ALIASES", "KIND_WORDS", "SUFFIXES", "ColumnMap", "ColumnsNotFound", "ImportIssue",
           "ImportResult", "LayerChoiceNeeded", "SiteFileError", "Source",
           "SiteOverlay", "apply_import", "apply_overlay",
           "format_report", "guess_columns", "overlay_from", "peek_columns", "read_sites"]

COAST_TOLERANCE_DEG = 0.03  # ~3 km: a site on the shore may fall just outside simplified coasts
ERROR, WARNING = "error", "warning"
REPLACE = ("both", "outlets", "sites")
LAYERS = ("sites", "outlets")
OTHER = ("keep", "empty")


@dataclass(frozen=True)
class Source:
    """How to open a file: which layer of a GIS file (None: the only point layer, or ask;
    ``"*"``: all point layers) and the text encoding (None: detected)."""

    layer: str | None = None
    encoding: str | None = None


@dataclass(frozen=True)
class ImportIssue:
    """One row's problem. ``severity`` "error": the row was skipped; "warning": the
    row was imported but deserves a look."""

    file: str
    row: int
    column: str
    problem: str
    fixable: str = ""  # "swap" when swapping latitude/longitude would fix the row
    severity: str = ERROR

    def __str__(self) -> str:
        col = f", column {self.column}" if self.column else ""
        return f"{self.file}: row {self.row}{col}: {self.problem}"


@dataclass(frozen=True, eq=False)
class ImportResult:
    path: Path
    sites: gpd.GeoDataFrame
    outlets: gpd.GeoDataFrame
    issues: tuple[ImportIssue, ...]  # skipped rows (severity "error")
    rows_read: int
    columns: ColumnMap
    swapped: int = 0  # rows whose latitude/longitude were swapped on request
    notes: tuple[ImportIssue, ...] = ()  # imported rows with a warning
    crs: str = "wgs84"  # the coordinate system the file was read in (geo.chinacrs)
    hints: tuple[str, ...] = ()  # whole-file warnings (a web map's coordinates read as WGS84)
    source: Source = Source()  # the layer and encoding it was read with

    @property
    def imported(self) -> int:
        return len(self.sites) + len(self.outlets)

    @property
    def skipped(self) -> int:
        """Rows skipped (a row with a bad latitude and a bad longitude has two issues)."""
        return len({(i.file, i.row) for i in self.issues})

    @property
    def swappable(self) -> int:
        return sum(1 for i in self.issues if i.fixable == "swap")


@dataclass(frozen=True, eq=False)
class SiteOverlay:
    """The planner's changes laid over the simulation: imported layers replace the
    simulated ones (``other``: keep the layer the file did not contain simulated, or
    leave it empty), or join them (the layers named in ``adds``), and accepted
    recommendations are added as outlets. ``demand``
    (a ``geo.demand.Demand`` from ``geo.demand_io``) replaces the census model."""

    sites: gpd.GeoDataFrame | None = None
    outlets: gpd.GeoDataFrame | None = None
    other: str = "keep"
    source_name: str = ""
    added_outlets: gpd.GeoDataFrame | None = None
    demand: Any = None
    adds: tuple[str, ...] = ()  # "sites"/"outlets": imported rows join the simulated ones

    def with_demand(self, demand: Any) -> SiteOverlay:
        """The same overlay measured against another demand (None: the census model)."""
        return dataclasses.replace(self, demand=demand)

    @property
    def has_layers(self) -> bool:
        return self.sites is not None or self.outlets is not None

    def combined(self, more: SiteOverlay) -> SiteOverlay:
        """This import plus another one (File › Import, "Add"): layers are joined, ids
        renumbered if the two files used the same ones; accepted outlets and the demand
        stay. A layer keeps joining the simulation if it did before."""
        names = " + ".join(n for n in (self.source_name, more.source_name) if n)
        other = more.other if more.other == self.other or not self.has_layers else "keep"
        return SiteOverlay(_joined(self.sites, more.sites, "DS"),
                           _joined(self.outlets, more.outlets, "SO"), other, names,
                           self.added_outlets, self.demand, _adds(self, more))

    def replaced(self, more: SiteOverlay) -> SiteOverlay:
        """Another import in place of the layers it holds ("Replace"); the layers it does
        not hold, accepted outlets and the demand stay as they were."""
        keeps_mine = (more.sites is None and self.sites is not None
                      or more.outlets is None and self.outlets is not None)
        names = " + ".join(n for n in (self.source_name if keeps_mine else "", more.source_name)
                           if n)
        return SiteOverlay(more.sites if more.sites is not None else self.sites,
                           more.outlets if more.outlets is not None else self.outlets,
                           more.other, names, self.added_outlets, self.demand,
                           _adds(more, self))

    def with_added(self, outlets: gpd.GeoDataFrame) -> SiteOverlay:
        """A new overlay with more accepted outlets (ids stay unique)."""
        old = self.added_outlets
        add = outlets.copy()
        start = 0 if old is None else len(old)
        add["site_id"] = [f"RO{start + k + 1:05d}" for k in range(len(add))]
        both = add if old is None else gpd.GeoDataFrame(
            pd.concat([old, add], ignore_index=True), geometry="geometry", crs=add.crs)
        return dataclasses.replace(self, added_outlets=both)


def _adds(first: SiteOverlay, second: SiteOverlay) -> tuple[str, ...]:
    """Which layers join the simulation: ``first``'s say for the layers it holds,
    ``second``'s for the rest."""
    return tuple(k for k in LAYERS if k in (first.adds if getattr(first, k) is not None
                                             else second.adds))


def _added(simulated: gpd.GeoDataFrame, imported: gpd.GeoDataFrame, prefix: str
           ) -> gpd.GeoDataFrame:
    """Imported rows after the simulated ones; imported ids that repeat a simulated id
    are renumbered (the simulated ids stay as they are)."""
    add = imported.to_crs(simulated.crs) if simulated.crs != imported.crs else imported.copy()
    taken = set(simulated["site_id"].astype(str))
    if add["site_id"].astype(str).isin(taken).any():
        add["site_id"] = [f"{prefix}I{k + 1:06d}" for k in range(len(add))]
    return gpd.GeoDataFrame(pd.concat([simulated, add], ignore_index=True), geometry="geometry",
                            crs=simulated.crs)


def _joined(a: gpd.GeoDataFrame | None, b: gpd.GeoDataFrame | None,
            prefix: str) -> gpd.GeoDataFrame | None:
    if a is None or b is None:
        return b if a is None else a
    both = gpd.GeoDataFrame(pd.concat([a, b], ignore_index=True), geometry="geometry",
                            crs=a.crs)
    if both["site_id"].duplicated().any():
        both["site_id"] = [f"{prefix}{k + 1:06d}" for k in range(len(both))]
    return both


# -- columns -----------------------------------------------------------------------------
def peek_columns(path: str | Path, source: Source | None = None) -> list[str]:
    """The file's column names, for a column-mapping dialog."""
    src = source or Source()
    table = _guarded(Path(path), lambda: read_table(Path(path), src.layer, src.encoding))
    return [str(c) for c in table.frame.columns if not str(c).startswith("__")]


def resolve_columns(frame: pd.DataFrame, mapping: ColumnMap | None, path: Path) -> ColumnMap:
    """Recognised columns, overridden by the user's mapping where given."""
    cols = guess_columns(list(frame.columns))
    if "__geom" in frame.columns and not (frame["__geom"] == "Point").any():
        # GeoJSON/GeoPackage without point geometries but with lat/lon attributes
        attr = guess_columns([c for c in frame.columns if not str(c).startswith("__")])
        if attr.lat and attr.lon:
            cols = dataclasses.replace(cols, lat=attr.lat, lon=attr.lon)
    if mapping is not None:
        chosen = mapping.chosen()
        for key, col in chosen.items():
            if col not in frame.columns:
                raise SiteFileError(f"{path}: no column named {col!r} (for {key}); columns are: "
                                    + ", ".join(_visible(frame.columns)))
        cols = ColumnMap(**{**cols.__dict__, **chosen})
    if cols.lat is None or cols.lon is None:
        raise ColumnsNotFound(
            f"{path}: no latitude/longitude columns found (looked for lat/latitude/纬度 and "
            f"lon/lng/longitude/经度); columns are: {', '.join(_visible(frame.columns))}. "
            "Choose them with a column mapping (--lat-col/--lon-col)",
            [str(c) for c in frame.columns if not str(c).startswith("__")])
    return cols


def _visible(columns) -> list[str]:
    return [str(c) for c in columns if not str(c).startswith("__")] or ["(none)"]


# -- reading -----------------------------------------------------------------------------
def read_sites(path: str | Path, mapping: ColumnMap | None = None, default_kind: str = OUTLET,
               swap_latlon: bool = False, crs: str = "wgs84", source: Source | None = None) -> ImportResult:
    """Read, recognise and validate a site file.

    Raises only :class:`SiteFileError` (whole-file problems; :class:`LayerChoiceNeeded`
    when a GIS file has several point layers and ``source`` names none); bad rows are
    reported in the result. ``default_kind`` is the type of rows without a type column
    or value.
    ``crs``: the file's coordinates are WGS84, or GCJ-02/BD-09 from a Chinese web map
    (converted to WGS84, :mod:`geo.chinacrs`).
    """
    if default_kind not in (DISTRIBUTION, OUTLET):
        raise ValueError(f"default_kind must be {DISTRIBUTION!r} or {OUTLET!r}")
    if crs not in CRS_CHOICES:
        raise ValueError(f"crs must be one of {', '.join(CRS_CHOICES)}, got {crs!r}")
    path = Path(path)
    src = source or Source()
    return _guarded(path, lambda: _read_sites(path, mapping, default_kind, swap_latlon, crs, src))


def _guarded(path: Path, work: Callable):
    """Last line of defence: whatever a malformed file does to a library, the user gets
    a :class:`SiteFileError`, never a traceback. (Tests assert this path is never hit.)"""
    try:
        return work()
    except (SiteFileError, MemoryError):
        raise
    except Exception as exc:  # see docstring
        raise SiteFileError(f"{path}: could not be read (unexpected {type(exc).__name__}: "
                            f"{first_line(exc)})") from exc


def _read_sites(path: Path, mapping: ColumnMap | None, default_kind: str,
                swap: bool, crs: str, source: Source) -> ImportResult:
    table = read_table(path, source.layer, source.encoding)
    cols = resolve_columns(table.frame, mapping, path)
    check = _Checker(table)
    frame = table.frame
    bad = np.zeros(len(frame), dtype=bool)
    if "__geom" in frame.columns and "__lat" in (cols.lat, cols.lon):
        geom = frame["__geom"].to_numpy(dtype=object)
        not_point = geom != "Point"
        check.error(not_point, "", lambda i: "no point geometry" if geom[i] in ("none", "empty")
                    else f"geometry is {geom[i]}, not a point")
        bad |= not_point
    lat, lon = _numbers(frame, cols, bad, check)
    lon, lat = to_wgs84(crs, lon, lat)
    bad |= np.isnan(lat) | np.isnan(lon)
    lat, lon, gb, swapped = _place(lat, lon, bad, swap, check)
    bad |= gb == 0
    kinds = _kinds(frame, cols, default_kind, bad, check)
    bad |= kinds == ""
    bad |= _duplicates(lat, lon, kinds, bad, check)
    keep = ~bad
    _province_notes(frame, cols, keep, gb, check)
    layers = {kind: _layer(frame, cols, keep & (kinds == kind), kind, lon, lat, gb, check)
              for kind in (DISTRIBUTION, OUTLET)}
    return ImportResult(path=path, sites=layers[DISTRIBUTION], outlets=layers[OUTLET],
                        issues=check.sorted(ERROR), rows_read=len(frame) + len(table.problems),
                        columns=cols, swapped=swapped, notes=check.sorted(WARNING), crs=crs,
                        hints=crs_hints(path, frame.columns, crs), source=source)


class _Checker:
    """Collects issues for flagged rows; only flagged rows cost Python work."""

    def __init__(self, table: Table) -> None:
        self.rows, self.where = table.rows, table.where
        self.found = [ImportIssue(f, r, "", p) for f, r, p in table.problems]

    def error(self, mask: np.ndarray, column: str | None, message: Callable[[int], str],
              fixable: str = "") -> None:
        self._add(mask, column, message, fixable, ERROR)

    def warn(self, mask: np.ndarray, column: str | None, message: Callable[[int], str]) -> None:
        self._add(mask, column, message, "", WARNING)

    def _add(self, mask, column, message, fixable, severity) -> None:
        col = "" if column is None or str(column).startswith("__") else str(column)
        for i in np.flatnonzero(mask):
            self.found.append(ImportIssue(str(self.where[i]), int(self.rows[i]), col,
                                          message(int(i)), fixable, severity))

    def sorted(self, severity: str) -> tuple[ImportIssue, ...]:
        return tuple(sorted((i for i in self.found if i.severity == severity),
                            key=lambda i: (i.file, i.row)))


def _numbers(frame: pd.DataFrame, cols: ColumnMap, bad: np.ndarray,
             check: _Checker) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates as floats (NaN where missing or not a number, which is reported).

    One vectorised parse; only the rows it rejects get the slower second look
    (decimal comma, a degree sign, blank)."""
    out = []
    for col, label in ((cols.lat, "latitude"), (cols.lon, "longitude")):
        series = frame[col].astype(str)
        val = np.array(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float,
                                                                       na_value=np.nan))
        val[~np.isfinite(val)] = np.nan
        retry = np.flatnonzero(np.isnan(val) & ~bad)
        text = series.iloc[retry].str.strip()
        fixed = text.str.replace(",", ".", regex=False).str.rstrip("°").str.strip()
        val[retry] = pd.to_numeric(fixed, errors="coerce").to_numpy(dtype=float,
                                                                    na_value=np.nan)
        val[~np.isfinite(val)] = np.nan
        empty = np.zeros(len(val), dtype=bool)
        empty[retry] = (text == "").to_numpy()
        shown = dict(zip(retry.tolist(), text.tolist()))
        check.error(empty, col, lambda i, lab=label: f"missing {lab}")  # type: ignore[misc]
        check.error(np.isnan(val) & ~empty & ~bad, col,
                    lambda i, lab=label, sh=shown: not_a_number(lab, sh[i]))  # type: ignore[misc]
        val[bad] = np.nan
        out.append(val)
    return out[0], out[1]


def _place(lat: np.ndarray, lon: np.ndarray, bad: np.ndarray, swap: bool,
           check: _Checker) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Province of each point; out-of-range, outside-mainland and swapped rows reported."""
    ok = ~bad
    out_range = ok & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    gb = np.zeros(len(lat), dtype=np.int64)
    test = ok & ~out_range
    gb[test] = _province_with_coast(lon[test], lat[test])
    # (lat, lon) is not in China: would (lon, lat) be?
    cand = ((test & (gb == 0)) | out_range) & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    gb_sw = np.zeros(len(lat), dtype=np.int64)
    gb_sw[cand] = _province_with_coast(lat[cand], lon[cand])
    swapped = cand & (gb_sw > 0)
    n_swapped = 0
    if swap and swapped.any():
        lat, lon = lat.copy(), lon.copy()
        lat[swapped], lon[swapped] = lon[swapped], lat[swapped].copy()
        gb[swapped] = gb_sw[swapped]
        n_swapped = int(swapped.sum())
        check.warn(swapped, "", lambda i: "latitude/longitude were swapped as asked "
                                          f"(now {lat[i]:g}N, {lon[i]:g}E)")
    else:
        check.error(swapped, "", lambda i: f"latitude/longitude look swapped ({lat[i]:g}, "
                                           f"{lon[i]:g}); swapping them would put the site in "
                                           f"{_province_name(gb_sw[i])}", "swap")
    check.error(out_range & ~swapped, "",
                lambda i: f"coordinates out of range ({lat[i]:g}, {lon[i]:g}): latitude must "
                          "be within ±90 and longitude within ±180")
    check.error(test & (gb == 0) & ~swapped, "",
                lambda i: f"coordinates outside mainland China ({lat[i]:g}N, {lon[i]:g}E)")
    return lat, lon, gb, n_swapped


def _province_name(code: int) -> str:
    return _english_names().get(int(code), "China")


@functools.cache
def _english_names() -> dict[int, str]:
    return {code: en for code, (en, _zh) in load_china().province_names().items()}


def _province_with_coast(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    gb = province_of(lon, lat)
    miss = np.flatnonzero(gb == 0)
    if len(miss):
        prov = load_china().provinces
        pts = gpd.points_from_xy(lon[miss], lat[miss])
        i, j = prov.sindex.nearest(pts, max_distance=COAST_TOLERANCE_DEG, return_all=False)
        gb[miss[i]] = prov["gb_code"].to_numpy()[j]
    return gb


def _kinds(frame: pd.DataFrame, cols: ColumnMap, default_kind: str, bad: np.ndarray,
           check: _Checker) -> np.ndarray:
    """distribution/outlet per row ('' where skipped); unknown type words are reported."""
    if cols.type is None:
        return np.where(bad, "", default_kind).astype(object)
    codes, uniq = pd.factorize(frame[cols.type].astype(str))  # few distinct type words
    words = pd.Series(uniq, dtype=object).astype(str).str.strip()
    per_word = kinds_of(words).where(words != "", default_kind).to_numpy(dtype=object)
    kinds = per_word[codes]
    unknown = pd.isna(kinds) & ~bad
    shown = words.to_numpy(dtype=object)[codes]
    check.error(unknown, cols.type,
                lambda i: f"unknown type {shown[i][:30]!r} (use distribution/outlet or "
                          "配送中心/服务网点)")
    return np.where(pd.isna(kinds) | bad, "", kinds).astype(object)


def _duplicates(lat: np.ndarray, lon: np.ndarray, kinds: np.ndarray, bad: np.ndarray,
                check: _Checker) -> np.ndarray:
    """Same place (to ~1 m) and same type as an earlier row: the later row is skipped."""
    valid = np.flatnonzero(~bad)
    out = np.zeros(len(lat), dtype=bool)
    if len(valid) == 0:
        return out
    a, b, k = np.round(lat[valid], 5), np.round(lon[valid], 5), kinds[valid]
    first = pd.Series(valid).groupby([a, b, k], sort=False).transform("first").to_numpy()
    dup = first != valid
    out[valid[dup]] = True
    first_of = dict(zip(valid[dup].tolist(), first[dup].tolist()))
    check.error(out, "", lambda i: f"duplicate of row {check.rows[first_of[i]]} "
                                   "(same place and type)")
    return out


def _province_notes(frame: pd.DataFrame, cols: ColumnMap, keep: np.ndarray, gb: np.ndarray,
                    check: _Checker) -> None:
    """A province column that disagrees with the coordinates: imported by coordinates,
    flagged so a typo in the coordinates does not go unnoticed."""
    if cols.province is None:
        return
    text = frame[cols.province].astype(str).str.strip()
    named = provinces_of(text)
    shown = text.to_numpy(dtype=object)
    check.warn(keep & (named > 0) & (named != gb), cols.province,
               lambda i: f"the coordinates are in {_province_name(gb[i])}, not "
                         f"{shown[i][:30]!r}; imported by coordinates")
    check.warn(keep & (named < 0), cols.province,
               lambda i: f"province {shown[i][:30]!r} not recognised; the coordinates say "
                         f"{_province_name(gb[i])}")


def _layer(frame: pd.DataFrame, cols: ColumnMap, sel: np.ndarray, kind: str, lon: np.ndarray,
           lat: np.ndarray, gb: np.ndarray, check: _Checker) -> gpd.GeoDataFrame:
    idx = np.flatnonzero(sel)
    prov = _english_names()
    label = "Imported distribution site" if kind == DISTRIBUTION else "Imported outlet"
    if cols.name:
        nm = frame[cols.name].astype(str).str.strip().to_numpy(dtype=object)[idx]
        names = [n if n else f"{label} {k + 1}" for k, n in enumerate(nm)]
    else:
        names = [f"{label} {k + 1}" for k in range(len(idx))]
    return make_layer(kind, lon[idx], lat[idx], gb[idx], names, prov, source="imported",
                      ids=_ids(frame, cols, idx, check))


def _ids(frame: pd.DataFrame, cols: ColumnMap, idx: np.ndarray,
         check: _Checker) -> list[str] | None:
    """The file's own ids when they are present and unique, else generated ones."""
    if not cols.id or len(idx) == 0:
        return None
    raw = frame[cols.id].astype(str).str.strip().to_numpy(dtype=object)[idx]
    blank = raw == ""
    repeated = pd.Series(raw).duplicated().to_numpy()
    if not (blank | repeated).any():
        return list(raw)
    first = idx[np.flatnonzero(blank | repeated)[0]]
    mask = np.zeros(len(frame), dtype=bool)
    mask[first] = True
    check.warn(mask, cols.id, lambda i: "ids in this column are blank or repeated, so every "
                                        "site of this type was given a new id")
    return None


# -- using an import ---------------------------------------------------------------------
def overlay_from(result: ImportResult, other: str = "keep", replace: str = "both",
                 add: bool = False) -> SiteOverlay:
    """The imported layers that replace the simulated ones (``add``: join them).

    ``replace="both"``: every layer the file has rows for; ``"outlets"``/``"sites"``:
    only that layer (even if the file had none of it). ``other``: the layer not
    replaced stays simulated (``keep``) or is emptied (``empty``).
    """
    if other not in OTHER:
        raise ValueError(f"other must be 'keep' or 'empty', got {other!r}")
    if replace not in REPLACE:
        raise ValueError(f"replace must be one of {', '.join(REPLACE)}, got {replace!r}")
    sites = result.sites if (replace == "sites" or replace == "both" and len(result.sites)) \
        else None
    outlets = result.outlets if (replace == "outlets" or replace == "both"
                                 and len(result.outlets)) else None
    adds = tuple(k for k, layer in zip(LAYERS, (sites, outlets)) if add and layer is not None)
    return SiteOverlay(sites=sites, outlets=outlets, other="keep" if add else other,
                       source_name=result.path.name, adds=adds)


def apply_overlay(network: Network, overlay: SiteOverlay | None) -> Network:
    """A new network: imported layers in, the other layer kept or emptied."""
    if overlay is None:
        return network
    keep = overlay.other == "keep"
    sites = overlay.sites if overlay.sites is not None else (
        network.sites if keep else empty_layer(DISTRIBUTION))
    outlets = overlay.outlets if overlay.outlets is not None else (
        network.outlets if keep else empty_layer(OUTLET))
    if "sites" in overlay.adds and overlay.sites is not None:
        sites = _added(network.sites, overlay.sites, "DS")
    if "outlets" in overlay.adds and overlay.outlets is not None:
        outlets = _added(network.outlets, overlay.outlets, "SO")
    if overlay.added_outlets is not None and len(overlay.added_outlets):
        outlets = gpd.GeoDataFrame(pd.concat([outlets, overlay.added_outlets], ignore_index=True),
                                   geometry="geometry", crs=overlay.added_outlets.crs)
    return Network(sites=sites, outlets=outlets).with_layers()


def apply_import(network: Network, result: ImportResult, replace: str = "both",
                 other: str = "keep") -> Network:
    """A NEW network with the import merged in (the given one is never mutated);
    outlets get their parent distribution sites reassigned."""
    return apply_overlay(network, overlay_from(result, other, replace))


def format_report(result: ImportResult, limit: int = 20) -> str:
    """The validation report a person reads: counts, then the first problems."""
    head = (f"{result.path.name}: {_n(result.rows_read, 'row')} read, {result.imported:,} "
            f"valid ({_n(len(result.sites), 'distribution site')}, "
            f"{_n(len(result.outlets), 'outlet')}), {result.skipped:,} skipped")
    lines = [head, *(f"  {h}" for h in result.hints)]
    if result.swapped:
        lines.append(f"  {_n(result.swapped, 'row')} had latitude/longitude swapped and "
                     f"{'was' if result.swapped == 1 else 'were'} fixed")
    lines += [f"  {i}" for i in result.issues[:limit]]
    if len(result.issues) > limit:
        lines.append(f"  … and {len(result.issues) - limit:,} more problems")
    if result.swappable:
        lines.append(f"  {_n(result.swappable, 'row')} look like latitude/longitude are swapped: "
                     "import again with swapping on (--swap-latlon) to fix them")
    notes = [n for n in result.notes if not n.problem.startswith("latitude/longitude were")]
    shown = max(limit // 2, 1)
    if notes:
        lines.append(f"  {_n(len(notes), 'imported row')} with a warning:")
        lines += [f"  {n}" for n in notes[:shown]]
        if len(notes) > shown:
            lines.append(f"  … and {len(notes) - shown:,} more warnings")
    return "\n".join(lines)


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"
