"""The main window: map in the centre, dockable panels, menus, status bar with progress."""
from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QWidget,
)

from reach_planner import __version__
from reach_planner.geo.params import ScenarioParams
from reach_planner.ui import messages
from reach_planner.ui.capacity_panel import CapacityPanel
from reach_planner.ui.demand_ui import DemandActions
from reach_planner.ui.export import PageGrab, legend_layers, save_image
from reach_planner.ui.export_dialog import ExportDialog, remember_folder
from reach_planner.ui.file_actions import FileActions
from reach_planner.ui.i18n import LANGUAGES, current_language, set_language, tr
from reach_planner.ui.maps.web import ATTRIBUTION, MapOptions, subtitle_for, write_map
from reach_planner.ui.mapview import MapView
from reach_planner.ui.panels import ControlsPanel, DetailsPanel, ProvinceTable, ReachPanel
from reach_planner.ui.recommend_panel import ComparePanel, RecommendPanel
from reach_planner.ui.runner import error_text
from reach_planner.ui.state import AppState

MIN_DOCK_WIDTH = 170  # px: a dock can be this narrow (its panel scrolls)
# The most of the window's width each side's docks may take, so the map keeps over 40%
# whatever the docks ask for (the right side holds the wider tables).
DOCK_SHARE = {"left": 0.25, "right": 0.32}
DEFAULT_SIZE = (1500, 920)
MAX_FIT_ZOOM = 9  # a zoom to a pick or a province shows its surroundings, not a 20 km street scale (23.21)


def fitted_size(available) -> tuple[int, int]:
    """The default window size, within the screen's available area (23.9: a 1024 x 700
    screen got a 1500 px window whose right docks were off screen)."""
    return (min(DEFAULT_SIZE[0], int(available.width() * 0.96)),
            min(DEFAULT_SIZE[1], int(available.height() * 0.94)))


