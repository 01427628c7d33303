"""Installation capacity in the window: overloaded outlets in a table and on the map.

Off by default: the planner switches it on, picks C (households per outlet) and runs
it; the answer belongs to the result it was computed for and is cleared with it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reach_planner.geo.siting.capacity import HOUSEHOLD_SIZE
from reach_planner.ui.i18n import fmt_count, tr
from reach_planner.ui.panels import plain_label
from reach_planner.ui.state import AppState

ZOOM_DEG = 0.35  # half the side of the box a row click zooms to (about a county)
COLUMNS = ("outlet", "province", "nearest_households", "served", "excess")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class OverloadedModel(QAbstractTableModel):
    """The capacity table as a Qt model, read straight from the DataFrame and sorted
    with pandas: 10,000 rows cost no per-cell Qt calls (and PySide 6.12 loses a
    reference to None on every void call, which per-cell items ran out of)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame(columns=[*COLUMNS, "row"])
        self.headers: list[str] = []

    def set_table(self, table: pd.DataFrame | None) -> None:
        self.beginResetModel()
        if table is None:
            self.frame = pd.DataFrame(columns=[*COLUMNS, "row"])
        else:
            self.frame = pd.DataFrame({
                "outlet": table["name"].astype(str) + " (" + table["site_id"].astype(str) + ")",
                "province": table["province"].astype(str),
                **{c: table[c].to_numpy(np.int64) for c in COLUMNS[2:]},
                "row": np.arange(len(table))})
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.frame.iat[index.row(), index.column()]
            return value if index.column() < 2 else f"{int(value):,}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return RIGHT
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and section < len(self.headers)):
            return self.headers[section]
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.frame = self.frame.sort_values(COLUMNS[column], kind="stable",
                                            ascending=order == Qt.SortOrder.AscendingOrder)
        self.layoutChanged.emit()

    def row_of(self, row: int) -> int:
        """The capacity table's row shown at view row ``row``."""
        return int(self.frame["row"].iat[row])


class CapacityPanel(QGroupBox):
    """Households per outlet C, the people beyond capacity, the overloaded outlets."""

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.setCheckable(True)
        self.setChecked(False)
        self.households = QSpinBox()
        self.households.setRange(1, 10_000_000)
        self.households.setSingleStep(500)
        self.households.setValue(5000)
        self.households.setGroupSeparatorShown(True)
        self.run = QPushButton()
        self.run.clicked.connect(self.start)
        self.form = QFormLayout()
        self.form.addRow(plain_label(), self.households)
        self.form.addRow(self.run)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        self.model = OverloadedModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().resizeSection(0, 190)
        self.table.setSortingEnabled(True)
        self.table.clicked.connect(lambda index: self.show_row(index.row()))
        self.body = QWidget()  # folded away while off: no room taken from the dock
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(self.form)
        body.addWidget(self.summary)
        body.addWidget(self.table, 1)
        self.body.setVisible(False)
        QVBoxLayout(self).addWidget(self.body)
        self.toggled.connect(self._switched)
        state.capacityChanged.connect(self.show_capacity)
        state.resultChanged.connect(lambda *_: self.show_capacity(state.capacity))
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(tr("Installation capacity"))
        self.form.itemAt(0, QFormLayout.ItemRole.LabelRole).widget().setText(
            tr("Households per outlet"))
        self.run.setText(tr("Find overloaded outlets"))
        self.model.headers = [tr("Outlet"), tr("Province"), tr("Households"), tr("Served"),
                              tr("Beyond capacity")]
        self.show_capacity(self.state.capacity)

    def _switched(self, on: bool) -> None:
        self.body.setVisible(on)
        if not on and self.state.capacity is not None:
            self.state.set_capacity(None)  # off: no table, no layer

    def start(self) -> None:
        if self.state.result is not None:
            self.summary.setText(tr("Computing capacity"))
            self.state.run_capacity(self.households.value())

    def show_capacity(self, cap) -> None:
        if cap is None:
            self.summary.setText(tr("An outlet installs for at most C rural households "
                                    "({size} people per household, 2020 census).").format(
                size=HOUSEHOLD_SIZE))
        else:
            self.summary.setText(tr("{people} rural people are beyond capacity; {n} outlets serve "
                                    "more than {c} households nearest to them.").format(
                people=fmt_count(cap.people_beyond_capacity), n=f"{len(cap.overloaded):,}",
                c=f"{cap.households_per_outlet:,}"))
        self.model.set_table(None if cap is None else cap.overloaded)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)

    def row_count(self) -> int:
        return self.model.rowCount()

    def cell(self, row: int, col: int) -> str:
        return str(self.model.index(row, col).data())

    def row_index(self, row: int) -> int:
        """The capacity table's row shown in table row ``row`` (whatever the sort)."""
        return self.model.row_of(row)

    def show_row(self, row: int) -> None:
        cap = self.state.capacity
        if cap is None:
            return
        i = self.row_index(row)
        r = cap.overloaded.iloc[i]
        lat, lon = float(r["lat"]), float(r["lon"])
        self.state.zoomRequested.emit(lat - ZOOM_DEG, lon - ZOOM_DEG, lat + ZOOM_DEG, lon + ZOOM_DEG)
        self.state.select("overloaded", i)
