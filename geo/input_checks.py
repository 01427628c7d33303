"""Row messages shared by the site and demand readers (kept out of the readers so their
files stay small): what a person should do about a cell that is not a number."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reach_planner.geo.chinacrs import hint_message
from reach_planner.geo.xlsx_cells import FORMULA_HINT


def not_a_number(label: str, text: str) -> str:
    """"latitude is not a number: 'abc'", or, for a formula Excel never calculated
    (its text is the formula), how to get its value saved."""
    if text.startswith("="):
        return f"{label}: {FORMULA_HINT} ({text[:40]!r})"
    return f"{label} is not a number: {text[:40]!r}"


def crs_hints(path: Path, columns: Iterable[object], crs: str) -> tuple[str, ...]:
    """The GCJ-02/BD-09 warning, only when the user left the default (WGS84)."""
    if crs != "wgs84":
        return ()
    msg = hint_message(path.name, [str(c) for c in columns if not str(c).startswith("__")])
    return (msg,) if msg else ()
