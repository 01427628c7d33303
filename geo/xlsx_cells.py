"""The first sheet of an XLSX workbook as rows of text, read without a memory bomb.

openpyxl loads every shared string of a workbook at open time, even in read-only mode,
and pads every row to the sheet's declared width: a 1.5 MB file with one 1.5 GB shared
string took 4.2 GB, and a sheet that declares ``A1:XFD1048576`` would be walked cell by
cell for hours. So, before openpyxl sees the file:

* the zip members' declared uncompressed sizes (``ZipInfo.file_size``) are added up and
  checked against the shared limit of :mod:`geo.limits`, counted
  :data:`MEMORY_FACTOR` times (the XML text, the parsed strings and the table copy; the
  1.5 GB string above used 2.8x);
* the first sheet's declared dimension is checked: more rows than the site readers take,
  or more cells than the limit holds, is refused before any row is read.

Rows are then streamed in read-only mode, trailing empty cells dropped as they come.
Formula cells that were never calculated (files written by scripts, not by Excel) have
no saved value; they are returned as :class:`Uncached` text so the row checks can say
so instead of "missing latitude".
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from reach_planner.geo.limits import check_decoded

MEMORY_FACTOR = 3
BYTES_PER_CELL = 64  # a short Python string in a list: what one decoded cell costs at least
MAX_SHEET_ROWS = 2_000_000


class XlsxError(ValueError):
    """The workbook cannot be read (damaged, or declares too much); one line."""


class Uncached(str):
    """A formula cell without a saved value; the text is the formula (``=B2*2``)."""

    __slots__ = ()


def read_cells(path: Path, data: bytes) -> list[list[object]]:
    """Cell values of the first worksheet, row by row from Excel row 1 (None = empty)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise XlsxError(f"{path}: not a readable XLSX workbook ({exc})") from None
    with archive:
        infos = archive.infolist()
        check_decoded(path, MEMORY_FACTOR * sum(i.file_size for i in infos),
                      f"the workbook's {len(infos)} parts ({_mb(sum(i.file_size for i in infos))} "
                      "of XML)")
        has_formulas = _has_formulas(archive)
    rows = _values(path, data, data_only=True)
    if has_formulas:
        _mark_uncached(rows, _values(path, data, data_only=False))
    return rows


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    """Whether any worksheet holds a formula element (streamed, 1 MB at a time)."""
    for info in archive.infolist():
        if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
            continue
        tail = b""
        with archive.open(info) as part:
            while chunk := part.read(1 << 20):
                if b"<f>" in tail + chunk or b"<f " in tail + chunk or b":f>" in tail + chunk \
                        or b":f " in tail + chunk:
                    return True
                tail = chunk[-8:]
    return False


def _values(path: Path, data: bytes, data_only: bool) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise XlsxError(f"{path}: not a readable XLSX workbook ({_first(exc)})") from None
    try:
        sheets = book.worksheets
        if not sheets:
            raise XlsxError(f"{path}: the workbook has no worksheet")
        sheet = sheets[0]
        _check_dimension(path, sheet)
        return _stream(path, sheet)
    except XlsxError:
        raise
    except Exception as exc:  # damaged sheet XML
        raise XlsxError(f"{path}: not a readable XLSX workbook ({_first(exc)})") from None
    finally:
        book.close()


def _check_dimension(path: Path, sheet) -> None:
    """The sheet's declared size (``<dimension ref="A1:XFD1048576"/>``), before reading."""
    rows, cols = sheet.max_row, sheet.max_column
    if rows is None or cols is None:  # no dimension written: rows are read as they are
        sheet.reset_dimensions()
        return
    if rows > MAX_SHEET_ROWS:
        raise XlsxError(f"{path}: the sheet declares {rows:,} rows, more than {MAX_SHEET_ROWS:,}")
    check_decoded(path, float(rows) * cols * BYTES_PER_CELL,
                  f"the sheet's declared {rows:,} rows x {cols:,} columns")


def _stream(path: Path, sheet) -> list[list[object]]:
    out: list[list[object]] = []
    for values in sheet.iter_rows(values_only=True):
        row = list(values)
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        out.append(row)
        if len(out) > MAX_SHEET_ROWS:
            raise XlsxError(f"{path}: the sheet has more than {MAX_SHEET_ROWS:,} rows")
    while out and not out[-1]:
        out.pop()
    return out


def _mark_uncached(values: list[list[object]], formulas: list[list[object]]) -> None:
    """Empty cells whose formula twin is a formula become :class:`Uncached`."""
    for r, frow in enumerate(formulas):
        for c, f in enumerate(frow):
            if not (isinstance(f, str) and f.startswith("=")):
                continue
            while len(values) <= r:
                values.append([])
            row = values[r]
            while len(row) <= c:
                row.append(None)
            if row[c] is None or row[c] == "":
                row[c] = Uncached(f)


def _first(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _mb(n: float) -> str:
    return f"{n / (1 << 20):,.0f} MB"


FORMULA_HINT = "formula without a saved value: open and save the file in Excel"

__all__ = ["FORMULA_HINT", "MEMORY_FACTOR", "Uncached", "XlsxError", "read_cells"]
