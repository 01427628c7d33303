"""Size limits for every file the app reads, and the check that an input is a plain file.

A small file can claim a huge one inside: a 1.5 MB XLSX whose shared string decodes to
1.5 GB, a 225 KB GeoTIFF that claims 100,000 x 100,000 pixels. Every reader asks
:func:`check_decoded` with the size the file *declares* (zip members' uncompressed
sizes, a sheet's dimension, a raster's width x height x bytes per pixel) before it
decodes anything, and refuses with one line above the limit. The limit is one shared
setting: 2 GB decoded by default, changed by ``--max-decoded-mb`` on the command line,
the ``REACH_PLANNER_MAX_DECODED_MB`` environment variable or the window's setting
(all call :func:`set_max_decoded_mb`).

A FIFO, a device or a folder given as an input file would block a read forever (or
return nonsense): :func:`require_regular_file` refuses them at once, before any open.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

DEFAULT_MAX_DECODED_MB = 2048
ENV_VAR = "REACH_PLANNER_MAX_DECODED_MB"
MB = 1 << 20

_override_mb: float | None = None


class InputTooLarge(ValueError):
    """The file declares more decoded data than the limit; the message is one line."""


class NotARegularFile(ValueError):
    """The path is a folder, FIFO, device or socket, not a file; the message is one line."""


def set_max_decoded_mb(mb: float | None) -> None:
    """Set the limit for this process (None: back to the environment or the default)."""
    global _override_mb
    if mb is not None and not mb > 0:
        raise ValueError(f"the decoded-size limit must be a positive number of MB, got {mb!r}")
    _override_mb = None if mb is None else float(mb)


def max_decoded_mb() -> float:
    """The limit in MB: the value set for this process, else the environment, else 2048."""
    if _override_mb is not None:
        return _override_mb
    raw = os.environ.get(ENV_VAR, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_MAX_DECODED_MB
    except ValueError:
        return DEFAULT_MAX_DECODED_MB
    return value if value > 0 else DEFAULT_MAX_DECODED_MB


def max_decoded_bytes() -> int:
    return int(max_decoded_mb() * MB)


def check_decoded(path: str | Path, declared_bytes: float, what: str) -> None:
    """Refuse a file that declares more decoded data than the limit.

    ``what`` says what was counted ("the sheet's shared strings", "100,000 x 100,000
    pixels"); the message names the file, the size, the limit and how to raise it."""
    limit = max_decoded_bytes()
    if declared_bytes > limit:
        raise InputTooLarge(
            f"{path}: {what} would take {_mb(declared_bytes)} when decoded, more than the "
            f"limit of {_mb(limit)} (raise it with --max-decoded-mb or {ENV_VAR} if the "
            "file is genuine)")


TEXT_MEMORY_FACTOR = 14  # a 39 MB CSV of 1 M sites took 547 MB more as a table of text (measured)


def check_text_size(path: str | Path, kind: str, size: int) -> None:
    """A text table (CSV, GeoJSON) is parsed whole into a table of strings, about
    :data:`TEXT_MEMORY_FACTOR` times its size on disk: refuse one that would pass the limit."""
    if kind in ("csv", "geojson"):
        check_decoded(path, TEXT_MEMORY_FACTOR * size,
                      f"this {_mb(size)} {'CSV' if kind == 'csv' else 'GeoJSON'} file (read as a table "
                      f"of text, about {TEXT_MEMORY_FACTOR}x its size)")


def require_regular_file(path: str | Path) -> None:
    """Refuse anything but a regular file (symlinks to files are fine) without opening it."""
    p = Path(path)
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        raise NotARegularFile(f"{p}: file not found") from None
    except OSError as exc:
        raise NotARegularFile(f"{p}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISREG(mode):
        return
    raise NotARegularFile(f"{p}: {_kind(mode)}, not a regular file")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    return "is a special file"


def _mb(n: float) -> str:
    if n >= 10 * 1024 * MB:
        return f"{n / (1024 * MB):,.0f} GB"
    return f"{n / MB:,.0f} MB"


__all__ = ["DEFAULT_MAX_DECODED_MB", "ENV_VAR", "InputTooLarge", "NotARegularFile", "check_decoded", "check_text_size",
           "max_decoded_bytes", "max_decoded_mb", "require_regular_file", "set_max_decoded_mb"]
