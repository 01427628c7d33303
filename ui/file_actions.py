"""File menu work: import sites (menu and drag-and-drop), open/save scenarios with
recent files and an unsaved-changes prompt, export results. A mixin of MainWindow.

Reading a file runs in a worker; the scenario changes only when the user accepts
the validation report and the recompute succeeds, so a failed import never touches
the current work.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from reach_planner.geo.scenario_file import (
    ANY,
    SUFFIX,
    ScenarioChanged,
    ScenarioFileError,
    file_stamp,
    load_scenario,
    save_scenario,
)
from reach_planner.geo.sites_io import (
    ColumnMap,
    ColumnsNotFound,
    LayerChoiceNeeded,
    Source,
    overlay_from,
    read_sites,
)
from reach_planner.geo.vector_read import vector_kind
from reach_planner.ui import messages
from reach_planner.ui.i18n import tr
from reach_planner.ui.import_dialog import (
    REREAD,
    SUFFIXES,
    ColumnMappingDialog,
    ImportReportDialog,
    choose_layer,
    file_filter,
)
from reach_planner.ui.runner import error_text

RECENT_KEY = "files/recent"
MAX_RECENT = 8
FOLDER_KEY = "files/last_folder"


def with_scenario_suffix(path: Path) -> Path:
    """``myscenario`` -> ``myscenario.rpscenario.json``: Open lists ``*.json`` only, so a
    name saved without the suffix could not be opened again (issue 23.6)."""
    return path if path.suffix.lower() == ".json" else path.with_name(path.name + SUFFIX)


class FileActions:
    """Expects ``self.state`` (AppState) and ``self.statusBar()`` from QMainWindow."""

    # -- import ---------------------------------------------------------------------
    def import_sites(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("Import sites"), self._folder(),
                                              file_filter())
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path, mapping: ColumnMap | None = None,
                    swap: bool = False, crs: str = "wgs84", source: Source | None = None) -> None:
        """Read in a worker, then show the report; errors leave the scenario as it was."""
        src = source or Source()
        self.statusBar().showMessage(tr("Reading {file}…").format(file=path.name))
        self.state.runner.start(
            "import", lambda progress: read_sites(path, mapping, swap_latlon=swap, crs=crs, source=src),
            done=lambda result: self._import_read(result, mapping),
            failed=lambda exc: self._import_failed(path, exc, mapping, src),
            cancelled=self.statusBar().clearMessage)

    def _import_failed(self, path: Path, exc: BaseException, mapping: ColumnMap | None = None,
                       source: Source | None = None) -> None:
        self.statusBar().clearMessage()
        src = source or Source()
        if isinstance(exc, LayerChoiceNeeded):  # several point layers: ask which
            layer = choose_layer(self, path.name, exc.layers)
            if layer is not None:
                self.import_file(path, mapping, source=Source(layer, src.encoding))
            return
        if isinstance(exc, ColumnsNotFound):
            dlg = ColumnMappingDialog(self, path.name, exc.columns)
            if dlg.exec():
                self.import_file(path, dlg.mapping(), source=src)
            return
        messages.warning(self, tr("Import sites"),
                         tr("Nothing was imported; the scenario is unchanged.") + "\n\n"
                         + error_text(exc))

    def _import_read(self, result, mapping: ColumnMap | None) -> None:
        self.statusBar().clearMessage()
        summary = self.state.result.summary if self.state.result is not None else None
        current = None if summary is None else (summary.distribution_sites, summary.service_outlets)
        dlg = ImportReportDialog(self, result, current)
        code = dlg.exec()
        if code == REREAD:  # another text encoding chosen: read the file again with it
            self.import_file(result.path, mapping, source=dlg.source())
            return
        if not code:
            return
        if dlg.chosen_crs() != result.crs:  # read again in the chosen coordinates
            self.import_file(result.path, mapping, swap=dlg.swap.isChecked() or bool(result.swapped),
                             crs=dlg.chosen_crs())
            return
        if dlg.swap.isChecked() and not result.swapped:
            self.import_file(result.path, mapping, swap=True, crs=result.crs, source=result.source)
            return
        if result.imported == 0:
            return
        # the dialog said which: add to the layers now in the scenario, or replace them
        overlay = overlay_from(result, dlg.other(), add=dlg.adds())
        old = self.state.overlay
        if old is not None:
            overlay = old.combined(overlay) if dlg.adds() else old.replaced(overlay)
        self._remember_folder(result.path)
        self.state.change(overlay=overlay, text=tr("Import {file}").format(file=result.path.name))

    # -- drag and drop ----------------------------------------------------------------
    @staticmethod
    def _dropped_file(event) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        ok = [p for p in paths if p.suffix.lower() in SUFFIXES or vector_kind(p)]
        return ok[0] if len(ok) == 1 else None

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        path = self._dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            self.import_file(path)

    # -- scenarios --------------------------------------------------------------------
    def new_scenario(self) -> None:
        """Back to the simulated default scenario (after asking about unsaved changes)."""
        if not self._may_discard():
            return
        self.state.new_scenario()

    def open_scenario(self, path: Path | None = None) -> None:
        if not self._may_discard():
            return
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self, tr("Open scenario"), self._folder(),
                tr("Reach Planner scenarios (*.json)"))
            if not name:
                return
            path = Path(name)
        self.read_scenario(path)

    def read_scenario(self, path: Path) -> None:
        """Read the file (and the demand file it names, maybe a large raster) on the task
        runner, with progress and Cancel: the window never waits for a disk, a FIFO or a
        big file. The scenario changes only when the read and its run succeed."""
        self.statusBar().showMessage(tr("Reading {file}…").format(file=path.name))

        def job(progress):
            progress(0, tr("Reading {file}…").format(file=path.name))
            return load_scenario(path)

        def done(scenario) -> None:
            self.statusBar().clearMessage()
            self._stamps()[_key(path)] = scenario.stamp
            self._add_recent(path)
            self.state.open(path, scenario)

        def failed(exc: BaseException) -> None:
            self.statusBar().clearMessage()
            messages.warning(self, tr("Open scenario"),
                             str(exc) if isinstance(exc, ScenarioFileError) else error_text(exc))

        self.state.runner.start("open", job, done=done, failed=failed,
                                cancelled=self.statusBar().clearMessage)

    def plain_message(self, title: str, text: str) -> None:
        """A warning whose text is shown as it is (a file's text is never markup)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def save_scenario(self) -> bool:
        if self.state.path is None:
            return self.save_scenario_as()
        return self._save_to(self.state.path, self._stamps().get(_key(self.state.path), ANY))

    def save_scenario_as(self) -> bool:
        start = str(self.state.path or Path(self._folder()) / f"scenario{SUFFIX}")
        name, _ = QFileDialog.getSaveFileName(self, tr("Save scenario"), start,
                                              tr("Reach Planner scenarios (*.json)"))
        if not name:
            return False
        path = with_scenario_suffix(Path(name))
        if path != Path(name) and path.exists() and not self._confirm_replace(path):
            return False  # the dialog asked about the name typed, not the one with the suffix
        return self._save_to(path)

    def _confirm_replace(self, path: Path) -> bool:
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        return messages.question(self, tr("Save scenario"),
                                 tr("{file} already exists. Replace it?").format(file=path.name),
                                 yes | no, no) == yes

    def _save_to(self, path: Path, expect=ANY) -> bool:
        """Save on the task runner (the window keeps drawing), then: the file changed on
        disk since it was opened or saved here → Overwrite, Save as or Cancel."""
        if getattr(self, "_saving", False):
            return False
        scenario = self.state.scenario_file({"map_view": self.map.current_view()})
        self.statusBar().showMessage(tr("Saving {path}…").format(path=path))
        self._saving = True
        try:
            outcome = self._run_save(path, scenario, expect)
        finally:
            self._saving = False
            self.statusBar().clearMessage()
        if isinstance(outcome, ScenarioChanged):
            choice = self._ask_overwrite(str(outcome))
            if choice == "overwrite":
                return self._save_to(path)
            return self.save_scenario_as() if choice == "save_as" else False
        if isinstance(outcome, BaseException):
            messages.warning(self, tr("Save scenario"),
                             tr("Could not save; the previous file is unchanged.") + f"\n{outcome}")
            return False
        self._stamps()[_key(path)] = outcome
        self.state.saved_as(path)
        self._add_recent(path)
        self.statusBar().showMessage(tr("Saved {path}").format(path=path), 6000)
        return True

    def _run_save(self, path: Path, scenario, expect):
        """The file stamp after the save, or the exception; waits in a local event loop
        (the window repaints and stays responsive) for the runner's job."""
        box: dict = {}
        ended = threading.Event()

        def job(_progress):
            try:
                save_scenario(path, scenario, expect=expect)
                box["value"] = file_stamp(path)
            except BaseException as exc:  # handed to the GUI thread as the outcome
                box["value"] = exc
            finally:
                ended.set()

        loop = QEventLoop()
        task = self.state.runner.start("save", job, done=lambda _v: None)
        for sig in (task.signals.done, task.signals.failed, task.signals.cancelled):
            sig.connect(loop.quit)
        if not ended.is_set():
            loop.exec()
        return box.get("value", OSError("the save did not finish"))

    def _ask_overwrite(self, text: str) -> str:
        """'overwrite', 'save_as' or 'cancel' for a file someone else changed."""
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Save scenario"), text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(tr("Overwrite it with this scenario, save this scenario under "
                                  "another name, or cancel?"))
        overwrite = box.addButton(tr("Overwrite"), QMessageBox.ButtonRole.DestructiveRole)
        save_as = box.addButton(tr("Save as…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return "overwrite" if clicked is overwrite else "save_as" if clicked is save_as else "cancel"

    def _stamps(self) -> dict:
        """Each scenario file's stamp when this window opened or saved it."""
        if not hasattr(self, "_file_stamps"):
            self._file_stamps: dict = {}
        return self._file_stamps

    def _may_discard(self) -> bool:
        """Ask before unsaved changes are lost: Save, Discard or Cancel."""
        if not self.state.dirty:
            return True
        answer = messages.question(
            self, tr("Unsaved changes"), tr("The scenario has unsaved changes. Save them?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save_scenario()
        return answer == QMessageBox.StandardButton.Discard

    # -- recent files -------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = QSettings().value(RECENT_KEY, [])
        return [v for v in (value if isinstance(value, list) else [value]) if v]

    def _add_recent(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        QSettings().setValue(RECENT_KEY, items[:MAX_RECENT])
        self._remember_folder(path)
        self.fill_recent_menu()

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for p in self.recent_files():
            act = QAction(Path(p).name, self)
            act.setToolTip(messages.plain_tip(p))
            act.triggered.connect(lambda _c=False, path=p: self.open_scenario(Path(path)))
            menu.addAction(act)
        menu.setEnabled(bool(self.recent_files()))

    # -- export results -----------------------------------------------------------------
    def export_results(self) -> None:
        if self.state.result is None:
            return
        folder = QFileDialog.getExistingDirectory(self, tr("Export results to folder"),
                                                  self._folder())
        if folder:
            self.export_results_to(Path(folder))

    def export_results_to(self, folder: Path) -> None:
        """Write the result files in the runner; the status bar says when they are there."""
        from reach_planner.geo.export_data import export_results

        result = self.state.result

        def done(files: list[Path]) -> None:
            QSettings().setValue(FOLDER_KEY, str(folder))
            self.statusBar().showMessage(tr("Wrote {n} files to {folder}").format(
                n=len(files), folder=folder), 8000)

        def failed(exc: BaseException) -> None:
            self.statusBar().clearMessage()
            messages.warning(self, tr("Export results"), error_text(exc))

        self.statusBar().showMessage(tr("Exporting results to {folder}…").format(folder=folder))
        self.state.runner.start("results", lambda progress: export_results(result, folder),
                                done=done, failed=failed, cancelled=self.statusBar().clearMessage)

    # -- helpers --------------------------------------------------------------------------
    def _folder(self) -> str:
        return str(QSettings().value(FOLDER_KEY, str(Path.home())))

    def _remember_folder(self, path: Path) -> None:
        QSettings().setValue(FOLDER_KEY, str(Path(path).parent))


def _key(path: Path) -> str:
    return os.path.realpath(path)
