"""Site files to a table of strings, with the row number a person sees for each row.

CSV (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030), XLSX, GeoJSON and GeoPackage all
become one shape (:class:`Table`) so validation is written once. Whole-file problems
raise :class:`SiteFileError` naming the file; problems of single rows that only the
reader can see (a CSV row with too many values, a GeoJSON entry that is not a
Feature) come back as ``Table.problems`` so the other rows can still be imported.

Row numbers: CSV = line number (header = line 1, blank lines and line breaks inside
quoted values counted), XLSX = Excel row, GeoJSON/GeoPackage = feature number (1-based).
"""
from __future__ import annotations

import csv
import io
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from reach_planner.geo.limits import InputTooLarge, NotARegularFile, check_text_size, require_regular_file
from reach_planner.geo.text_encoding import mixed_encoding_message
from reach_planner.geo.xlsx_cells import XlsxError, read_cells

SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg"}
MAX_ROWS = 2_000_000
MAX_BYTES = 1 << 30
HEADER_SEARCH_ROWS = 20  # XLSX: rows searched for the header below a title
WGS84_NAMES = ("CRS84", "EPSG::4326", "EPSG:4326", "WGS84", "WGS 84")


class SiteFileError(ValueError):
    """The file as a whole cannot be read; the message names the file and the problem."""


class ColumnsNotFound(SiteFileError):
    """No latitude/longitude columns were recognised. ``columns`` are the file's own
    column names, so a caller (the window's column-mapping dialog, the CLI hint) can
    offer them without reading the file again or parsing the message."""

    def __init__(self, message: str, columns: list[str]) -> None:
        super().__init__(message)
        self.columns = list(columns)

    def __reduce__(self):  # keeps the columns when pickled (process pools, copies)
        return (type(self), (str(self), self.columns))


@dataclass(frozen=True, eq=False)
class Table:
    """Every cell as text. ``rows[i]`` is the user-visible row number of frame row i;
    ``where[i]`` names the file (and layer) for messages. ``problems`` are rows the
    reader already rejected: (where, row, problem)."""

    frame: pd.DataFrame
    rows: np.ndarray
    where: np.ndarray
    problems: tuple[tuple[str, int, str], ...] = ()


def read_table(path: Path) -> Table:
    """Read any supported site file; raises :class:`SiteFileError` for whole-file problems."""
    data = _read_bytes(path)
    kind = SUFFIXES[path.suffix.lower()]
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "geojson": _read_geojson,
              "gpkg": _read_gpkg}[kind]
    table = _drop_blank_rows(reader(path, data))
    if len(table.frame.columns) == 0 and not table.problems:
        raise SiteFileError(f"{path}: the file is empty (no header row)")
    if len(table.frame) == 0 and not table.problems:
        what = "a header but no rows" if kind in ("csv", "xlsx") else "no features"
        raise SiteFileError(f"{path}: the file has {what}")
    if len(table.frame) > MAX_ROWS:
        raise SiteFileError(f"{path}: {len(table.frame):,} rows is more than {MAX_ROWS:,}")
    return table


def _read_bytes(path: Path) -> bytes:
    try:
        require_regular_file(path)  # a FIFO or device would block the read below forever
    except NotARegularFile as exc:
        raise SiteFileError(str(exc)) from None
    if path.suffix.lower() not in SUFFIXES:
        raise SiteFileError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
                            "use .csv, .xlsx, .geojson or .gpkg")
    if path.stat().st_size > MAX_BYTES:
        raise SiteFileError(f"{path}: larger than {MAX_BYTES >> 20:,} MB")
    try:
        check_text_size(path, SUFFIXES[path.suffix.lower()], path.stat().st_size)
    except InputTooLarge as exc:
        raise SiteFileError(str(exc)) from None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SiteFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise SiteFileError(f"{path}: the file is empty")
    return data


def _simple(frame: pd.DataFrame, first: int, path: Path) -> Table:
    n = len(frame)
    return Table(frame.reset_index(drop=True), np.arange(n) + first,
                 np.full(n, path.name, dtype=object))


def _drop_blank_rows(table: Table) -> Table:
    """Rows with nothing in them (blank lines, ``,,,``) are not sites: skip them quietly.

    Only rows whose first cell is blank can be blank, so the full check runs on those."""
    f = table.frame
    if len(f) == 0 or len(f.columns) == 0:
        return table
    cand = np.flatnonzero((f.iloc[:, 0].astype(str).str.strip() == "").to_numpy())
    if len(cand) == 0:
        return table
    sub = f.iloc[cand]
    blank_sub = np.ones(len(cand), dtype=bool)
    for col in f.columns:
        blank_sub &= (sub[col].astype(str).str.strip() == "").to_numpy()
    keep = np.ones(len(f), dtype=bool)
    keep[cand[blank_sub]] = False
    if keep.all():
        return table
    return Table(f[keep].reset_index(drop=True), table.rows[keep], table.where[keep],
                 table.problems)


