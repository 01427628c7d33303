"""Unpacked size of the desktop bundle and its largest parts (budget: 500 MB).

    python packaging/bundle_size.py dist/ReachPlanner [--max-mb N]

Exits 1 above ``--max-mb`` (default CEILING_MB): build.sh runs it, so CI fails when the
bundle grows past the ceiling.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

BUDGET_MB = 500  # issue 13's budget
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default="dist/ReachPlanner")
    ap.add_argument("--max-mb", type=float, default=CEILING_MB, help="fail (exit 1) above this size")
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
    if total > args.max_mb:
        print(f"FAIL: {total:.0f} MB is over the {args.max_mb:.0f} MB ceiling", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
