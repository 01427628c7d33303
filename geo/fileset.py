"""File sets committed together: a report's PDF and workbook, its PNG pages, the layers
of an export-data folder, a print map, a scenario file.

Every file of a set is first written in full under a temporary name in its target's
folder (``.reach-tmp-<host>-<pid>-<token>-<name>``), flushed to disk, and only then
are all of them renamed over their targets in one final step. A crash, a kill, a full
disk or Ctrl+C before that step leaves every old file untouched; the renames take
microseconds, and a kill inside them leaves a journal that the next write to that
folder completes (rolls forward), so a set never stays half old and half new.
Commits to the same folder are serialised with a lock on the folder, so two writers
give one whole set or the other. Temporaries of a dead writer (this app's naming
only) are removed on the next write to that folder.

Writers are given a temporary path to fill (:meth:`FileSet.path_for`), so any writer
(GDAL, openpyxl, matplotlib, pandas) works unchanged. Files keep the mode of the file
they replace; new files follow the umask. A target that is a symlink is written
through: the link stays a link and the file it points to gets the new contents.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

try:  # POSIX; on Windows commits are not serialised between processes
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

from reach_planner.geo.atomic import TargetError

PREFIX = ".reach-tmp-"
JOURNAL = ".journal"
STALE_FOREIGN_S = 24 * 3600  # another host's temporaries: removed once this old
_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # os.umask is process-wide: read once, not from worker threads


class CommitInterrupted(KeyboardInterrupt):
    """Ctrl+C arrived while a set was being committed: the commit was finished first,
    and ``written`` lists the files that were replaced."""

    def __init__(self, written: list[Path]) -> None:
        super().__init__()
        self.written = written


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "disk full"
    return exc.strerror or str(exc) or type(exc).__name__


def _error(dest: Path, exc: OSError) -> TargetError:
    """One line naming the target (never the temporary); nothing of the set was replaced."""
    return TargetError(exc.errno, f"cannot write {dest.name} in {dest.parent} ({_reason(exc)}); "
                                  "no file of the set was replaced")


def real_target(path: str | os.PathLike[str]) -> Path:
    """The file a write lands in: a symlink's target (the link itself stays)."""
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() else p


class FileSet:
    """Collect files under temporary names, then :meth:`commit` them all at once.

    Use as a context manager: leaving it without a commit (an error, a cancel) removes
    the temporaries and leaves the targets as they were."""

    def __init__(self) -> None:
        self._token = f"{_HOST}-{os.getpid()}-{secrets.token_hex(4)}"
        self._items: list[tuple[Path, Path]] = []  # (temporary, target), absolute
        self._shown: list[Path] = []  # the targets as the caller named them
        self._removals: list[Path] = []
        self._folders: set[Path] = set()
        self.written: list[Path] = []

    def __enter__(self) -> FileSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    # -- collecting ----------------------------------------------------------------
    def path_for(self, dest: str | os.PathLike[str]) -> Path:
        """A temporary path (same folder and suffix as ``dest``) for a writer to fill;
        it takes ``dest``'s place on commit. The first write to a folder tidies it."""
        final = Path(os.path.abspath(real_target(dest)))
        folder = final.parent
        if folder not in self._folders:
            tidy(folder)
            self._folders.add(folder)
        tmp = folder / f"{PREFIX}{self._token}-{len(self._items)}-{final.name}"
        self._items.append((tmp, final))
        self._shown.append(Path(dest))
        return tmp

    def add_bytes(self, dest: str | os.PathLike[str], data: bytes) -> None:
        tmp = self.path_for(dest)
        try:
            with open(tmp, "xb") as f:
                f.write(data)
        except OSError as exc:
            self.discard()
            raise _error(Path(dest), exc) from None

    def add_with(self, dest: str | os.PathLike[str], write: Callable[[Path], None]) -> None:
        """``write(tmp)`` fills the temporary path (drivers that create the file themselves)."""
        tmp = self.path_for(dest)
        try:
            write(tmp)
            if not tmp.is_file():
                raise OSError(errno.EIO, "the writer made no file")
        except OSError as exc:
            self.discard()
            raise _error(Path(dest), exc) from None
        except BaseException:
            self.discard()
            raise

    def remove_on_commit(self, dest: Path) -> None:
        """An old file of the set that the new set no longer has (a report page)."""
        self._removals.append(Path(os.path.abspath(dest)))

    # -- committing ----------------------------------------------------------------
    def commit(self) -> list[Path]:
        """Flush every temporary, then rename them all over their targets (under the
        folders' locks, with a journal). Returns the files written."""
        for tmp, final in self._items:
            try:
                _finish(tmp, final)
            except OSError as exc:
                self.discard()
                raise _error(final, exc) from None
            except BaseException:
                self.discard()
                raise
        with _deferred_interrupt() as pending, _locked(sorted(self._folders)):
            try:
                journal = self._write_journal()
            except OSError as exc:
                self.discard()
                raise _error(self._items[0][1] if self._items else Path("."), exc) from None
            failed = _apply(self._plan())
            for folder in self._folders:
                _fsync_dir(folder)
            _remove(journal)
            _fsync_dir(journal.parent)
            done = [shown for (tmp, _f), shown in zip(self._items, self._shown) if tmp not in failed]
            self.written, self._items, self._shown = done, [t for t in self._items if t[0] in failed], []
            self.discard()
        if failed:  # a rename refused (not seen in practice: same folder, checked target)
            raise TargetError(failed[next(iter(failed))].errno,
                              f"the set was only partly replaced: {_names(done) or 'no file'} written, "
                              f"{_names(failed)} not ({_reason(next(iter(failed.values())))})")
        if pending:
            raise CommitInterrupted(self.written)
        return self.written

    def discard(self) -> None:
        for tmp, _final in self._items:
            _remove(tmp)
        self._items, self._shown = [], []

    def _plan(self) -> list[tuple[Path | None, Path]]:
        return [*self._items, *((None, p) for p in self._removals)]

    def _write_journal(self) -> Path:
        """What the commit is about to do, complete on disk before the first rename."""
        folder = min(self._folders) if self._folders else Path(".")
        journal = folder / f"{PREFIX}{self._token}{JOURNAL}"
        part = journal.with_name(journal.name + ".part")
        with open(part, "w", encoding="utf-8") as f:
            json.dump([[t and str(t), str(d)] for t, d in self._plan()], f)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.replace(part, journal)
        except OSError:
            _remove(part)
            raise
        _fsync_dir(folder)
        return journal