def _unique(names: list[str]) -> list[str]:
    """Column names made unique the way pandas does (lat, lat.1, …)."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        out.append(n if k == 0 else f"{n}.{k}")
        seen[n] = k + 1
    return out


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


# -- text --------------------------------------------------------------------------------
def _looks_binary(data: bytes) -> str:
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        return "an XLSX/ZIP file"
    if head.startswith(b"SQLite format 3"):
        return "a GeoPackage/SQLite file"
    if head.startswith(b"%PDF"):
        return "a PDF file"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel .xls file; save it as .xlsx or CSV"
    if b"\x00" in head:
        return "a binary file"
    return ""


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GBK/GB18030 as Chinese Excel writes."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SiteFileError(f"{path}: wrong encoding: starts with a UTF-8 mark but is not "
                                f"valid UTF-8 (byte {exc.start + 3})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SiteFileError(f"{path}: wrong encoding: not valid UTF-16 text") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mixed = mixed_encoding_message(data)  # UTF-8 lines would be garbled as GB18030
    if mixed:
        raise SiteFileError(f"{path}: {mixed}")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    raise SiteFileError(f"{path}: wrong encoding: the text is neither UTF-8 nor GBK/GB18030")


# -- CSV ---------------------------------------------------------------------------------
def _read_csv(path: Path, data: bytes) -> Table:
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        what = _looks_binary(data)
        if what:
            raise SiteFileError(f"{path}: not a CSV text file (it looks like {what})")
    text = decode_text(path, data)
    if "\x00" in text:
        raise SiteFileError(f"{path}: not a CSV text file (it contains NUL characters)")
    text, lead = _strip_leading_blank_lines(text)
    sep = _separator(text)
    fast = _csv_fast(text, sep)
    problems: list[tuple[int, str]] = []
    if isinstance(fast, str):  # ragged or broken: the slow reader finds the exact rows
        frame, rows, problems, last = _csv_slow(path, text, sep)
        if "EOF inside string" in fast:
            raise SiteFileError(f"{path}: line {last + lead}: a quote (\") is opened and never "
                                "closed, so the rest of the file would be read as one value")
    else:
        frame, rows = fast
    rows = rows + lead
    return Table(frame, rows, np.full(len(frame), path.name, dtype=object),
                 tuple((path.name, r + lead, p) for r, p in problems))


def _strip_leading_blank_lines(text: str) -> tuple[str, int]:
    """Blank lines above the header; the header is the first line with text."""
    lead, pos = 0, 0
    while True:
        nl = text.find("\n", pos)
        if nl < 0 or text[pos:nl].strip():
            return text[pos:], lead
        lead, pos = lead + 1, nl + 1


def _separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header or ",", delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _csv_fast(text: str, sep: str) -> tuple[pd.DataFrame, np.ndarray] | str:
    """pandas' C parser; the parser's complaint instead when some row has more values
    than the header or the quoting is broken."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                                skipinitialspace=True, skip_blank_lines=False,
                                index_col=False, engine="c")
        except pd.errors.EmptyDataError:
            return pd.DataFrame(), np.zeros(0, dtype=np.int64)
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError,
                OverflowError) as exc:
            return first_line(exc)
    frame.columns = [str(c) for c in frame.columns]
    return frame, _line_numbers(frame, text)


def _line_numbers(frame: pd.DataFrame, text: str) -> np.ndarray:
    """Start line of each row; line breaks inside quoted values push later rows down."""
    first = 2 + sum(str(c).count("\n") for c in frame.columns)
    n = len(frame)
    base = first + np.arange(n, dtype=np.int64)
    if n == 0 or '"' not in text:
        return base
    extra = np.zeros(n, dtype=np.int64)
    for col in frame.columns:
        extra += frame[col].str.count("\n").to_numpy(dtype=np.int64)
    if not extra.any():
        return base
    return base + np.concatenate([[0], np.cumsum(extra)[:-1]])


