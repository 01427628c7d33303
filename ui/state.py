"""The one application-state object: what the scenario is, and what is selected.

Widgets never talk to each other; they read from and call into this object and
react to its signals (the git-cola "context" pattern). A failed or cancelled
recompute leaves the previous result in place.
"""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from geo.params import ScenarioParams
from geo.scenario import ScenarioResult
from ui.details import describe
from ui.i18n import current_language, fmt_count, tr
from ui.workers import Task, scenario_job


class AppState(QObject):
    resultChanged = Signal(object, object)  # ScenarioResult, page path
    busyChanged = Signal(bool)
    progressChanged = Signal(int, str)
    errorRaised = Signal(str)
    statusMessage = Signal(str)
    selectionChanged = Signal(object)  # dict of label -> value, or None
    zoomRequested = Signal(float, float, float, float)  # south, west, north, east

    def __init__(self, page_dir: Path, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self.params = ScenarioParams()
        self.network = None  # an imported/accepted network overrides the simulation
        self.result: ScenarioResult | None = None
        self.page: Path | None = None
        self.update_js: str | None = None  # swaps the new layers into the page on screen
        self._page_dir = Path(page_dir)
        self._pool = pool or QThreadPool.globalInstance()
        self._task: Task | None = None
        self._serial = itertools.count(1)

    @property
    def busy(self) -> bool:
        return self._task is not None

    def recompute(self, params: ScenarioParams | None = None) -> None:
        """Start a background run; a newer request supersedes (cancels) a running one."""
        if params is not None:
            self.params = params
        self.cancel()
        page = self._page_dir / f"map-{next(self._serial)}.html"
        task = Task(scenario_job(self.params, self.network, page, self.map_options()))
        task.signals.progress.connect(self.progressChanged)
        task.signals.done.connect(lambda value, t=task: self._finished(t, value))
        task.signals.failed.connect(lambda msg, t=task: self._failed(t, msg))
        task.signals.cancelled.connect(lambda t=task: self._cancelled(t))
        self._task = task
        self.busyChanged.emit(True)
        self.progressChanged.emit(0, tr("Starting"))
        self._pool.start(task)

    def map_options(self):
        """Map texts in the current language, taken from Qt's translator (main thread)."""
        from ui.webmap import MAP_TEXT_LABELS, MapOptions

        return MapOptions(lang=current_language(),
                          texts=tuple((k, tr(k)) for k in MAP_TEXT_LABELS))

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
            self.busyChanged.emit(False)
            self.statusMessage.emit(tr("Recompute cancelled; the previous result is kept"))

    def _finished(self, task: Task, value: Any) -> None:
        if task is not self._task:
            return  # a superseded run finished late: ignore it
        self._task = None
        old = self.page
        self.result, self.page, self.update_js = value
        self.busyChanged.emit(False)
        self.resultChanged.emit(self.result, self.page)
        s = self.result.summary
        self.statusMessage.emit(tr("Rural covered {pct}% · {n} gap regions").format(
            pct=f"{s.rural_covered_pct:.2f}", n=fmt_count(s.gap_regions)))
        if old is not None and old != self.page:
            old.unlink(missing_ok=True)

    def _failed(self, task: Task, message: str) -> None:
        if task is not self._task:
            return
        self._task = None
        self.busyChanged.emit(False)
        self.errorRaised.emit(tr("Recompute failed, the previous result is kept.") + "\n"
                              + message)

    def _cancelled(self, task: Task) -> None:
        if task is self._task:
            self._task = None
            self.busyChanged.emit(False)

    def select(self, kind: str, index: int) -> None:
        if self.result is None:
            return
        self.selectionChanged.emit(describe(self.result, kind, index, tr, fmt_count))

    def zoom_to_province(self, gb_code: int) -> None:
        from geo.data import load_china

        prov = load_china().provinces
        row = prov[prov["gb_code"] == gb_code]
        if len(row):
            w, s, e, n = row.geometry.iloc[0].bounds
            self.zoomRequested.emit(s, w, n, e)
            self.select("province", gb_code)
