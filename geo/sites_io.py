"""Planners' own site lists in: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX, GeoJSON,
GeoPackage. Validated row by row, never imported silently wrong.

A whole-file problem (empty, wrong encoding, not what the extension says, no
coordinate columns) raises :class:`SiteFileError` naming the file. Row problems are
collected as :class:`ImportIssue` (file, row as the user sees it, column, problem);
valid rows are kept so the caller can import them and list what was skipped.
Row numbers: CSV = line number (the header is line 1), XLSX = Excel row, GeoJSON and
GeoPackage = feature number (1-based).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.data import load_china
from geo.grid import province_of
from geo.network import DISTRIBUTION, OUTLET, Network, empty_layer, make_layer

ALIASES: dict[str, tuple[str, ...]] = {
    "lat": ("lat", "latitude", "y", "wgs84_lat", "纬度", "緯度", "北纬"),
    "lon": ("lon", "lng", "long", "longitude", "x", "wgs84_lon", "经度", "經度", "东经"),
    "name": ("name", "site_name", "site", "名称", "名稱", "网点名称", "站点名称", "网点", "站点"),
    "type": ("type", "kind", "category", "site_type", "类型", "類型", "网点类型", "站点类型"),
    "province": ("province", "prov", "省份", "省", "所在省份"),
    "id": ("id", "site_id", "code", "编号", "编码", "网点编号"),
}
KIND_WORDS = {
    DISTRIBUTION: ("distribution", "distribution site", "distribution centre",
                   "distribution center", "dc", "hub", "warehouse", "depot", "配送中心",
                   "配送站", "分拨中心", "仓库", "物流中心"),
    OUTLET: ("outlet", "service outlet", "service", "service point", "store", "shop",
             "网点", "服务网点", "服务站", "服务点", "门店", "专卖店"),
}
SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".geojson": "geojson",
            ".json": "geojson", ".gpkg": "gpkg"}
COAST_TOLERANCE_DEG = 0.03  # ~3 km: a site on the shore may fall just outside simplified coasts
MAX_ROWS = 2_000_000


class SiteFileError(ValueError):
    """The file as a whole cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class ImportIssue:
    file: str
    row: int
    column: str
    problem: str
    fixable: str = ""  # "swap" when swapping latitude/longitude would fix the row

    def __str__(self) -> str:
        col = f", column {self.column}" if self.column else ""
        return f"{self.file}: row {self.row}{col}: {self.problem}"


@dataclass(frozen=True)
class ColumnMap:
    """Which source column holds what; None where the file has no such column."""

    lat: str | None = None
    lon: str | None = None
    name: str | None = None
    type: str | None = None
    province: str | None = None
    id: str | None = None


@dataclass(frozen=True, eq=False)
class ImportResult:
    path: Path
    sites: gpd.GeoDataFrame
    outlets: gpd.GeoDataFrame
    issues: tuple[ImportIssue, ...]
    rows_read: int
    columns: ColumnMap
    swapped: int = 0  # rows whose latitude/longitude were swapped on request

    @property
    def imported(self) -> int:
        return len(self.sites) + len(self.outlets)

    @property
    def swappable(self) -> int:
        return sum(1 for i in self.issues if i.fixable == "swap")


@dataclass(frozen=True, eq=False)
class SiteOverlay:
    """The planner's changes laid over the simulation: imported layers replace the
    simulated ones (``other``: keep the layer the file did not contain simulated, or
    leave it empty), and accepted recommendations are added as outlets."""

    sites: gpd.GeoDataFrame | None = None
    outlets: gpd.GeoDataFrame | None = None
    other: str = "keep"
    source_name: str = ""
    added_outlets: gpd.GeoDataFrame | None = None

    def with_added(self, outlets: gpd.GeoDataFrame) -> SiteOverlay:
        """A new overlay with more accepted outlets (ids stay unique)."""
        old = self.added_outlets
        add = outlets.copy()
        start = 0 if old is None else len(old)
        add["site_id"] = [f"RO{start + k + 1:05d}" for k in range(len(add))]
        both = add if old is None else gpd.GeoDataFrame(
            pd.concat([old, add], ignore_index=True), geometry="geometry", crs=add.crs)
        return SiteOverlay(self.sites, self.outlets, self.other, self.source_name, both)


