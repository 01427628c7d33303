"""Demand and distance in the window: *File › Import demand…*, the Distance switch of
the Scenario panel, and the panel lines that say where demand comes from and what
terrain costs. Kept apart from the panels and the file menu so those stay small.

An imported demand rides in the scenario's site overlay (``SiteOverlay.demand``), so
undo, recompute, comparisons and scenario files handle it like an import of sites:
the scenario changes only when the file was read and the recompute succeeded.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QFileDialog, QInputDialog

from reach_planner.geo.params import DISTANCES, ScenarioParams
from reach_planner.geo.sites_io import SiteOverlay
from reach_planner.geo.summary import Summary
from reach_planner.ui import messages
from reach_planner.ui.i18n import tr

DEMAND_FILTER = ("Demand files (*.tif *.tiff *.vrt *.gz *.zip *.csv *.txt *.tsv *.xlsx *.xlsm *.geojson *.json "
                 "*.gpkg);;All files (*)")


def distance_labels() -> dict[str, str]:
    return {"straight": tr("straight line"), "terrain": tr("over terrain")}


def distance_box() -> QComboBox:
    box = QComboBox()
    retranslate_distance(box)
    return box


def retranslate_distance(box: QComboBox) -> None:
    current = box.currentData() or ScenarioParams.distance
    box.clear()
    labels = distance_labels()
    for key in DISTANCES:
        box.addItem(labels[key], key)
    box.setCurrentIndex(DISTANCES.index(current))
    box.setToolTip(tr("How the service radius is measured: as a straight line, or as "
                      "flat-equivalent km over slopes and mountains"))


def set_distance(box: QComboBox, distance: str) -> None:
    box.setCurrentIndex(DISTANCES.index(distance))


def demand_value(s: Summary) -> str:
    """"census model v2" or "imported orders.csv (column 订单数)", for the Reach panel."""
    model = s.demand_model
    if "file" not in model:
        return tr("census model v{version}").format(version=model.get("version", "?"))
    col = tr(" (column {column})").format(column=model["column"]) if model.get("column") else ""
    text = tr("imported {file}{col}").format(file=model["file"], col=col)
    if s.demand_outside:
        text += "; " + tr("{n} outside the 31 provinces, not counted").format(
            n=f"{s.demand_outside:,.0f}")
    return text


def distance_value(s: Summary) -> str:
    """Both coverages side by side when terrain distance is on."""
    if s.rural_covered_pct_terrain is None:
        return tr("straight line")
    return tr("over terrain: {terrain}% rural covered (straight line: {straight}%)").format(
        terrain=f"{s.rural_covered_pct_terrain:.2f}", straight=f"{s.rural_covered_pct_straight:.2f}")


class DemandActions:
    """Mixin of MainWindow; expects ``self.state`` (AppState) and ``self.statusBar()``."""

    def import_demand(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("Import demand"), "", tr(DEMAND_FILTER))
        if name:
            self.import_demand_file(Path(name))

    def import_demand_file(self, path: Path, column: str | None = None, crs: str = "wgs84") -> None:
        """Read in the background; a failed read leaves the scenario exactly as it was.
        ``crs``: point coordinates in WGS84, GCJ-02 or BD-09 (geo.chinacrs)."""
        from reach_planner.geo.demand_io import read_demand

        cell_km = self.state.params.cell_km
        self.statusBar().showMessage(tr("Reading {file}…").format(file=path.name))
        self._start_read(lambda progress: read_demand(path, cell_km, column, crs),
                         lambda imp: self._demand_read(imp, path, crs),
                         lambda exc: self._demand_failed(path, exc, crs))

    def _start_read(self, job, done, failed) -> None:
        # Transitional: the task runner of AppState when present, else a pool task.
        runner = getattr(self.state, "runner", None)
        if runner is not None:
            runner.start("import-demand", job, done=done, failed=failed,
                         cancelled=self.statusBar().clearMessage)
            return
        from PySide6.QtCore import QThreadPool

        from reach_planner.ui.workers import Task

        task = Task(job)
        task.signals.done.connect(done)
        task.signals.failed.connect(failed)
        self._demand_task = task  # keep the Python side alive until a signal arrives
        QThreadPool.globalInstance().start(task)

    def _change_overlay(self, overlay: SiteOverlay | None, text: str) -> None:
        change = getattr(self.state, "change", None)
        if change is not None:
            change(overlay=overlay, text=text)
        else:
            self.state.change_overlay(overlay, text)

    def _demand_failed(self, path: Path, exc, crs: str = "wgs84") -> None:
        from reach_planner.geo.demand_io import WeightColumnNotFound

        self.statusBar().clearMessage()
        text = str(exc)
        for prefix in ("DemandFileError: ", "WeightColumnNotFound: ", "SiteFileError: "):
            text = text.removeprefix(prefix)
        if isinstance(exc, WeightColumnNotFound) or "no weight column found" in text:
            columns = getattr(exc, "columns", None) or self._columns(path)
            if columns:
                col, ok = QInputDialog.getItem(self, tr("Import demand"),
                                               tr("Which column holds the weight?"), columns, 0, False)
                if ok and col:
                    self.import_demand_file(path, col, crs)
                return
        messages.warning(self, tr("Import demand"),
                         tr("Nothing was imported; the scenario is unchanged.") + "\n\n" + text)

    @staticmethod
    def _columns(path: Path) -> list[str]:
        from reach_planner.geo.sites_io import SiteFileError, peek_columns

        try:
            return peek_columns(path)
        except SiteFileError:
            return []

    def _demand_read(self, imp, path: Path | None = None, crs: str = "wgs84") -> None:
        from reach_planner.geo.demand_io import format_demand_report

        if imp.hints and path is not None:  # looks like a web map's: ask which coordinates
            chosen = self._ask_crs(imp.hints)
            if chosen is None:
                self.statusBar().clearMessage()
                return
            if chosen != crs:
                self.import_demand_file(path, imp.column or None, chosen)
                return
        report = format_demand_report(imp)
        self.statusBar().showMessage(report.splitlines()[0], 15000)
        if imp.issues:
            messages.information(self, tr("Import demand"), report)
        self._change_overlay((self.state.overlay or SiteOverlay()).with_demand(imp.demand),
                             tr("Import demand"))

    def _ask_crs(self, hints: tuple[str, ...]) -> str | None:
        """WGS84, GCJ-02 or BD-09 (None: cancelled), with the warning that prompted it."""
        labels = {tr("WGS84 (GPS, most files)"): "wgs84", tr("GCJ-02 (Gaode/Amap, Tencent)"): "gcj02",
                  tr("BD-09 (Baidu)"): "bd09"}
        item, ok = QInputDialog.getItem(self, tr("Import demand"),
                                        "\n".join(hints) + "\n\n" + tr("Which coordinates does the file use?"),
                                        list(labels), 0, False)
        return labels.get(item) if ok else None

    def use_census_demand(self) -> None:
        ov = self.state.overlay
        if ov is not None and ov.demand is not None:
            self._change_overlay(ov.with_demand(None), tr("Use the census demand model"))
