"""User text in spreadsheet cells stays text: no CSV or XLSX cell the app writes is a formula.

A site name such as ``=HYPERLINK("http://x","y")`` or ``=cmd|' /C calc'!A0`` from an
imported file would run as a formula when a colleague opens the exported CSV in Excel
or LibreOffice. The OWASP rule for CSV: a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading ``'``, which spreadsheets show as text.
Numbers (including negative numbers, and text that is just a number) stay as they are.
In an XLSX workbook a cell is typed, so text is simply stored as a string cell, never as
a formula (openpyxl would otherwise take any text starting with ``=`` as one).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutral_text(value: Any) -> Any:
    """``value`` safe for a CSV cell: formula-like text gets a leading ``'``; anything
    that is not text (numbers, None) and text that is just a number come back unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutral_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are safe for a CSV file;
    numeric columns are untouched, so they are still written as numbers."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].map(neutral_text)
    out.columns = [neutral_text(c) for c in out.columns]
    return out


def text_cells_stay_text(worksheet: Any) -> None:
    """Store every text cell of an openpyxl worksheet as a string, never a formula."""
    for row in worksheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"


def write_csv(frame: pd.DataFrame, path: str | Path, bom: bool = True) -> None:
    """``frame`` as a CSV file any spreadsheet reads as data: formula-like text neutralised,
    and RFC 4180 line ends, so a field holding a carriage return or a line feed is quoted
    (with ``\\n`` line ends a lone ``\\r`` in a name would start a new row in Excel)."""
    neutral_frame(frame).to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8",
                                lineterminator="\r\n")