# -- reading ---------------------------------------------------------------------------
def read_table(path: Path) -> tuple[pd.DataFrame, str, int]:
    """Raw rows as strings, the kind of file, and the row number of the first data row."""
    if not path.exists():
        raise SiteFileError(f"{path}: file not found")
    if path.is_dir():
        raise SiteFileError(f"{path}: is a folder, not a file")
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise SiteFileError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
                            "use .csv, .xlsx, .geojson or .gpkg")
    data = path.read_bytes()
    if not data.strip():
        raise SiteFileError(f"{path}: the file is empty")
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "geojson": _read_geojson,
              "gpkg": _read_gpkg}[kind]
    frame, first_row = reader(path, data)
    if len(frame) == 0:
        raise SiteFileError(f"{path}: the file has a header but no rows")
    if len(frame) > MAX_ROWS:
        raise SiteFileError(f"{path}: {len(frame):,} rows is more than {MAX_ROWS:,}")
    return frame, kind, first_row


def _looks_binary(data: bytes) -> str:
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        return "an XLSX/ZIP file"
    if head.startswith(b"SQLite format 3"):
        return "a GeoPackage/SQLite file"
    if head.startswith(b"%PDF"):
        return "a PDF file"
    if b"\x00" in head:
        return "a binary file"
    return ""


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK/GB18030 as Chinese Excel writes."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SiteFileError(f"{path}: starts with a UTF-8 mark but is not valid UTF-8 "
                                f"(byte {exc.start + 3})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SiteFileError(f"{path}: not valid UTF-16 text") from None
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise SiteFileError(f"{path}: wrong encoding: the text is neither UTF-8 nor GBK/GB18030")


def _read_csv(path: Path, data: bytes) -> tuple[pd.DataFrame, int]:
    what = _looks_binary(data)
    if what:
        raise SiteFileError(f"{path}: not a CSV text file (it looks like {what})")
    text = decode_text(path, data)
    sample = text[:20000]
    try:
        sep = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",",
                                  delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            skipinitialspace=True, engine="c")
    except pd.errors.EmptyDataError:
        raise SiteFileError(f"{path}: the file has no header row") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise SiteFileError(f"{path}: not a readable CSV table ({_first_line(exc)})") from None
    return frame, 2


def _read_xlsx(path: Path, data: bytes) -> tuple[pd.DataFrame, int]:
    if not data.startswith(b"PK\x03\x04"):
        raise SiteFileError(f"{path}: not an XLSX workbook (the file is not a ZIP package)")
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise SiteFileError(f"{path}: not a readable XLSX workbook ({_first_line(exc)})") from None
    return frame.fillna(""), 2


def _read_geojson(path: Path, data: bytes) -> tuple[pd.DataFrame, int]:
    try:
        doc = json.loads(decode_text(path, data))
    except json.JSONDecodeError as exc:
        raise SiteFileError(f"{path}: not valid GeoJSON (JSON error at line {exc.lineno})") from None
    feats = doc.get("features") if isinstance(doc, dict) else None
    if doc.get("type") != "FeatureCollection" if isinstance(doc, dict) else True:
        raise SiteFileError(f"{path}: not a GeoJSON FeatureCollection")
    if not isinstance(feats, list):
        raise SiteFileError(f"{path}: the FeatureCollection has no features list")
    rows = []
    for f in feats:
        props = dict((f or {}).get("properties") or {})
        geom = (f or {}).get("geometry") or {}
        coords = geom.get("coordinates") if geom.get("type") == "Point" else None
        ok = isinstance(coords, list) and len(coords) >= 2
        props["__lon"] = str(coords[0]) if ok else ""
        props["__lat"] = str(coords[1]) if ok else ""
        props["__geom"] = geom.get("type", "") or "none"
        rows.append({k: ("" if v is None else str(v)) for k, v in props.items()})
    return pd.DataFrame(rows, dtype=str).fillna(""), 1


