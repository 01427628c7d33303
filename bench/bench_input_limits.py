"""Memory bombs against the readers (issue 19, item 3): time and peak memory of refusing them.

    .venv/bin/python bench/bench_input_limits.py

Builds, in a temporary folder, a 1.5 MB XLSX whose one cell holds a 1.5 GB string and a
CSV of 1 M sites, then runs ``main.py summary --sites`` on each in a child process and
prints its wall time and peak RSS (``resource.getrusage`` of the child). The CSV is read
once within the limit (the measured memory is what ``geo.limits.TEXT_MEMORY_FACTOR`` is
based on) and once with ``--max-decoded-mb 100`` (refused before reading).
"""
from __future__ import annotations

import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def xlsx_bomb(path: Path, gb: float = 1.5) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["name", "lat", "lon"])
    wb.active.append(["abc", 39.9, 116.4])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(buf)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, body)
                continue
            head, tail = body.split(b"<t>abc</t>")
            zi = zipfile.ZipInfo(info.filename)
            zi.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(zi, "w", force_zip64=True) as f:
                f.write(head + b"<t>")
                chunk = b"x" * (1 << 24)
                for _ in range(int(gb * 64)):
                    f.write(chunk)
                f.write(b"</t>" + tail)


def sites_csv(path: Path, n: int = 1_000_000) -> None:
    rnd = random.Random(1)
    with open(path, "w", encoding="utf-8") as f:
        f.write("name,lat,lon,type\n")
        for i in range(n):
            f.write(f"网点{i},{30 + rnd.random() * 10:.6f},{105 + rnd.random() * 10:.6f},outlet\n")


def run(*args: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the child, and its last stderr line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    last = (out.stderr.strip().splitlines() or [""])[-1]
    return wall, max(peak, before) / 1024, last


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bomb.xlsx"
        xlsx_bomb(bomb)
        wall, mb, line = run("summary", "--sites", str(bomb))
        print(f"XLSX bomb ({os.path.getsize(bomb) / 1e6:.1f} MB file, 1.5 GB string): refused in "
              f"{wall:.1f} s, peak {mb:,.0f} MB\n  {line}")
        csv_path = Path(tmp) / "sites.csv"
        sites_csv(csv_path)
        size = os.path.getsize(csv_path) / 1e6
        wall, mb, line = run("summary", "--sites", str(csv_path), "--max-decoded-mb", "100")
        print(f"CSV of 1 M sites ({size:.0f} MB), limit 100 MB: refused in {wall:.1f} s, peak {mb:,.0f} MB"
              f"\n  {line}")
    code = ("import sys, resource; from pathlib import Path; from reach_planner.geo.site_tables import "
            "read_table; import numpy, pandas, geopandas; a = resource.getrusage(resource.RUSAGE_SELF)"
            ".ru_maxrss; read_table(Path(sys.argv[1])); b = resource.getrusage(resource.RUSAGE_SELF)"
            ".ru_maxrss; print((b - a) / 1024)")
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "sites.csv"
        sites_csv(csv_path)
        size = os.path.getsize(csv_path) / (1 << 20)
        grown = float(subprocess.run([sys.executable, "-c", code, str(csv_path)], capture_output=True,
                                     text=True, check=True, cwd=ROOT.parent).stdout)
        print(f"CSV of 1 M sites ({size:.0f} MB) read as a table: +{grown:,.0f} MB "
              f"({grown / size:.1f}x the file; TEXT_MEMORY_FACTOR is 14)")


if __name__ == "__main__":
    main()
