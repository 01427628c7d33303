"""The one application-state object: what the scenario is, and what is selected.

Widgets never talk to each other; they read from and call into this object and
react to its signals (the git-cola "context" pattern). A failed or cancelled
recompute leaves the previous result in place.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.scenario_file import ScenarioFile
from reach_planner.geo.sites_io import SiteOverlay
from reach_planner.ui.details import describe, describe_overloaded
from reach_planner.ui.i18n import current_language, fmt_count, tr
from reach_planner.ui.workers import Task, scenario_job

_SAME = object()  # "keep the current overlay"


class OverlayCommand(QUndoCommand):
    """Swap the scenario's overlay (imports, accepted outlets); undo swaps it back."""

    def __init__(self, state: AppState, old: SiteOverlay | None, new: SiteOverlay | None,
                 text: str) -> None:
        super().__init__(text)
        self.state, self.old, self.new = state, old, new

    def redo(self) -> None:
        self.state.recompute(overlay=self.new)

    def undo(self) -> None:
        self.state.recompute(overlay=self.old)


class AppState(QObject):
    resultChanged = Signal(object, object)  # ScenarioResult, page path
    busyChanged = Signal(bool)
    progressChanged = Signal(int, str)
    errorRaised = Signal(str)
    statusMessage = Signal(str)
    selectionChanged = Signal(object)  # dict of label -> value, or None
    zoomRequested = Signal(float, float, float, float)  # south, west, north, east
    dirtyChanged = Signal(bool)  # unsaved changes since the last open/save
    recommendationChanged = Signal(object)  # Recommendation or None
    comparisonChanged = Signal(object)  # Comparison or None
    capacityChanged = Signal(object)  # geo.siting.capacity.Capacity or None

    def __init__(self, page_dir: Path, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self.params = ScenarioParams()
        self.overlay: SiteOverlay | None = None  # imported sites laid over the simulation
        self.path: Path | None = None  # the scenario file, once saved or opened
        self.dirty = False
        self._pending: tuple[ScenarioParams, SiteOverlay | None, bool] | None = None
        self.baseline: ScenarioResult | None = None  # scenario A of a comparison
        self.comparison = None
        self.recommendation = None
        self.capacity = None  # overloaded outlets of the current result, once asked for
        self._capacity_run: object | None = None  # the newest capacity request
        self.undo_stack = QUndoStack(self)
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

    def recompute(self, params: ScenarioParams | None = None, overlay: Any = _SAME,
                  changes: bool = True) -> None:
        """Start a background run; a newer request supersedes (cancels) a running one.

        ``params``/``overlay`` become the scenario only when the run succeeds, so a
        failed or cancelled run leaves the current scenario exactly as it was.
        """
        params = params or self.params
        overlay = self.overlay if overlay is _SAME else overlay
        self.cancel()
        self._pending = (params, overlay, changes)
        page = self._page_dir / f"map-{next(self._serial)}.html"
        task = Task(scenario_job(params, overlay, page, self.map_options(), self.baseline))
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
        from reach_planner.ui.maps.web import MAP_TEXT_LABELS, MapOptions

        return MapOptions(lang=current_language(),
                          texts=tuple((k, tr(k)) for k in MAP_TEXT_LABELS))

    def cancel(self) -> None:
        side = getattr(self, "_side_task", None)
        if side is not None:
            side.cancel()
            self._side_task = None
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
        self.result, self.page, self.update_js, self.comparison = value
        if self._pending is not None:
            params, overlay, changes = self._pending
            changed = params != self.params or overlay is not self.overlay
            self.params, self.overlay = params, overlay
            if changes and changed:
                self.set_dirty(True)
        self.busyChanged.emit(False)
        self.resultChanged.emit(self.result, self.page)
        self.comparisonChanged.emit(self.comparison)
        if self.recommendation is not None:
            self.set_recommendation(None)  # made for the previous network
        if self.capacity is not None:
            self.set_capacity(None)  # so was this
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

    # -- planner's changes (undoable) -------------------------------------------------
    def change_overlay(self, overlay: SiteOverlay | None, text: str) -> None:
        """Apply imported or accepted sites through the undo stack."""
        self.undo_stack.push(OverlayCommand(self, self.overlay, overlay, text))

    def set_recommendation(self, rec) -> None:
        self.recommendation = rec
        self.recommendationChanged.emit(rec)

    def recommend(self, job: Callable) -> Task:
        """Run a recommendation job in the pool; the result arrives as a signal."""
        return self._side_job(job, self.set_recommendation)

    def _side_job(self, job: Callable, done: Callable[[Any], None]) -> Task:
        """A job on the current result (recommend, capacity), beside the recompute."""
        task = Task(job)
        task.signals.progress.connect(self.progressChanged)
        task.signals.done.connect(lambda value: (self.busyChanged.emit(False), done(value)))
        task.signals.cancelled.connect(lambda: self.busyChanged.emit(False))
        task.signals.failed.connect(lambda msg: (self.busyChanged.emit(False),
                                                 self.errorRaised.emit(msg)))
        self._side_task = task
        self.busyChanged.emit(True)
        self._pool.start(task)
        return task

    def set_capacity(self, cap) -> None:
        self.capacity = cap
        self.capacityChanged.emit(cap)

    def run_capacity(self, households: int) -> Task | None:
        """Overloaded outlets at ``households`` per outlet, computed in the pool."""
        from reach_planner.geo.siting.capacity import capacity

        result, text, run = self.result, tr("Computing capacity"), object()
        if result is None:
            return None
        self._capacity_run = run

        def job(progress: Callable[[int, str], None]):
            progress(0, text)
            return capacity(result, households)

        def done(cap) -> None:  # only the newest request, for the result still shown
            if self.result is result and self._capacity_run is run:
                self.set_capacity(cap)

        return self._side_job(job, done)

    def accept_recommendation(self) -> None:
        rec = self.recommendation
        if rec is None or self.result is None or len(rec.sites) == 0:
            return
        self.baseline = self.result  # before/after comparison
        base = self.overlay or SiteOverlay()
        self.change_overlay(base.with_added(rec.sites),
                            tr("Accept {n} recommended outlets").format(n=len(rec.sites)))

    def set_baseline(self, keep: bool) -> None:
        """Use the current result as scenario A (or stop comparing) and redraw."""
        self.baseline = self.result if keep else None
        if not keep:
            self.comparison = None
            self.comparisonChanged.emit(None)
        self.recompute(changes=False)

    def set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirtyChanged.emit(dirty)

    def scenario_file(self, settings: dict | None = None) -> ScenarioFile:
        return ScenarioFile(self.params, self.overlay, dict(settings or {}))

    def saved_as(self, path: Path) -> None:
        self.path = Path(path)
        self.set_dirty(False)
        self.dirtyChanged.emit(False)

    def opened(self, path: Path, scenario: ScenarioFile) -> None:
        """Show an opened scenario; it is clean once its result is on screen."""
        self.path = Path(path)
        self.undo_stack.clear()
        self.baseline = None
        self.recompute(scenario.params, scenario.overlay, changes=False)
        self.set_dirty(False)
        self.dirtyChanged.emit(False)

    def select(self, kind: str, index: int) -> None:
        if self.result is None:
            return
        if kind == "overloaded":
            self.selectionChanged.emit(describe_overloaded(self.capacity, index, tr, fmt_count))
            return
        self.selectionChanged.emit(describe(self.result, kind, index, tr, fmt_count))

    def zoom_to_province(self, gb_code: int) -> None:
        from reach_planner.geo.data import load_china

        prov = load_china().provinces
        row = prov[prov["gb_code"] == gb_code]
        if len(row):
            w, s, e, n = row.geometry.iloc[0].bounds
            self.zoomRequested.emit(s, w, n, e)
            self.select("province", gb_code)
