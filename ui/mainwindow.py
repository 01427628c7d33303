"""The main window: map in the centre, dockable panels, menus, status bar with progress."""
from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QLabel, QMainWindow, QMessageBox,
                               QProgressBar, QPushButton, QWidget)

from geo.params import ScenarioParams
from ui.export import render_page, save_image
from ui.export_dialog import ExportDialog, remember_folder
from ui.mapview import MapView
from ui.panels import ControlsPanel, DetailsPanel, ProvinceTable, ReachPanel
from ui.state import AppState
from ui.webmap import ATTRIBUTION, MapOptions, subtitle_for, write_map

APP_TITLE = "Reach Planner — Goodaymart rural delivery & installation network"


class MainWindow(QMainWindow):
    def __init__(self, state: AppState | None = None) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory(prefix="reach-planner-")
        self.state = state or AppState(Path(self._tmp.name))
        self.setWindowTitle(APP_TITLE)
        self.map = MapView(self)
        self.setCentralWidget(self.map)
        self.reach = ReachPanel(self.state)
        self.provinces = ProvinceTable(self.state)
        self.controls = ControlsPanel(self.state)
        self.details = DetailsPanel(self.state)
        self.docks = {
            "reach": self._dock("Joint-venture reach", self.reach, Qt.DockWidgetArea.RightDockWidgetArea),
            "provinces": self._dock("Provinces", self.provinces, Qt.DockWidgetArea.RightDockWidgetArea),
            "controls": self._dock("Scenario", self.controls, Qt.DockWidgetArea.LeftDockWidgetArea),
            "details": self._dock("Details", self.details, Qt.DockWidgetArea.LeftDockWidgetArea),
        }
        self._status_bar()
        self._menus()
        self._connect()
        self.resize(1500, 920)
        self.resizeDocks([self.docks["reach"]], [420], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["controls"]], [290], Qt.Orientation.Horizontal)

    # -- construction -------------------------------------------------------------
    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _status_bar(self) -> None:
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.stage = QLabel()
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.setVisible(False)
        self.cancel_btn.clicked.connect(self.state.cancel)
        sb = self.statusBar()
        sb.addPermanentWidget(self.stage)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_btn)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.export_action = QAction("&Export map image…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export_image)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view = self.menuBar().addMenu("&View")
        reset = QAction("&Whole country", self)
        reset.setShortcut(QKeySequence("Ctrl+0"))
        reset.triggered.connect(lambda: self.map.fit_bounds(18.0, 73.5, 53.6, 135.1))
        view.addAction(reset)
        view.addSeparator()
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Reach Planner", self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def _connect(self) -> None:
        s = self.state
        s.resultChanged.connect(self._show_result)
        s.busyChanged.connect(self._busy)
        s.progressChanged.connect(self._progress)
        s.errorRaised.connect(self._error)
        s.statusMessage.connect(lambda m: self.statusBar().showMessage(m, 8000))
        s.zoomRequested.connect(self.map.fit_bounds)
        self.map.bridge.selected.connect(s.select)
        self.map.loadFailed.connect(self._error)

    # -- reactions ----------------------------------------------------------------
    def _show_result(self, _result, page: Path) -> None:
        if self.map.is_drawn and self.state.update_js:
            self.map.apply_update(self.state.update_js)  # same view, no page reload
        else:
            self.map.load_page(page)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_btn.setVisible(busy)
        self.controls.recompute.setText("Recompute (restart)" if busy else "Recompute")
        if not busy:
            self.stage.setText("")

    def _progress(self, pct: int, text: str) -> None:
        self.progress.setValue(pct)
        self.stage.setText(text)

    def _error(self, message: str) -> None:
        QMessageBox.warning(self, "Reach Planner", message)

    def about(self) -> None:
        QMessageBox.about(self, "About Reach Planner",
                          "Reach Planner maps a simulated Goodaymart delivery-and-installation "
                          "network and the rural people it does not reach.\n\n" + ATTRIBUTION)

    # -- export -------------------------------------------------------------------
    def export_image(self) -> None:
        if self.state.result is None:
            return
        dlg = ExportDialog(self, MapOptions.title)
        while dlg.exec():
            try:
                path, fmt, scale, title = dlg.choice()
            except ValueError as exc:
                QMessageBox.warning(self, "Export map image", str(exc))
                continue
            self._export_to(path, fmt, scale, title)
            return

    def _export_to(self, path: Path, fmt: str, scale: int, title: str) -> None:
        result = self.state.result
        view = self.map.current_view()
        self.export_action.setEnabled(False)
        self.statusBar().showMessage(f"Exporting {path.name}…")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            opts = MapOptions(title=title or MapOptions.title, subtitle=subtitle_for(result))
            page = write_map(result, Path(self._tmp.name) / "export.html", opts)
            img = render_page(page, self.map.width(), self.map.height(), scale, view)
            save_image(img, path, fmt)
            remember_folder(path)
            self.statusBar().showMessage(f"Exported {path} ({img.width()}×{img.height()})", 10000)
        except (OSError, RuntimeError, ValueError) as exc:
            QMessageBox.warning(self, "Export map image", f"Could not export the map:\n{exc}")
        finally:
            QApplication.restoreOverrideCursor()
            self.export_action.setEnabled(True)

    def start(self, params: ScenarioParams) -> None:
        self.controls.show_params(params)
        self.state.recompute(params)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.state.cancel()
        super().closeEvent(event)