def _read_gpkg(path: Path, data: bytes) -> tuple[pd.DataFrame, int]:
    if not data.startswith(b"SQLite format 3"):
        raise SiteFileError(f"{path}: not a GeoPackage (the file is not an SQLite database)")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio/GDAL errors for damaged files
        raise SiteFileError(f"{path}: not a readable GeoPackage ({_first_line(exc)})") from None
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    frame = pd.DataFrame(gdf.drop(columns="geometry")).astype(str).replace({"None": "", "nan": ""})
    is_point = (gdf.geom_type == "Point").to_numpy()
    frame["__lon"] = np.where(is_point, gdf.geometry.x.astype(str) if is_point.any() else "", "")
    frame["__lat"] = np.where(is_point, gdf.geometry.y.astype(str) if is_point.any() else "", "")
    frame["__geom"] = gdf.geom_type.fillna("none").astype(str).to_numpy()
    return frame, 1


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def peek_columns(path: str | Path) -> list[str]:
    """The file's column names, for a column-mapping dialog."""
    frame, _kind, _first = read_table(Path(path))
    return [str(c) for c in frame.columns if not str(c).startswith("__")]


# -- columns ---------------------------------------------------------------------------
def guess_columns(columns: list[str]) -> ColumnMap:
    """Recognise columns by common English and Chinese names (case, spaces ignored)."""
    norm = {str(c).strip().lower().replace(" ", "_"): c for c in columns}
    found = {}
    for key, names in ALIASES.items():
        found[key] = next((norm[n] for n in names if n in norm), None)
    if "__lat" in columns:  # geometry of GeoJSON/GeoPackage wins over attribute columns
        found["lat"], found["lon"] = "__lat", "__lon"
    return ColumnMap(**found)


def resolve_columns(frame: pd.DataFrame, mapping: ColumnMap | None, path: Path) -> ColumnMap:
    cols = guess_columns(list(frame.columns))
    if mapping is not None:
        chosen = {k: v for k, v in mapping.__dict__.items() if v}
        for key, col in chosen.items():
            if col not in frame.columns:
                raise SiteFileError(f"{path}: no column named {col!r} (for {key}); columns are: "
                                    + ", ".join(map(str, frame.columns)))
        cols = ColumnMap(**{**cols.__dict__, **chosen})
    if cols.lat is None or cols.lon is None:
        raise SiteFileError(
            f"{path}: no latitude/longitude columns found (looked for lat/latitude/纬度 and "
            f"lon/lng/longitude/经度); columns are: {', '.join(map(str, frame.columns))}. "
            "Choose them with a column mapping (--lat-col/--lon-col)")
    return cols


# -- validation ------------------------------------------------------------------------
def read_sites(path: str | Path, mapping: ColumnMap | None = None, default_kind: str = OUTLET,
               swap_latlon: bool = False) -> ImportResult:
    """Read, recognise and validate a site file; never raises for a bad *row*."""
    path = Path(path)
    frame, _kind, first = read_table(path)
    cols = resolve_columns(frame, mapping, path)
    rows = np.arange(len(frame)) + first
    issues: list[ImportIssue] = []
    fname = path.name
    lat_s = frame[cols.lat].astype(str).str.strip()
    lon_s = frame[cols.lon].astype(str).str.strip()
    lat = pd.to_numeric(lat_s.str.replace(",", ".", regex=False), errors="coerce").to_numpy(float)
    lon = pd.to_numeric(lon_s.str.replace(",", ".", regex=False), errors="coerce").to_numpy(float)
    bad = np.zeros(len(frame), dtype=bool)
    if "__geom" in frame.columns:
        not_point = (frame["__geom"] != "Point").to_numpy()
        _add(issues, fname, rows, not_point, "geometry",
             lambda i: f"geometry is {frame['__geom'].iloc[i]}, not a point")
        bad |= not_point
    for col, text, val, label in ((cols.lat, lat_s, lat, "latitude"),
                                  (cols.lon, lon_s, lon, "longitude")):
        empty = (text == "").to_numpy() & ~bad
        _add(issues, fname, rows, empty, col, lambda i, lab=label: f"missing {lab}")
        nonnum = np.isnan(val) & ~empty & ~bad
        _add(issues, fname, rows, nonnum, col,
             lambda i, t=text, lab=label: f"{lab} is not a number: {t.iloc[i][:40]!r}")
        bad |= empty | nonnum
    lat, lon, swapped, gb = _place(lat, lon, bad, swap_latlon, issues, fname, rows, cols)
    bad |= gb == 0
    kinds = _kinds(frame, cols, default_kind, bad, issues, fname, rows)
    bad |= kinds == ""
    dup = _duplicates(lat, lon, kinds, bad, issues, fname, rows)
    bad |= dup
    return _result(path, frame, cols, ~bad, lat, lon, gb, kinds, issues, swapped)


