"""Size of the desktop bundle, unpacked and as a ``.tar.gz``, and its largest parts.

    python packaging/bundle_size.py dist/ReachPlanner [--max-mb N] [--max-targz-mb N]

Budget (issue 20): 750 MB unpacked and 280 MB as ``.tar.gz`` (what a planner downloads).
Exits 1 above either ceiling: build.sh runs it, so CI fails when the bundle grows past them.
Size is a guard, not a goal: the bundle carries GDAL (rasterio, pyogrio) and SciPy because
the app reads real files with them.
"""
from __future__ import annotations

import argparse
import gzip
import sys
import tarfile
from collections import Counter
from pathlib import Path

BUDGET_MB = 750  # issue 20's budget, unpacked
TARGZ_BUDGET_MB = 280  # ... and as the .tar.gz a planner downloads
CEILING_MB = BUDGET_MB  # build.sh fails above the budget, so CI catches any growth past it


def sizes(root: Path) -> dict[str, int]:
    """Bytes per file; symlinks (shared copies, see shrink.py) take no room."""
    return {p.relative_to(root).as_posix(): p.stat().st_size
            for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def groups(files: dict[str, int], depth: int = 3) -> Counter:
    """Folders ``depth`` levels down (``_internal/PySide6/Qt``), files above that as they are."""
    out: Counter = Counter()
    for name, size in files.items():
        parts = name.split("/")
        out["/".join(parts[:depth]) if len(parts) > depth else name] += size
    return out


class _Counter:
    """A write-only sink that only counts bytes (the archive is measured, never stored)."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def targz_size(root: Path) -> int:
    """Bytes of ``tar czf`` of the folder (gzip level 6, links kept as links)."""
    sink = _Counter()
    with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=6, mtime=0) as gz:  # type: ignore[arg-type]
        with tarfile.open(fileobj=gz, mode="w") as tar:
            tar.add(root, arcname=root.name)
    return sink.size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default="dist/ReachPlanner")
    ap.add_argument("--max-mb", type=float, default=CEILING_MB, help="fail (exit 1) above this size")
    ap.add_argument("--max-targz-mb", type=float, default=TARGZ_BUDGET_MB,
                    help="fail (exit 1) when the .tar.gz is above this size")
    args = ap.parse_args(argv)
    root = Path(args.folder)
    files = sizes(root)
    total = sum(files.values()) / 1e6
    print(f"{root}: {total:.0f} MB unpacked in {len(files):,} files "
          f"(budget {BUDGET_MB} MB: {'PASS' if total <= BUDGET_MB else 'over'})")
    print("largest parts:")
    for name, size in groups(files).most_common(12):
        print(f"  {size / 1e6:7.1f} MB  {name}")
    print("largest files:")
    for name, size in Counter(files).most_common(8):
        print(f"  {size / 1e6:7.1f} MB  {name}")
    packed = targz_size(root) / 1e6
    print(f"{root}.tar.gz: {packed:.0f} MB (budget {TARGZ_BUDGET_MB} MB: "
          f"{'PASS' if packed <= TARGZ_BUDGET_MB else 'over'})")
    failed = False
    if total > args.max_mb:
        print(f"FAIL: {total:.0f} MB is over the {args.max_mb:.0f} MB ceiling", file=sys.stderr)
        failed = True
    if packed > args.max_targz_mb:
        print(f"FAIL: the .tar.gz, {packed:.0f} MB, is over the {args.max_targz_mb:g} MB ceiling", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
