"""What a failed write says: a full disk is "disk full", not "folder not writable".

A planner told the folder is not writable checks permissions for nothing when the disk
is full; each errno gets the sentence that says what to do. The message names the
file and its folder, never the temporary name that was tried.
"""
from __future__ import annotations

import errno
from pathlib import Path

FULL = (errno.ENOSPC,)
QUOTA = (errno.EDQUOT,)
DENIED = (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR)


def write_error_text(dest: Path, exc: OSError) -> str:
    """One sentence for a failed write of ``dest``."""
    reason = exc.strerror or str(exc) or type(exc).__name__  # never the temporary path
    if exc.errno in FULL:
        return (f"cannot write {dest.name}: disk full (no space left in {dest.parent}); free some "
                "space or choose another folder")
    if exc.errno in QUOTA:
        return f"cannot write {dest.name}: disk quota exceeded in {dest.parent} ({reason})"
    if exc.errno in DENIED or exc.errno is None:
        return f"cannot write {dest.name}: the folder {dest.parent} is not writable ({reason})"
    return f"cannot write {dest.name} in {dest.parent} ({reason})"


__all__ = ["write_error_text"]