def _add(issues: list[ImportIssue], fname: str, rows: np.ndarray, mask: np.ndarray,
         column: str | None, message, fixable: str = "") -> None:
    col = "" if column in (None, "__lat", "__lon", "geometry") else str(column)
    for i in np.flatnonzero(mask):
        issues.append(ImportIssue(fname, int(rows[i]), col, message(i), fixable))


def _place(lat, lon, bad, swap, issues, fname, rows, cols):
    """Province of each point; out-of-range, outside-mainland and swapped rows reported."""
    ok = ~bad
    out_range = ok & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    gb = np.zeros(len(lat), dtype=np.int64)
    test = ok & ~out_range
    gb[test] = _province_with_coast(lon[test], lat[test])
    miss = test & (gb == 0)
    gb_sw = np.zeros(len(lat), dtype=np.int64)
    if miss.any():
        gb_sw[miss] = _province_with_coast(lat[miss], lon[miss])
    looks_swapped = (miss | (ok & out_range)) & (gb_sw > 0)
    if (ok & out_range & ~looks_swapped).any():
        cand = ok & out_range & ~looks_swapped & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
        if cand.any():
            gb_sw[cand] = _province_with_coast(lat[cand], lon[cand])
            looks_swapped |= cand & (gb_sw > 0)
    swapped = 0
    if swap and looks_swapped.any():
        lat, lon = lat.copy(), lon.copy()
        lat[looks_swapped], lon[looks_swapped] = lon[looks_swapped], lat[looks_swapped].copy()
        gb[looks_swapped] = gb_sw[looks_swapped]
        swapped = int(looks_swapped.sum())
    else:
        _add(issues, fname, rows, looks_swapped, "",
             lambda i: f"latitude/longitude look swapped ({lat[i]:g}, {lon[i]:g})", "swap")
    _add(issues, fname, rows, ok & out_range & ~looks_swapped, "",
         lambda i: f"coordinates out of range ({lat[i]:g}, {lon[i]:g})")
    _add(issues, fname, rows, miss & ~looks_swapped, "",
         lambda i: f"coordinates outside mainland China ({lat[i]:g}N, {lon[i]:g}E)")
    if not swap:
        gb[looks_swapped] = 0
    return lat, lon, swapped, gb


