"""Site files to a table of strings, with the row number a person sees for each row.

CSV (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030) and XLSX are read here; GIS files
(Shapefile, KML/KMZ, GeoJSON, GeoPackage, FlatGeobuf) by GDAL in :mod:`geo.vector_read`.
All become one shape (:class:`Table`) so validation is written once. Whole-file problems
raise :class:`SiteFileError` naming the file; problems of single rows that only the
reader can see (a CSV row with too many values) come back as ``Table.problems`` so the
other rows can still be imported.

Row numbers: CSV = line number (header = line 1, blank lines and line breaks inside
quoted values counted), XLSX = Excel row, GIS files = feature number (1-based).
"""
from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reach_planner.geo.limits import InputTooLarge, NotARegularFile, check_text_size, require_regular_file
from reach_planner.geo.text_encoding import mixed_encoding_message
from reach_planner.geo.xlsx_cells import XlsxError, read_cells

TABLE_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
GIS_SUFFIXES = (".geojson", ".json", ".geojsonl", ".geojsons", ".gpkg", ".shp", ".zip", ".kml",
                ".kmz", ".fgb")  # read by GDAL: geo/vector_read.py
SUFFIXES = {**TABLE_SUFFIXES, **dict.fromkeys(GIS_SUFFIXES, "gis")}
MAX_ROWS = 2_000_000
MAX_BYTES = 1 << 30
HEADER_SEARCH_ROWS = 20  # XLSX: rows searched for the header below a title


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


def read_table(path: Path, layer: str | None = None, encoding: str | None = None) -> Table:
    """Read any supported site file; raises :class:`SiteFileError` for whole-file problems.

    ``layer`` chooses a layer of a GIS file (``"*"``: every point layer); ``encoding``
    overrides the detected text encoding (CSV, and Shapefiles without a ``.cpg``)."""
    kind = _kind(path)
    if kind == "gis":
        from reach_planner.geo.vector_read import read_vector

        table = _drop_blank_rows(read_vector(path, layer, encoding))
    else:
        data = _read_bytes(path)
        reader = {"csv": _read_csv, "xlsx": _read_xlsx}[kind]
        table = _drop_blank_rows(reader(path, data, encoding))
    if len(table.frame.columns) == 0 and not table.problems:
        raise SiteFileError(f"{path}: the file is empty (no header row)")
    if len(table.frame) == 0 and not table.problems:
        what = "a header but no rows" if kind in ("csv", "xlsx") else "no features"
        raise SiteFileError(f"{path}: the file has {what}")
    if len(table.frame) > MAX_ROWS:
        raise SiteFileError(f"{path}: {len(table.frame):,} rows is more than {MAX_ROWS:,}")
    return table


def _kind(path: Path) -> str:
    """csv, xlsx or gis; whole-file problems (missing, folder, unknown type, too big) raise."""
    from reach_planner.geo.vector_read import vector_kind

    if not path.exists():
        raise SiteFileError(f"{path}: file not found")
    if path.is_dir():
        if vector_kind(path):
            return "gis"
        raise SiteFileError(f"{path}: is a folder, not a file (and holds no Shapefile)")
    try:
        require_regular_file(path)  # a FIFO or device would block the read forever
    except NotARegularFile as exc:
        raise SiteFileError(str(exc)) from None
    if path.suffix.lower() not in SUFFIXES:
        raise SiteFileError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
                            f"use {', '.join(SUFFIXES)} or a folder holding a Shapefile")
    if path.stat().st_size > MAX_BYTES:
        raise SiteFileError(f"{path}: larger than {MAX_BYTES >> 20:,} MB")
    return SUFFIXES[path.suffix.lower()]


def _read_bytes(path: Path) -> bytes:
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


def decode_text(path: Path, data: bytes, encoding: str | None = None) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GBK/GB18030 as Chinese Excel writes;
    ``encoding`` (the user's override) is used strictly instead."""
    if encoding:
        return _decode_as(path, data, encoding)
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


def _decode_as(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except LookupError:
        raise SiteFileError(f"{path}: unknown text encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise SiteFileError(f"{path}: wrong encoding: not valid {encoding} text (byte "
                            f"{exc.start})") from None


# -- CSV ---------------------------------------------------------------------------------
def _read_csv(path: Path, data: bytes, encoding: str | None = None) -> Table:
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        what = _looks_binary(data)
        if what:
            raise SiteFileError(f"{path}: not a CSV text file (it looks like {what})")
    text = decode_text(path, data, encoding)
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
def _read_xlsx(path: Path, data: bytes, _encoding: str | None = None) -> Table:
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