def _csv_slow(path: Path, text: str, sep: str
              ) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, str]], int]:
    """Python's csv reader with exact line numbers; rows with surplus values are
    reported. Also returns the start line of the last row (where an unclosed quote
    swallowing the rest of the file began)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True)
    records: list[list[str]] = []
    lines: list[int] = []
    problems: list[tuple[int, str]] = []
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            return pd.DataFrame(), np.zeros(0, dtype=np.int64), [], 1
        width, prev = len(header), reader.line_num
        for rec in reader:
            start, prev = prev + 1, reader.line_num
            if len(rec) > width and any(v.strip() for v in rec[width:]):
                problems.append((start, (f"{len(rec)} values but the header has {width} "
                                         "columns (a separator inside an unquoted value?)")))
                continue
            records.append((rec + [""] * (width - len(rec)))[:width])
            lines.append(start)
    except csv.Error as exc:
        raise SiteFileError(f"{path}: not a readable CSV table (line {reader.line_num}: "
                            f"{first_line(exc)})") from None
    frame = pd.DataFrame(records, columns=_unique([h.strip() for h in header]), dtype=str)
    return frame, np.asarray(lines, dtype=np.int64), problems, start


# -- XLSX --------------------------------------------------------------------------------
def _read_xlsx(path: Path, data: bytes) -> Table:
    if not data.startswith(b"PK\x03\x04"):
        raise SiteFileError(f"{path}: not an XLSX workbook (the file is not a ZIP package)")
    try:  # declared sizes checked first, then streamed (geo.xlsx_cells)
        cells = read_cells(path, data)
    except (XlsxError, InputTooLarge) as exc:
        raise SiteFileError(str(exc)) from None
    width = max((len(r) for r in cells), default=0)
    raw = pd.DataFrame([[_cell_text(v) for v in r] + [""] * (width - len(r)) for r in cells],
                       dtype=str) if width else pd.DataFrame()
    filled = (raw.apply(lambda c: c.str.strip()) != "").any(axis=1).to_numpy()
    if not filled.any():
        return _simple(pd.DataFrame(), 2, path)
    h = _header_row(raw, np.flatnonzero(filled))
    header = [v.strip() or f"column {_excel_col(j)}" for j, v in enumerate(raw.iloc[h])]
    frame = raw.iloc[h + 1:].copy()
    frame.columns = _unique(header)
    n = len(frame)
    return Table(frame.reset_index(drop=True), np.arange(n) + h + 2,
                 np.full(n, path.name, dtype=object))


def _cell_text(v: object) -> str:
    """A cell as the text pandas' reader gave (whole floats without ".0")."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _header_row(raw: pd.DataFrame, filled: np.ndarray) -> int:
    """The first of the top rows whose cells name latitude and longitude columns (sheets
    often carry a title above the table), else the first row with anything in it."""
    from reach_planner.geo.columns import guess_columns

    for h in filled[:HEADER_SEARCH_ROWS]:
        cols = guess_columns([v.strip() for v in raw.iloc[int(h)]])
        if cols.lat is not None and cols.lon is not None:
            return int(h)
    return int(filled[0])


def _excel_col(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


# -- GeoJSON -----------------------------------------------------------------------------
def _read_geojson(path: Path, data: bytes) -> Table:
    what = _looks_binary(data)
    if what and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SiteFileError(f"{path}: not valid GeoJSON (it looks like {what})")
    try:
        doc = json.loads(decode_text(path, data))
    except json.JSONDecodeError as exc:
        raise SiteFileError(f"{path}: not valid GeoJSON (JSON error at line {exc.lineno})") from None
    except RecursionError:
        raise SiteFileError(f"{path}: not valid GeoJSON (nested too deeply)") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise SiteFileError(f"{path}: not a GeoJSON FeatureCollection")
    feats = doc.get("features")
    if not isinstance(feats, list):
        raise SiteFileError(f"{path}: the FeatureCollection has no features list")
    rows, numbers, problems = [], [], []
    for k, feat in enumerate(feats, start=1):
        if not isinstance(feat, dict):
            problems.append((path.name, k, "not a GeoJSON Feature"))
            continue
        rows.append(_feature_row(feat))
        numbers.append(k)
    frame = pd.DataFrame(rows, dtype=object).fillna("").astype(str) if rows else pd.DataFrame(
        {"__lon": [], "__lat": [], "__geom": []}, dtype=str)
    frame.columns = [str(c) for c in frame.columns]
    frame = _reproject_geojson(path, doc.get("crs"), frame)
    n = len(frame)
    return Table(frame, np.asarray(numbers, dtype=np.int64), np.full(n, path.name, dtype=object),
                 tuple(problems))


def _feature_row(feat: dict[str, Any]) -> dict[str, str]:
    props = feat.get("properties")
    row = {str(k): _text(v) for k, v in props.items()} if isinstance(props, dict) else {}
    geom: Any = feat.get("geometry")
    gtype = geom.get("type") if isinstance(geom, dict) else None
    coords: Any = geom.get("coordinates") if gtype in ("Point", "MultiPoint") else None
    if gtype == "MultiPoint":  # one-part multipoints are points
        one = isinstance(coords, list) and len(coords) == 1 and isinstance(coords[0], list)
        coords, gtype = (coords[0], "Point") if one else (None, gtype)
    ok = isinstance(coords, list) and len(coords) >= 2
    row["__lon"] = _text(coords[0]) if ok else ""
    row["__lat"] = _text(coords[1]) if ok else ""
    row["__geom"] = str(gtype) if isinstance(gtype, str) and gtype else "none"
    return row


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)[:200]
    return str(v)


