"""Report pack speed: 33 pages (national, 31 provinces, table) at 150 dpi on A4 in one
PDF (target < 30 s), and how it scales with dpi, page size and PNG output.

    .venv/bin/python bench/bench_report.py [--quick]

Compared in the same run with the naive pack: every province page drawn as its own
print map, dissolving the covered area and gap classes again for each page (no
shapes shared between pages), measured on three provinces and scaled to 31.
Wall time and CPU time are printed: the machine is shared, so wall time varies.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reach_planner.geo.scenario import run_scenario  # noqa: E402
from reach_planner.ui.maps.layout import PrintOptions  # noqa: E402
from reach_planner.ui.maps.printmap import render_figure  # noqa: E402
from reach_planner.ui.maps.shapes import clear_caches  # noqa: E402
from reach_planner.ui.report.figures import province_extent  # noqa: E402
from reach_planner.ui.report.options import ReportOptions  # noqa: E402
from reach_planner.ui.report.pack import write_report  # noqa: E402

NAIVE_SAMPLE = (11, 51, 65)  # a small, a mid-sized and the largest province


def timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def naive_page(result, code: int) -> None:
    clear_caches()
    fig = render_figure(result, PrintOptions(dpi=150, extent=province_extent(code),
                                             focus=frozenset({code})))
    fig.savefig(io.BytesIO(), format="pdf", dpi=150)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="only the 150 dpi A4 PDF and the naive pack")
    a = ap.parse_args()
    result = run_scenario()
    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    cases = [("A4", 150, "pdf")]
    if not a.quick:
        cases += [("A4", 300, "pdf"), ("A3", 150, "pdf"), ("A3", 300, "pdf"), ("A4", 150, "png")]
    rows = []
    for page, dpi, fmt in cases:
        opts = ReportOptions(page=page, dpi=dpi, fmt=fmt)
        target = out / (f"{page}-{dpi}.pdf" if fmt == "pdf" else f"{page}-{dpi}-png")
        wall, cpu = timed(lambda o=opts, t=target: write_report(result, o, t))
        size = (target.stat().st_size if fmt == "pdf"
                else sum(p.stat().st_size for p in target.iterdir()))
        rows.append((page, dpi, fmt, wall, cpu, size))
    naive_wall = naive_cpu = 0.0
    for code in NAIVE_SAMPLE:
        w, c = timed(lambda k=code: naive_page(result, k))
        naive_wall, naive_cpu = naive_wall + w, naive_cpu + c
    scale = 31 / len(NAIVE_SAMPLE)
    print(f"{'page':<5}{'dpi':>5}{'fmt':>5}{'wall s':>9}{'cpu s':>8}{'s/page':>8}{'MB':>7}")
    for page, dpi, fmt, wall, cpu, size in rows:
        print(f"{page:<5}{dpi:>5}{fmt:>5}{wall:>9.1f}{cpu:>8.1f}{wall / 33:>8.2f}{size / 1e6:>7.1f}")
    base = rows[0]
    print(f"naive province pages (re-dissolved per page, {len(NAIVE_SAMPLE)} timed, x{scale:.1f}): "
          f"{naive_wall * scale:.1f} s wall, {naive_cpu * scale:.1f} s cpu for 31 pages")
    print(f"report pack / naive (31 province pages vs whole 33-page pack): "
          f"{base[3] / (naive_wall * scale):.2f}x wall, {base[4] / (naive_cpu * scale):.2f}x cpu; "
          f"target < 30 s wall: {'met' if base[3] < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
