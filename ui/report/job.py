"""The report as one background job: pages, then the workbook, with one progress bar.

Qt-free (the window's task runner calls it with its progress callback, which raises
to cancel). Every file is made in memory first and written only at the end, with no
progress call (so no cancel) in between: a cancel or failure leaves no file behind,
and never a PDF without its workbook.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.report.options import ReportOptions
from reach_planner.ui.report.pack import render_report, write_files
from reach_planner.ui.report.workbook import check_xlsx_target, workbook_files

Progress = Callable[[int, str], None]


def report_job(result: ScenarioResult, opts: ReportOptions, out: Path, xlsx: Path | None = None,
               recommendation: Any = None, capacity: Any = None) -> Callable[[Progress], list[Path]]:
    def job(progress: Progress) -> list[Path]:
        share = 90 if xlsx is not None else 99
        files = render_report(result, opts, out, lambda pct, text: progress(pct * share // 100, text))
        if xlsx is not None:
            progress(share, "Excel workbook")
            # more outlets than a sheet holds: a CSV beside it, in the same set of files
            files.update(workbook_files(result, check_xlsx_target(xlsx), opts.lang, recommendation,
                                        capacity))
        progress(99, "Writing")
        return write_files(files)

    return job