class MainWindow(FileActions, DemandActions, QMainWindow):
    def __init__(self, state: AppState | None = None) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory(prefix="reach-planner-")
        self.state = state or AppState(Path(self._tmp.name))
        self.map = MapView(self)
        self.map.setAcceptDrops(False)  # dropped files go to the window's import, not the page
        self._keep_view: dict | None = None  # view for the next full page load
        self._view_after_load: dict | None = None  # a saved view to show once drawn
        self._page_loading = False
        self.setCentralWidget(self.map)
        self.setAcceptDrops(True)
        self.reach = ReachPanel(self.state)
        self.provinces = ProvinceTable(self.state)
        self.controls = ControlsPanel(self.state)
        self.details = DetailsPanel(self.state)
        self.recommender = RecommendPanel(self.state)
        self.compare = ComparePanel(self.state)
        self.capacity = CapacityPanel(self.state)
        right, left = Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.LeftDockWidgetArea
        self.docks = {"reach": self._dock("reach", self.reach, right),
                      "provinces": self._dock("provinces", self.provinces, right),
                      "controls": self._dock("controls", self.controls, left),
                      "details": self._dock("details", self.details, left),
                      "recommend": self._dock("recommend", self.recommender, left),
                      "compare": self._dock("compare", self.compare, right),
                      "capacity": self._dock("capacity", self.capacity, left)}
        self.tabifyDockWidget(self.docks["controls"], self.docks["recommend"])
        self.tabifyDockWidget(self.docks["recommend"], self.docks["capacity"])
        self.tabifyDockWidget(self.docks["provinces"], self.docks["compare"])
        self.docks["controls"].raise_()
        self.docks["provinces"].raise_()
        self._status_bar()
        self._menus()
        self._connect()
        self.retranslate()
        self.resize(*fitted_size(self.screen().availableGeometry().size()))
        self.resizeDocks([self.docks["reach"]], [420], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["controls"]], [290], Qt.Orientation.Horizontal)
        # the scenario form takes what it needs, Details the rest (it showed ~5 rows, 23.15)
        # the scenario form is never scrolled away: Recompute stays in sight
        self.docks["controls"].widget().setMinimumHeight(self.controls.minimumSizeHint().height() + 4)
        form = self.controls.sizeHint().height() + 90  # + the dock title and the tab bar
        self.resizeDocks([self.docks["controls"], self.docks["details"]], [form, max(form, 2 * form)],
                         Qt.Orientation.Vertical)
        self._restore_layout()
        self.keep_map_room()

    # -- construction -------------------------------------------------------------
    def _dock(self, key: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """A dock whose panel scrolls when the dock is narrower than the panel would like,
        so no panel can force a dock (and the window) wider than the map can afford."""
        dock = QDockWidget(self)
        dock.setObjectName(f"dock_{key}")
        if isinstance(widget, QAbstractScrollArea) or getattr(widget, "scrolls_itself", False):
            widget.setMinimumWidth(MIN_DOCK_WIDTH)
            dock.setWidget(widget)
        else:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(widget)
            scroll.setMinimumWidth(MIN_DOCK_WIDTH)
            dock.setWidget(scroll)
        self.addDockWidget(area, dock)
        return dock

    def clear_selection(self) -> None:
        if self.state.selection is not None:
            self.state.select("", -1)
            self.provinces.show_code(None)

    def keep_map_room(self) -> None:
        """Shrink the side docks to their DOCK_SHARE of the width, so the map keeps room
        (23.9: at 1024 x 700 the map was 150-255 px wide)."""
        width = self.width()
        for side, area in (("left", Qt.DockWidgetArea.LeftDockWidgetArea),
                           ("right", Qt.DockWidgetArea.RightDockWidgetArea)):
            shown = [d for d in self.docks.values()
                     if self.dockWidgetArea(d) == area and d.isVisible() and not d.isFloating()]
            if not shown:
                continue
            room = max(MIN_DOCK_WIDTH, int(width * DOCK_SHARE[side]))
            if max(d.width() for d in shown) > room:
                self.resizeDocks(shown, [room] * len(shown), Qt.Orientation.Horizontal)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.keep_map_room()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self.keep_map_room)  # once the docks have their real widths

    def _status_bar(self) -> None:
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.stage = QLabel()
        self.stage.setTextFormat(Qt.TextFormat.PlainText)  # task stages may name files
        self.cancel_btn = QPushButton()
        self.cancel_btn.setVisible(False)
        self.cancel_btn.clicked.connect(self.state.cancel)
        sb = self.statusBar()
        sb.addPermanentWidget(self.stage)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_btn)

    def _action(self, slot, shortcut=None) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.new_action = self._action(self.new_scenario, QKeySequence.StandardKey.New)
        self.open_action = self._action(lambda: self.open_scenario(), QKeySequence.StandardKey.Open)
        self.recent_menu = self.file_menu.addMenu("")
        self.save_action = self._action(self.save_scenario, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(self.save_scenario_as, QKeySequence.StandardKey.SaveAs)
        self.import_action = self._action(self.import_sites, "Ctrl+I")
        self.demand_action = self._action(self.import_demand)
        self.census_action = self._action(self.use_census_demand)
        self.export_data_action = self._action(self.export_results, "Ctrl+Shift+E")
        self.export_action = self._action(self.export_image, "Ctrl+E")
        # Esc clears the selection, as in a GIS (23.21); the map page forwards its own Esc
        self.clear_selection_action = self._action(self.clear_selection, "Esc")
        self.clear_selection_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(self.clear_selection_action)
        self.print_action = self._action(self.export_print_map, "Ctrl+P")
        self.report_action = self._action(self.export_report)
        self.quit_action = self._action(self.close, QKeySequence.StandardKey.Quit)
        f = self.file_menu
        f.insertAction(self.recent_menu.menuAction(), self.new_action)
        f.insertAction(self.recent_menu.menuAction(), self.open_action)
        for act in (None, self.save_action, self.save_as_action, None, self.import_action,
                    self.demand_action, self.census_action, None, self.export_action,
                    self.print_action, self.report_action, self.export_data_action, None, self.quit_action):
            f.addSeparator() if act is None else f.addAction(act)
        self.fill_recent_menu()
        self.edit_menu = bar.addMenu("")
        self.undo_action = self.state.undo_stack.createUndoAction(self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.state.undo_stack.createRedoAction(self)
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.view_menu = bar.addMenu("")
        self.reset_action = self._action(self.map.home,
                                         "Ctrl+0")
        self.view_menu.addAction(self.reset_action)
        self.view_menu.addSeparator()
        for dock in self.docks.values():
            self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addSeparator()
        self.language_menu = self.view_menu.addMenu("")
        group = QActionGroup(self)
        self.language_actions = {}
        for code, name in LANGUAGES.items():
            act = QAction(name, self, checkable=True)
            act.setChecked(code == current_language())
            act.triggered.connect(lambda _c=False, lang=code: self.switch_language(lang))
            group.addAction(act)
            self.language_menu.addAction(act)
            self.language_actions[code] = act
        self.help_menu = bar.addMenu("")
        self.about_action = self._action(self.about)
        self.help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        s = self.state
        s.resultChanged.connect(self._show_result)
        s.relabelled.connect(self._show_relabelled)
        s.busyChanged.connect(self._busy)
        s.progressChanged.connect(self._progress)
        s.errorRaised.connect(self._error)
        s.statusMessage.connect(lambda m: self.statusBar().showMessage(m, 8000))
        s.zoomRequested.connect(lambda *box: self.map.fit_bounds(*box, max_zoom=MAX_FIT_ZOOM))
        s.dirtyChanged.connect(self.update_title)
        s.pathChanged.connect(self.update_title)
        s.paramsChanged.connect(self.controls.show_params)
        s.viewRequested.connect(self._show_view)
        s.featureSelected.connect(self._highlight)
        self.map.drawn.connect(self._map_drawn)
        s.recommendationChanged.connect(self._show_recommendation)
        s.capacityChanged.connect(self._show_capacity)
        self._capacity_waiting = False
        self.map.bridge.selected.connect(s.select)
        self.map.loadFailed.connect(self._error)

    # -- language -----------------------------------------------------------------
    def update_title(self, *_args) -> None:
        name = self.state.path.name if self.state.path else tr("Untitled scenario")
        mark = "*" if self.state.dirty else ""
        self.setWindowTitle(f"{name}{mark} — " + tr(
            "Reach Planner — Goodaymart rural delivery & installation network"))

    def retranslate(self) -> None:
        self.update_title()
        titles = {"reach": tr("Joint-venture reach"), "provinces": tr("Provinces"),
                  "controls": tr("Scenario"), "details": tr("Details"),
                  "recommend": tr("Close the gaps"), "compare": tr("Compare A/B"),
                  "capacity": tr("Capacity")}
        for key, dock in self.docks.items():
            dock.setWindowTitle(titles[key])
        self.file_menu.setTitle(tr("&File"))
        self.new_action.setText(tr("&New scenario (simulated network)"))
        self.open_action.setText(tr("&Open scenario…"))
        self.recent_menu.setTitle(tr("Open &recent"))
        self.save_action.setText(tr("&Save scenario"))
        self.save_as_action.setText(tr("Save scenario &as…"))
        self.import_action.setText(tr("&Import sites…"))
        self.demand_action.setText(tr("Import &demand (population raster or weighted points)…"))
        self.census_action.setText(tr("Use the &census demand model"))
        self.export_data_action.setText(tr("Export &results (GeoPackage, GeoJSON, CSV, XLSX)…"))
        self.view_menu.setTitle(tr("&View"))
        self.help_menu.setTitle(tr("&Help"))
        self.edit_menu.setTitle(tr("&Edit"))
        self.print_action.setText(tr("Export &print map (PNG, PDF, SVG)…"))
        self.report_action.setText(tr("Export report pac&k (PDF, PNG, XLSX)…"))
        self.language_menu.setTitle(tr("&Language"))
        self.export_action.setText(tr("&Export map image…"))
        self.quit_action.setText(tr("&Quit"))
        self.reset_action.setText(tr("&Whole country"))
        self.about_action.setText(tr("&About Reach Planner"))
        self.cancel_btn.setText(tr("Cancel"))
        for panel in (self.reach, self.provinces, self.controls, self.details,
                      self.recommender, self.compare, self.capacity):
            panel.retranslate()
        self.state.retranslate()

    def switch_language(self, lang: str) -> None:
        """Apply a language now and remember it; the map is redrawn in it too."""
        if lang == current_language() or not set_language(lang):
            return
        # Qt 6.11 posts LanguageChange: deliver it now so every label changes at once
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        self.language_actions[lang].setChecked(True)
        if self.state.result is not None:
            # layer names change: a fresh base map in the new language (same view), loading
            # while the result's layers are rebuilt for it (the result itself stays)
            self._keep_view = self.map.current_view()
            self.state.relabel()
            self._load_shell()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- reactions ----------------------------------------------------------------
    def _show_result(self, _result, script: str) -> None:
        if not self._page_loading and not self.map.has_page:
            self._load_shell()
        self.map.show_data(script)  # same view, no page reload (or once the shell is up)

    def _show_relabelled(self, script: str) -> None:
        """The same result in another language: its layers, then the recommendation and
        overloaded outlets it had (in place, the view kept)."""
        self.map.show_data(script)
        self.map.drawn.connect(self._restore_extra_layers, Qt.ConnectionType.SingleShotConnection)

    def _restore_extra_layers(self) -> None:
        if self.state.recommendation is not None:
            self._show_recommendation(self.state.recommendation, fit=False)
        if self.state.capacity is not None:
            self._show_capacity()

    def _load_shell(self) -> None:
        """A fresh base-map page in the current language; the result's layers follow."""
        self._page_loading = True
        self.map.load_shell(self.state.shell_page(), self._keep_view or self.map.current_view())
        self._keep_view = None

    def _map_drawn(self) -> None:
        self._page_loading = False
        view, self._view_after_load = self._view_after_load, None
        if view is not None:
            self.map.set_view(view)
        if self.state.selection is not None:
            self.map.highlight(*self.state.selection)  # the new layers lost the outline

    def _highlight(self, kind: str, index: int) -> None:
        self.map.highlight(kind, index)
        self.provinces.show_feature(kind, index)

    def _show_view(self, view: dict) -> None:
        """A scenario's saved view: now, or once the page being loaded has drawn."""
        if self._page_loading:
            self._view_after_load = view
        else:
            self.map.set_view(view)

    def _show_recommendation(self, rec, fit: bool = True) -> None:
        """Recommended outlets get their own map layer (orange), added in place; ``fit``
        frames every pick."""
        from reach_planner.ui.maps.web import partial_update_script, recommended_js

        if not self.map.is_drawn:
            return
        name = tr("Recommended outlets")
        if rec is None or len(rec.sites) == 0:
            self.map.apply_update(partial_update_script([], remove=(name,)))
        else:
            self.map.apply_update(partial_update_script([(name, recommended_js(rec.sites))]))
            if not fit:
                return
            s = rec.sites  # show every pick, none under the legend
            self.map.fit_bounds(float(s["lat"].min()), float(s["lon"].min()),
                                float(s["lat"].max()), float(s["lon"].max()), max_zoom=MAX_FIT_ZOOM)

    def _show_capacity(self, _cap=None) -> None:
        """Overloaded outlets get their own map layer, added or dropped in place. While
        the map is busy (loading, or painting another update) the latest answer waits
        for it: a dropped update would leave a stale layer on the map."""
        from reach_planner.ui.maps.web import overloaded_js, partial_update_script

        if not self.map.is_drawn:
            if not self._capacity_waiting:
                self._capacity_waiting = True
                self.map.drawn.connect(self._capacity_drawn, Qt.ConnectionType.SingleShotConnection)
            return
        cap, name = self.state.capacity, tr("Overloaded outlets")
        if cap is None or len(cap.overloaded) == 0:
            self.map.apply_update(partial_update_script([], remove=(name,)))
        else:
            self.map.apply_update(partial_update_script([(name, overloaded_js(cap.overloaded, tr))]))

    def _capacity_drawn(self) -> None:
        self._capacity_waiting = False
        self._show_capacity()

    def export_print_map(self) -> None:
        from reach_planner.ui.print_dialog import PrintDialog

        if self.state.result is None:
            return
        dlg = PrintDialog(self)
        while dlg.exec():
            try:
                path, opts = dlg.choice()
            except ValueError as exc:
                messages.warning(self, tr("Export print map"), str(exc))
                continue
            self._print_to(path, opts)
            return

    def _print_to(self, path: Path, opts) -> None:
        from reach_planner.ui.maps.printmap import render_print_map
        from reach_planner.ui.print_dialog import remember_print_folder

        result = self.state.result

        def done(p: Path) -> None:
            remember_print_folder(p)
            self.statusBar().showMessage(tr("Exported {path}").format(path=p), 10000)

        self.statusBar().showMessage(tr("Exporting {name}…").format(name=path.name))
        self.state.runner.start(
            "print", lambda progress: render_print_map(result, opts, path), done=done,
            failed=lambda exc: self._export_failed(tr("Export print map"), exc),
            cancelled=self.statusBar().clearMessage)

    def _export_failed(self, title: str, exc: BaseException) -> None:
        """The status bar ends, the error is one sentence, no folder is remembered."""
        self.statusBar().clearMessage()
        self.export_action.setEnabled(True)
        messages.warning(self, title, tr("Could not export the map:") + "\n" + error_text(exc))

    def export_report(self) -> None:
        """File > Export report pack: the dialog, then one job in the task runner (progress
        and Cancel in the status bar); nothing is written unless the whole pack is done."""
        from reach_planner.ui.report.job import report_job
        from reach_planner.ui.report_dialog import ReportDialog

        if self.state.result is None:
            return
        dlg = ReportDialog(self)
        while dlg.exec():
            try:
                path, opts, xlsx = dlg.choice()
            except ValueError as exc:
                messages.warning(self, tr("Export report pack"), str(exc))
                continue
            job = report_job(self.state.result, opts, path, xlsx, self.state.recommendation)
            if not getattr(self, "_report_watch", False):
                # queued: runs after a finished job's own callback, so only a cancel is left
                self.state.runner.busyChanged.connect(self._report_ended,
                                                      Qt.ConnectionType.QueuedConnection)
                self._report_watch = True
            self._report_running = True
            self.report_action.setEnabled(False)
            self.statusBar().showMessage(tr("Exporting {name}…").format(name=path.name))
            self.state.runner.start("report", job, done=self._report_done,
                                    failed=self._report_failed, cancelled=self._report_ended)
            return

    def _report_done(self, files: list[Path]) -> None:
        self._report_running = False
        self.report_action.setEnabled(True)
        shown = files[0] if len(files) < 3 else files[0].parent
        self.statusBar().showMessage(tr("Exported {path}").format(path=shown), 10000)

    def _report_failed(self, exc: BaseException) -> None:
        self._report_running = False
        self.report_action.setEnabled(True)
        self.statusBar().clearMessage()
        messages.warning(self, tr("Export report pack"),
                         tr("Could not export the report pack:") + "\n" + error_text(exc))

    def _report_ended(self, busy: bool = False) -> None:
        """Cancel (the status bar's button stops every job): the action comes back."""
        if busy or not self._report_running or self.state.runner.running("report"):
            return
        self._report_running = False
        self.report_action.setEnabled(True)
        self.statusBar().showMessage(tr("Report pack cancelled; nothing was written"), 10000)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_btn.setVisible(busy)
        self.controls.recompute.setText(tr("Recompute (restart)") if busy else tr("Recompute"))
        if not busy:
            self.stage.setText("")

    def _progress(self, pct: int, text: str) -> None:
        self.progress.setValue(pct)
        self.stage.setText(text)

    def _error(self, message: str) -> None:
        messages.warning(self, tr("Reach Planner"), message)

    def about(self) -> None:
        messages.about(self, tr("About Reach Planner"),
                         tr("Reach Planner {version}").format(version=__version__) + "\n\n"
                         + tr("Reach Planner maps a simulated Goodaymart delivery-and-installation "
                            "network and the rural people it does not reach.") + "\n\n"
                         + self._credit())

    def _credit(self) -> str:
        """The data credit, naming where the network on screen came from."""
        from reach_planner.ui.maps.style import web_credit

        if self.state.result is None:
            return tr(ATTRIBUTION).format(network=tr("simulated"))
        return web_credit(self.state.result, tr)

    # -- export -------------------------------------------------------------------
    def export_image(self) -> None:
        if self.state.result is None:
            return
        dlg = ExportDialog(self, tr(MapOptions.title))
        while dlg.exec():
            try:
                path, fmt, scale, title = dlg.choice()
            except ValueError as exc:
                messages.warning(self, tr("Export map image"), str(exc))
                continue
            self._export_to(path, fmt, scale, title)
            return

    def _export_to(self, path: Path, fmt: str, scale: int, title: str) -> None:
        """Write the page in the runner, grab the picture by callbacks (the window keeps
        running, nothing waits), then write the file in the runner."""
        result, view = self.state.result, self.map.current_view()
        width, height = self.map.width(), self.map.height()
        base = self.state.map_options()
        opts = MapOptions(**{**base.__dict__, "title": title or MapOptions.title,
                             "subtitle": subtitle_for(result, base)})
        page = Path(self._tmp.name) / "export.html"
        runner = self.state.runner
        self.export_action.setEnabled(False)
        self.statusBar().showMessage(tr("Exporting {name}…").format(name=path.name))

        def failed(exc: BaseException) -> None:
            self._export_failed(tr("Export map image"), exc)

        def saved(img) -> None:
            remember_folder(path)
            self.export_action.setEnabled(True)
            self.statusBar().showMessage(tr("Exported {path} ({w}×{h})").format(
                path=path, w=img.width(), h=img.height()), 10000)

        def grabbed(img) -> None:
            grab.deleteLater()
            runner.start("image", lambda progress: save_image(img, path, fmt),
                         done=lambda _p: saved(img), failed=failed,
                         cancelled=lambda: failed(RuntimeError(tr("the export was cancelled"))))

        grab = PageGrab(page, width, height, scale, view, parent=self, legend=legend_layers(opts.t))
        grab.finished.connect(grabbed)
        grab.failed.connect(lambda exc: (grab.deleteLater(), failed(exc)))
        runner.start("image", lambda progress: write_map(result, page, opts),
                     done=lambda _p: grab.start(), failed=failed,
                     cancelled=lambda: failed(RuntimeError(tr("the export was cancelled"))))

    def start(self, params: ScenarioParams, overlay=None, prefetch=None) -> None:
        """First scenario of the session (an imported file from the command line too);
        ``prefetch`` is the launch's forked computation of it (see ``ui.prefetch``)."""
        self.controls.show_params(params)
        self.state.recompute(params, overlay, prefetch=prefetch)
        if not self._page_loading:
            self._load_shell()  # Chromium starts on the base map while the worker computes

    # -- layout remembered between sessions ---------------------------------------------
    GEOMETRY_KEY, DOCKS_KEY = "window/geometry", "window/docks"

    def _restore_layout(self) -> None:
        from PySide6.QtCore import QSettings

        settings = QSettings()
        geometry, docks = settings.value(self.GEOMETRY_KEY), settings.value(self.DOCKS_KEY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        if docks is not None:
            self.restoreState(docks)

    def save_layout(self) -> None:
        from PySide6.QtCore import QSettings

        settings = QSettings()
        settings.setValue(self.GEOMETRY_KEY, self.saveGeometry())
        settings.setValue(self.DOCKS_KEY, self.saveState())

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self._may_discard():
            event.ignore()
            return
        self.save_layout()
        self.state.cancel()
        super().closeEvent(event)
