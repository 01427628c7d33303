"""The one application-state object: what the scenario is, and what is selected.

Widgets never talk to each other; they read from and call into this object and
react to its signals (the git-cola "context" pattern). Every background job runs
through its :class:`TaskRunner`. The scenario (parameters, imported sites, file path)
changes only when the run that computes it succeeds: a failed or cancelled run
leaves everything exactly as it was. Unsaved changes are the undo stack's state, so
the title's ``*`` goes away again when the planner undoes back to the saved scenario.
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
from reach_planner.geo.scenario_file import ScenarioFile, map_view
from reach_planner.geo.sites_io import SiteOverlay
from reach_planner.ui.details import describe, describe_overloaded, describe_recommended
from reach_planner.ui.i18n import current_language, fmt_count, tr
from reach_planner.ui.prefetch import Prefetch
from reach_planner.ui.runner import Job, Progress, TaskRunner, error_text, layers_job, scenario_job

_SAME = object()  # "keep the current overlay"
RECOMPUTE, RECOMMEND, CAPACITY = "recompute", "recommend", "capacity"


class ChangeCommand(QUndoCommand):
    """One planner's change (parameters, an import, accepted outlets), already applied
    when pushed; undo and redo recompute the scenario before or after it."""

    def __init__(self, state: AppState, old: tuple, new: tuple, text: str) -> None:
        super().__init__(text)
        self.state, self.old, self.new = state, old, new
        self._applied = True

    def redo(self) -> None:
        if self._applied:  # the push itself: the change is on screen already
            self._applied = False
            return
        self.state.recompute(*self.new)

    def undo(self) -> None:
        self.state.recompute(*self.old)


class AppState(QObject):
    resultChanged = Signal(object, object)  # ScenarioResult, script that puts it on the map
    relabelled = Signal(str)  # the same result's layers in the current language
    paramsChanged = Signal(object)  # ScenarioParams now in force
    busyChanged = Signal(bool)
    progressChanged = Signal(int, str)
    errorRaised = Signal(str)
    statusMessage = Signal(str)
    selectionChanged = Signal(object)  # dict of label -> value, or None
    featureSelected = Signal(str, int)  # kind and index of the selection; ("", -1): none
    zoomRequested = Signal(float, float, float, float)  # south, west, north, east
    dirtyChanged = Signal(bool)  # unsaved changes since the last open/save
    pathChanged = Signal(object)  # the scenario file (Path or None)
    viewRequested = Signal(object)  # a saved map view {lat, lon, zoom} to show
    recommendationChanged = Signal(object)  # Recommendation or None
    comparisonChanged = Signal(object)  # Comparison or None
    capacityChanged = Signal(object)  # geo.siting.capacity.Capacity or None

    def __init__(self, page_dir: Path, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self.params = ScenarioParams()
        self.overlay: SiteOverlay | None = None  # imported sites laid over the simulation
        self.path: Path | None = None  # the scenario file, once saved or opened
        self.baseline: ScenarioResult | None = None  # scenario A of a comparison
        self.comparison = None
        self.recommendation = None
        self.capacity = None  # overloaded outlets of the current result, once asked for
        self.selection: tuple[str, int] | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(lambda clean: self.dirtyChanged.emit(not clean))
        self.result: ScenarioResult | None = None
        self._page: Path | None = None  # the result's whole page file, once written
        self._page_source: tuple | None = None  # (MapOptions, MapPayload) of the result
        self.update_js: str | None = None  # puts the result's layers on the page on screen
        self._page_dir = Path(page_dir)
        self.runner = TaskRunner(pool, self)
        self.runner.busyChanged.connect(self.busyChanged)
        self.runner.progressChanged.connect(self.progressChanged)
        self._serial = itertools.count(1)

    @property
    def busy(self) -> bool:
        return self.runner.busy

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    # -- running the scenario -----------------------------------------------------------
    def recompute(self, params: ScenarioParams | None = None, overlay: Any = _SAME,
                  baseline: Any = _SAME, then: Callable[[], None] | None = None,
                  prefetch: Prefetch | None = None) -> None:
        """Start a background run; a newer one supersedes it (and any recommendation).

        ``params``/``overlay`` become the scenario only when the run succeeds; then
        ``then()`` runs. A failed or cancelled run changes nothing. ``prefetch``: the
        launch's forked computation of this very run, received instead of computing.
        """
        params = params or self.params
        overlay = self.overlay if overlay is _SAME else overlay
        baseline = self.baseline if baseline is _SAME else baseline
        job = scenario_job(params, overlay, self.map_options(), baseline)
        if prefetch is not None:
            job = prefetch.job(fallback=job)
        self.progressChanged.emit(0, tr("Starting"))
        self.runner.start(RECOMPUTE, job,
                          done=lambda value: self._finished(value, params, overlay, baseline,
                                                            then),
                          failed=self._failed, stale=(RECOMMEND, CAPACITY))

    def change(self, params: ScenarioParams | None = None, overlay: Any = _SAME,
               text: str = "") -> None:
        """A planner's change: recompute, and once it succeeds put it on the undo stack."""
        old = (self.params, self.overlay)
        new = (params or self.params, self.overlay if overlay is _SAME else overlay)
        if new[0] == old[0] and new[1] is old[1]:
            self.recompute()  # nothing changed: just run again
            return
        label = text or tr("Change parameters")
        self.recompute(*new, then=lambda: self.undo_stack.push(
            ChangeCommand(self, old, new, label)))

    def relabel(self) -> None:
        """The map in the current language. A running recompute is restarted (its layers
        would come in the old language); otherwise only the layers of the result on
        screen are rebuilt, so its recommendation, capacity and selection stay."""
        if self.result is None:
            return
        if self.runner.running(RECOMPUTE):
            self.recompute()
            return
        result = self.result

        def done(value: Any) -> None:
            if self.result is not result:
                return  # a newer result has its own layers
            self._page_source, self.update_js = value
            if self._page is not None:
                self._page.unlink(missing_ok=True)
                self._page = None  # written again, in this language, when asked for
            self.relabelled.emit(self.update_js)

        self.runner.start(RECOMPUTE, layers_job(result, self.map_options(), self.comparison),
                          done=done, failed=self._failed)

    def map_options(self):
        """Map texts in the current language, taken from Qt's translator (main thread)."""
        from reach_planner.ui.maps.web import MAP_TEXT_LABELS, MapOptions

        return MapOptions(lang=current_language(),
                          texts=tuple((k, tr(k)) for k in MAP_TEXT_LABELS))

    def cancel(self) -> None:
        """Stop every running job; a cancelled recompute keeps the previous result."""
        recomputing = self.runner.running(RECOMPUTE)
        self.runner.cancel()
        if recomputing:
            self.statusMessage.emit(tr("Recompute cancelled; the previous result is kept"))

    def _finished(self, value: Any, params: ScenarioParams, overlay: SiteOverlay | None,
                  baseline: ScenarioResult | None, then: Callable[[], None] | None) -> None:
        old = self._page
        self.result, self._page_source, self.update_js, self.comparison = value
        self._page = None
        params_changed = params != self.params
        self.params, self.overlay, self.baseline = params, overlay, baseline
        for slot in (RECOMMEND, CAPACITY):
            self.runner.cancel(slot)  # one started during this run was for the old network
        if params_changed:
            self.paramsChanged.emit(params)
        self.resultChanged.emit(self.result, self.update_js)
        self.comparisonChanged.emit(self.comparison)
        if self.recommendation is not None:
            self.set_recommendation(None)  # made for the previous network
        if self.capacity is not None:
            self.set_capacity(None)  # so was this
        self._refresh_selection(same_result=False)
        if then is not None:
            then()
        s = self.result.summary
        self.statusMessage.emit(tr("Rural covered {pct}% · {n} gap regions").format(
            pct=f"{s.rural_covered_pct:.2f}", n=fmt_count(s.gap_regions)))
        if old is not None:
            old.unlink(missing_ok=True)

    @property
    def page(self) -> Path | None:
        """The current result as a whole page file (the map, standalone), written on
        first use from the layers already built; None before the first result."""
        if self._page is None and self.result is not None and self._page_source is not None:
            from reach_planner.ui.maps.web import write_map

            opts, payload = self._page_source
            path = self._page_dir / f"map-{next(self._serial)}.html"
            self._page = write_map(self.result, path, opts, payload)
        return self._page

    def shell_page(self) -> Path:
        """A page with the base map only, in the current language, for the window to
        load while a result is computed (a new file each time: a loading page is never
        rewritten under Chromium)."""
        from reach_planner.ui.maps.web import write_shell

        return write_shell(self._page_dir / f"shell-{next(self._serial)}.html", self.map_options())

    def _failed(self, exc: BaseException) -> None:
        self.errorRaised.emit(tr("Recompute failed, the previous result is kept.") + "\n"
                              + error_text(exc))

    # -- recommendations ---------------------------------------------------------------
    def set_recommendation(self, rec) -> None:
        self.recommendation = rec
        self.recommendationChanged.emit(rec)
        if self.selection is not None and self.selection[0] == "recommended":
            self.selection = None  # that pick is gone
            self.selectionChanged.emit(None)
            self.featureSelected.emit("", -1)

    def recommend(self, job: Job) -> None:
        """Run a recommendation; a newer one (or a new recompute) makes it stale."""
        self.runner.start(RECOMMEND, job, done=self.set_recommendation,
                          failed=lambda exc: self.errorRaised.emit(error_text(exc)))

    def relocate(self, job: Job, done: Callable[[Any], None]) -> None:
        """Run a relocation (closing and opening outlets chosen together) in the
        recommendation's slot: a newer run or a recompute makes it stale."""
        self.runner.start(RECOMMEND, job, done=done,
                          failed=lambda exc: self.errorRaised.emit(error_text(exc)))

    # -- capacity ------------------------------------------------------------------------
    def set_capacity(self, cap) -> None:
        self.capacity = cap
        self.capacityChanged.emit(cap)
        if self.selection is not None and self.selection[0] == "overloaded":
            self.selection = None  # that row is gone
            self.selectionChanged.emit(None)
            self.featureSelected.emit("", -1)

    def run_capacity(self, households: int) -> None:
        """Overloaded outlets at ``households`` per outlet, computed in the pool; a newer
        request (or a new recompute) makes it stale."""
        from reach_planner.geo.siting.capacity import capacity

        result, text = self.result, tr("Computing capacity")
        if result is None:
            return

        def job(progress: Progress):
            progress(0, text)
            return capacity(result, households)

        def ended(exc: BaseException | None = None) -> None:  # the panel shows the answer in force
            if exc is not None:
                self.errorRaised.emit(error_text(exc))
            self.capacityChanged.emit(self.capacity)

        self.runner.start(CAPACITY, job, done=self.set_capacity, failed=ended, cancelled=ended)

    def accept_recommendation(self) -> None:
        rec = self.recommendation
        if rec is None or self.result is None or len(rec.sites) == 0:
            return
        before = self.result
        base = self.overlay or SiteOverlay()
        text = tr("Accept {n} recommended outlets").format(n=len(rec.sites))
        old, new = (self.params, self.overlay), (self.params, base.with_added(rec.sites))
        # the before/after comparison starts with the accepted outlets
        self.recompute(*new, baseline=before, then=lambda: self.undo_stack.push(
            ChangeCommand(self, old, new, text)))

    def set_baseline(self, keep: bool) -> None:
        """Use the current result as scenario A (or stop comparing) and redraw."""
        self.recompute(baseline=self.result if keep else None)

    # -- files ----------------------------------------------------------------------------
    def scenario_file(self, settings: dict | None = None) -> ScenarioFile:
        return ScenarioFile(self.params, self.overlay, dict(settings or {}))

    def saved_as(self, path: Path) -> None:
        self._set_path(Path(path))
        self.undo_stack.setClean()

    def open(self, path: Path, scenario: ScenarioFile) -> None:
        """Show an opened scenario. Path, form, title and undo history change only when
        its run succeeds; cancelled or failed, the window still shows the old file."""
        def opened() -> None:
            self.undo_stack.clear()  # clean, and one dirtyChanged if it was dirty
            self._set_path(Path(path))
            view = map_view(scenario.settings)
            if view is not None:
                self.viewRequested.emit(view)

        self.recompute(scenario.params, scenario.overlay, baseline=None, then=opened)

    def new_scenario(self, then: Callable[[], None] | None = None) -> None:
        """Back to the simulated default scenario, untitled and clean."""
        def fresh() -> None:
            self.undo_stack.clear()
            self._set_path(None)
            if then is not None:
                then()

        self.recompute(ScenarioParams(cell_km=self.params.cell_km), None, baseline=None,
                       then=fresh)

    def _set_path(self, path: Path | None) -> None:
        if path != self.path:
            self.path = path
            self.pathChanged.emit(path)

    # -- selection --------------------------------------------------------------------------
    def select(self, kind: str, index: int) -> None:
        """Show a feature in Details and highlight it (map, province table)."""
        if self.result is None:
            return
        details = self._describe(kind, index)
        self.selection = (kind, index) if details is not None else None
        self.selectionChanged.emit(details)
        if details is None:
            self.featureSelected.emit("", -1)
        else:
            self.featureSelected.emit(kind, index)

    def _describe(self, kind: str, index: int) -> dict[str, str] | None:
        if kind == "recommended":
            return describe_recommended(self.recommendation, index, tr, fmt_count)
        if kind == "overloaded":
            return describe_overloaded(self.capacity, index, tr, fmt_count)
        return describe(self.result, kind, index, tr, fmt_count)

    def _refresh_selection(self, same_result: bool) -> None:
        """Details never show a previous result. A province or county is described anew
        (its code is stable); a site, outlet or gap region is numbered within one result, so after
        a new result it is cleared rather than shown as some other feature."""
        if self.selection is None:
            return
        kind, index = self.selection
        details = None
        if same_result or kind in ("province", "county"):
            details = self._describe(kind, index)
        if details is None:
            self.selection = None
            self.featureSelected.emit("", -1)
        else:
            self.featureSelected.emit(kind, index)
        self.selectionChanged.emit(details)

    def retranslate(self) -> None:
        """Details in the new language (the panels call this on a language change)."""
        if self.result is not None:
            self._refresh_selection(same_result=True)

    def zoom_to_province(self, gb_code: int) -> None:
        from reach_planner.geo.data import load_china

        prov = load_china().provinces
        row = prov[prov["gb_code"] == gb_code]
        if len(row):
            w, s, e, n = row.geometry.iloc[0].bounds
            self.zoomRequested.emit(s, w, n, e)
            self.select("province", gb_code)

    def zoom_to_county(self, adcode: int) -> None:
        """Zoom to a county planning unit's cells and show it in Details."""
        from reach_planner.geo.counties import county_bounds

        if self.result is None:
            return
        box = county_bounds(self.result.demand.grid, adcode)
        if box is not None:
            w, s, e, n = box
            self.zoomRequested.emit(s, w, n, e)
        self.select("county", adcode)