def _province_with_coast(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    gb = province_of(lon, lat)
    miss = np.flatnonzero(gb == 0)
    if len(miss):
        prov = load_china().provinces
        pts = gpd.points_from_xy(lon[miss], lat[miss])
        i, j = prov.sindex.nearest(pts, max_distance=COAST_TOLERANCE_DEG, return_all=False)
        gb[miss[i]] = prov["gb_code"].to_numpy()[j]
    return gb


def _kinds(frame, cols, default_kind, bad, issues, fname, rows) -> np.ndarray:
    if cols.type is None:
        return np.where(bad, "", default_kind).astype(object)
    raw = frame[cols.type].astype(str).str.strip()
    lookup = {w.lower(): k for k, words in KIND_WORDS.items() for w in words}
    kinds = raw.str.lower().map(lookup)
    empty = (raw == "").to_numpy()
    kinds = kinds.where(~empty, default_kind).to_numpy(dtype=object)
    unknown = pd.isna(kinds) & ~bad
    _add(issues, fname, rows, unknown, cols.type,
         lambda i: f"unknown type {raw.iloc[i][:30]!r} (use distribution/outlet or "
                   "配送中心/服务网点)")
    kinds = np.where(pd.isna(kinds) | bad, "", kinds)
    return kinds.astype(object)


def _duplicates(lat, lon, kinds, bad, issues, fname, rows) -> np.ndarray:
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
    _add(issues, fname, rows, out, "",
         lambda i: f"duplicate of row {rows[first_of[i]]} (same place and type)")
    return out


def _result(path, frame, cols, keep, lat, lon, gb, kinds, issues, swapped) -> ImportResult:
    names = load_china().province_names()
    prov = {code: en for code, (en, _zh) in names.items()}
    layers = {}
    for kind in (DISTRIBUTION, OUTLET):
        sel = keep & (kinds == kind)
        idx = np.flatnonzero(sel)
        label = "Imported distribution site" if kind == DISTRIBUTION else "Imported outlet"
        if cols.name:
            nm = frame[cols.name].astype(str).str.strip().to_numpy()[idx]
            nm = [n if n else f"{label} {k + 1}" for k, n in enumerate(nm)]
        else:
            nm = [f"{label} {k + 1}" for k in range(len(idx))]
        ids = None
        if cols.id:
            raw = frame[cols.id].astype(str).str.strip().to_numpy()[idx]
            if len(set(raw)) == len(raw) and all(raw):
                ids = list(raw)
        layers[kind] = make_layer(kind, lon[idx], lat[idx], gb[idx], nm, prov,
                                  source="imported", ids=ids)
    issues.sort(key=lambda x: x.row)
    return ImportResult(path=path, sites=layers[DISTRIBUTION], outlets=layers[OUTLET],
                        issues=tuple(issues), rows_read=len(frame), columns=cols,
                        swapped=swapped)


# -- using an import -------------------------------------------------------------------
def overlay_from(result: ImportResult, other: str = "keep") -> SiteOverlay:
    """The layers the file contained replace the simulated ones."""
    if other not in ("keep", "empty"):
        raise ValueError(f"other must be 'keep' or 'empty', got {other!r}")
    return SiteOverlay(sites=result.sites if len(result.sites) else None,
                       outlets=result.outlets if len(result.outlets) else None,
                       other=other, source_name=result.path.name)


def apply_overlay(network: Network, overlay: SiteOverlay | None) -> Network:
    """A new network: imported layers in, the other layer kept or emptied."""
    if overlay is None:
        return network
    fill = (lambda kind, layer: layer) if overlay.other == "keep" else \
        (lambda kind, layer: empty_layer(kind))
    sites = overlay.sites if overlay.sites is not None else fill(DISTRIBUTION, network.sites)
    outlets = overlay.outlets if overlay.outlets is not None else fill(OUTLET, network.outlets)
    if overlay.added_outlets is not None and len(overlay.added_outlets):
        outlets = gpd.GeoDataFrame(pd.concat([outlets, overlay.added_outlets], ignore_index=True),
                                   geometry="geometry", crs=overlay.added_outlets.crs)
    return Network(sites=sites, outlets=outlets).with_layers()


def format_report(result: ImportResult, limit: int = 20) -> str:
    """The validation report a person reads: counts, then the first problems."""
    lines = [f"{result.path.name}: {result.rows_read:,} rows read, {result.imported:,} valid "
             f"({len(result.sites):,} distribution sites, {len(result.outlets):,} outlets), "
             f"{len(result.issues):,} skipped"]
    if result.swapped:
        lines.append(f"  {result.swapped:,} rows had latitude/longitude swapped and were fixed")
    lines += [f"  {i}" for i in result.issues[:limit]]
    if len(result.issues) > limit:
        lines.append(f"  … and {len(result.issues) - limit:,} more")
    if result.swappable:
        lines.append(f"  {result.swappable:,} rows look like latitude/longitude are swapped: "
                     "import again with swapping on (--swap-latlon) to fix them")
    return "\n".join(lines)
