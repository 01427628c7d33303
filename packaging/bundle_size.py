"""Unpacked size of the desktop bundle and its largest parts (budget: 500 MB).

    python packaging/bundle_size.py dist/ReachPlanner
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

BUDGET_MB = 500


def sizes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_size
            for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def groups(files: dict[str, int], depth: int = 3) -> Counter:
    """Folders ``depth`` levels down (``_internal/PySide6/Qt``), files above that as they are."""
    out: Counter = Counter()
    for name, size in files.items():
        parts = name.split("/")
        out["/".join(parts[:depth]) if len(parts) > depth else name] += size
    return out


def main(folder: str) -> int:
    root = Path(folder)
    files = sizes(root)
    total = sum(files.values()) / 1e6
    ok = total <= BUDGET_MB
    print(f"{root}: {total:.0f} MB unpacked in {len(files):,} files "
          f"(budget {BUDGET_MB} MB: {'PASS' if ok else 'FAIL'})")
    print("largest parts:")
    for name, size in groups(files).most_common(10):
        print(f"  {size / 1e6:7.1f} MB  {name}")
    print("largest files:")
    for name, size in Counter(files).most_common(8):
        print(f"  {size / 1e6:7.1f} MB  {name}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "dist/ReachPlanner"))