def _reproject_geojson(path: Path, crs: object, frame: pd.DataFrame) -> pd.DataFrame:
    """Old-style GeoJSON may name another CRS (EPSG:3857 from older QGIS exports)."""
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str) or any(w in name.upper() for w in WGS84_NAMES) or not len(frame):
        return frame
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        tr = Transformer.from_crs(CRS.from_user_input(name), 4326, always_xy=True)
    except CRSError:
        raise SiteFileError(f"{path}: unknown coordinate reference system {name!r}") from None
    x = pd.to_numeric(frame["__lon"], errors="coerce").to_numpy(float)
    y = pd.to_numeric(frame["__lat"], errors="coerce").to_numpy(float)
    lon, lat = tr.transform(x, y)
    ok = np.isfinite(lon) & np.isfinite(lat)
    frame = frame.copy()
    frame["__lon"] = np.where(ok, np.char.mod("%.8f", np.nan_to_num(lon)), frame["__lon"])
    frame["__lat"] = np.where(ok, np.char.mod("%.8f", np.nan_to_num(lat)), frame["__lat"])
    return frame


# -- GeoPackage --------------------------------------------------------------------------
def _read_gpkg(path: Path, data: bytes) -> Table:
    """Every point layer (an exported result file holds sites and outlets)."""
    if not data.startswith(b"SQLite format 3"):
        raise SiteFileError(f"{path}: not a GeoPackage (the file is not an SQLite database)")
    from reach_planner.geo.gpkg import GeoPackageError, list_layers

    try:
        listed = [(i.name, i.geometry_type) for i in list_layers(path)]
    except GeoPackageError as exc:
        raise SiteFileError(f"{path}: not a readable GeoPackage ({exc})") from None
    types = {n: g.replace(" ", "") for n, g in listed}
    point_types = ("POINT", "POINTZ", "POINTM", "POINTZM")
    points = [n for n, g in types.items() if g.removeprefix("MULTI") in point_types]
    points = points or [n for n, g in types.items() if g in ("UNKNOWN", "GEOMETRY")]
    if {"sites", "outlets"} <= set(points):  # an export-data result: its demand cells are not sites
        points = [n for n in points if n != "demand"]
    if not points:
        kinds = ", ".join(f"{n} ({g})" for n, g in listed) or "none"
        raise SiteFileError(f"{path}: no point layer in the GeoPackage (layers: {kinds})")
    tables = [_gpkg_layer(path, layer, len(points) > 1) for layer in points]
    frame = pd.concat([t.frame for t in tables], ignore_index=True).fillna("")
    return Table(frame, np.concatenate([t.rows for t in tables]),
                 np.concatenate([t.where for t in tables]))


def _gpkg_layer(path: Path, layer: str, name_layer: bool) -> Table:
    from pyproj.exceptions import CRSError
    from shapely.errors import ShapelyError

    from reach_planner.geo.gpkg import GeoPackageError, read_layer

    try:
        gdf = read_layer(path, layer)
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
    except (GeoPackageError, ShapelyError, CRSError) as exc:  # damaged tables, blobs or SRS rows
        raise SiteFileError(f"{path}: not a readable GeoPackage (layer {layer}: {first_line(exc)})") from None
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    geom = gdf.geometry.to_numpy()
    kind = gdf.geometry.geom_type.fillna("none").astype(str).to_numpy(dtype=object)
    empty = shapely.is_empty(geom) & (kind != "none")
    kind[empty] = "empty"
    single = kind == "MultiPoint"  # many tools write one-part multipoints
    single[single] = shapely.get_num_geometries(geom[single]) == 1
    geom = geom.copy()
    geom[single] = shapely.get_geometry(geom[single], 0)
    kind[single] = "Point"
    is_point = kind == "Point"
    x = np.full(len(geom), np.nan)
    y = np.full(len(geom), np.nan)
    x[is_point], y[is_point] = shapely.get_x(geom[is_point]), shapely.get_y(geom[is_point])
    frame["__lon"] = np.where(is_point, np.char.mod("%.12g", np.nan_to_num(x)), "")
    frame["__lat"] = np.where(is_point, np.char.mod("%.12g", np.nan_to_num(y)), "")
    frame["__geom"] = kind
    n = len(frame)
    label = f"{path.name}:{layer}" if name_layer else path.name
    return Table(frame, np.arange(n) + 1, np.full(n, label, dtype=object))


