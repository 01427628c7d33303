"""Atomic file writes: a crash or a full disk never leaves a half-written file.

Data goes to a temporary file in the destination's directory (same filesystem), is
flushed to disk, and only then replaces the destination with ``os.replace``. If
anything fails, the temporary file is removed and the previous file is untouched.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from reach_planner.geo.write_errors import write_error_text


class TargetError(OSError):
    """The target cannot be written; the message names the file and its folder, never
    the temporary name that was tried."""

    def __str__(self) -> str:  # the sentence alone, without "[Errno 13]"
        return str(self.strerror or super().__str__())


def _target_error(dest: Path, exc: OSError) -> TargetError:
    return TargetError(exc.errno, write_error_text(dest, exc))  # "disk full" for ENOSPC


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once: os.umask is process-wide, not safe from worker threads


def _umask() -> int:
    return _UMASK


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; the previous file survives any failure.
    The file gets the user's normal permissions (mkstemp alone would leave it 0600,
    unreadable for a colleague on a shared drive)."""
    dest = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    except OSError as exc:
        raise _target_error(dest, exc) from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    except OSError as exc:
        _remove(tmp)
        raise _target_error(dest, exc) from None
    except BaseException:
        _remove(tmp)
        raise
    return dest


def atomic_write_with(path: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Atomic write for libraries that insist on writing a file themselves (GDAL,
    openpyxl, matplotlib): ``write(tmp)`` fills a temporary path next to ``path``
    (same suffix, so drivers recognise it), which then replaces ``path``."""
    dest = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.stem}.", suffix=dest.suffix, dir=dest.parent)
    except OSError as exc:
        raise _target_error(dest, exc) from None
    os.close(fd)
    os.unlink(tmp)  # drivers create the file themselves (GPKG refuses an empty file)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        _fsync(tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        _remove(tmp)
        raise _target_error(dest, exc) from None
    except BaseException:
        _remove(tmp)
        raise
    return dest


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(tmp: str) -> None:
    """The temporary file and any sidecar a driver left (SQLite journal, WAL)."""
    for name in (tmp, f"{tmp}-journal", f"{tmp}-wal", f"{tmp}-shm"):
        try:
            os.unlink(name)
        except (FileNotFoundError, IsADirectoryError):
            pass


def check_target(path: str | os.PathLike[str], formats: Mapping[str, str],
                 what: str = "format") -> tuple[Path, str]:
    """Refuse a bad destination before any work: unknown extension, missing or read-only
    folder, or a folder given as the file. Returns the path and the format for its suffix."""
    p = Path(path).expanduser()
    fmt = formats.get(p.suffix.lower())
    if fmt is None:
        raise ValueError(f"{p}: unsupported {what} {p.suffix or '(none)'!r}; use "
                         + ", ".join(formats))
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(f"{p}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"{p}: folder {parent} is not writable")
    if p.is_dir():
        raise ValueError(f"{p} is a folder; give a file name ending in " + ", ".join(formats))
    return p, fmt