def _finish(tmp: Path, final: Path) -> None:
    """The mode the file will have, and its data on disk."""
    try:
        mode = stat.S_IMODE(os.stat(final).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_UMASK
    os.chmod(tmp, mode)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _apply(plan: list[tuple[Path | None, Path]]) -> dict[Path, OSError]:
    """Every rename (and removal) of the plan, on past a failure; returns the failures
    by temporary path."""
    failed: dict[Path, OSError] = {}
    for tmp, final in plan:
        try:
            if tmp is None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(final)
            elif os.path.lexists(tmp):
                os.replace(tmp, final)
        except OSError as exc:
            if tmp is not None:
                failed[Path(tmp)] = exc
    return failed


def _names(paths: object) -> str:
    return ", ".join(Path(p).name for p in paths)  # type: ignore[attr-defined]


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _locked(folders: list[Path]) -> Iterator[None]:
    """Exclusive locks on the folders (sorted, so two writers cannot deadlock)."""
    fds = []
    try:
        for folder in folders:
            fd = os.open(folder, os.O_RDONLY)
            fds.append(fd)
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        for fd in fds:
            os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def _deferred_interrupt() -> Iterator[list[int]]:
    """Ctrl+C during the renames is held until they are all done (main thread only)."""
    pending: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pending
        return
    old = signal.signal(signal.SIGINT, lambda signum, _frame: pending.append(signum))
    try:
        yield pending
    finally:
        signal.signal(signal.SIGINT, old)


# -- tidying a folder ----------------------------------------------------------------
def _owner(name: str) -> tuple[str, int] | None:
    """(host, pid) from one of our temporary names."""
    parts = name[len(PREFIX):].split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(entry: Path) -> bool:
    owner = _owner(entry.name)
    if owner is None:
        return False
    host, pid = owner
    if host == _HOST:
        return not _alive(pid)
    try:
        return time.time() - entry.lstat().st_mtime > STALE_FOREIGN_S
    except OSError:
        return False


def tidy(folder: str | os.PathLike[str]) -> list[Path]:
    """Finish an interrupted commit (its journal) and remove dead writers' temporaries
    of this app's naming in ``folder``; returns what was removed."""
    folder = Path(folder)
    try:
        entries = [e for e in folder.iterdir() if e.name.startswith(PREFIX) and _stale(e)]
    except OSError:
        return []
    if not entries:
        return []
    with _locked([folder]):
        for journal in (e for e in entries if e.name.endswith(JOURNAL) and e.exists()):
            _roll_forward(journal)
        removed = []
        for e in entries:
            if os.path.lexists(e):
                if e.is_dir() and not e.is_symlink():
                    shutil.rmtree(e, ignore_errors=True)
                else:
                    _remove(e)
                removed.append(e)
        return removed


def _roll_forward(journal: Path) -> None:
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
        _apply([(t and Path(t), Path(f)) for t, f in plan])
    except (OSError, ValueError, TypeError):
        pass
    _remove(journal)


def _remove(path: Path) -> None:
    """The file and any sidecar a driver left (SQLite journal, WAL)."""
    for name in (str(path), f"{path}-journal", f"{path}-wal", f"{path}-shm"):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
            os.unlink(name)
