"""Installation capacity in the window: overloaded outlets in a table and on the map.

Off by default: the planner switches it on, picks C (households per outlet) and runs
it; the answer belongs to the result it was computed for and is cleared with it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from reach_planner.ui.i18n import fmt_count, tr
from reach_planner.ui.panels import plain_label
from reach_planner.ui.state import AppState

ZOOM_DEG = 0.35  # half the side of the box a row click zooms to (about a county)


class NumberItem(QTableWidgetItem):
    """Shows a number with separators, sorts by its value."""

    def __init__(self, value: int) -> None:
        super().__init__(f"{value:,}")
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, NumberItem):
            return self.value < other.value
        return super().__lt__(other)


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
        self.table = QTableWidget(0, 5)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSortingEnabled(True)
        self.table.cellClicked.connect(self.show_row)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        self.toggled.connect(self._switched)
        state.capacityChanged.connect(self.show_capacity)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(tr("Installation capacity"))
        self.form.itemAt(0, QFormLayout.ItemRole.LabelRole).widget().setText(
            tr("Households per outlet"))
        self.run.setText(tr("Find overloaded outlets"))
        self.table.setHorizontalHeaderLabels([tr("Outlet"), tr("Province"), tr("Households"),
                                              tr("Served"), tr("Beyond capacity")])
        self.show_capacity(self.state.capacity)

    def _switched(self, on: bool) -> None:
        if not on and self.state.capacity is not None:
            self.state.set_capacity(None)  # off: no table, no layer

    def start(self) -> None:
        if self.state.result is not None:
            self.summary.setText(tr("Computing capacity"))
            self.state.run_capacity(self.households.value())

    def show_capacity(self, cap) -> None:
        self.table.setSortingEnabled(False)  # rows go in by position, sorted afterwards
        if cap is None:
            self.summary.setText(tr("An outlet installs for at most C rural households "
                                    "(2.62 people per household, 2020 census)."))
            self.table.setRowCount(0)
            self.table.setSortingEnabled(True)
            return
        self.summary.setText(tr("{people} rural people are beyond capacity; {n} outlets serve "
                                "more than {c} households nearest to them.").format(
            people=fmt_count(cap.people_beyond_capacity), n=f"{len(cap.overloaded):,}",
            c=f"{cap.households_per_outlet:,}"))
        self.table.setRowCount(len(cap.overloaded))
        for i, r in enumerate(cap.overloaded.itertuples()):
            name = QTableWidgetItem(f"{r.name} ({r.site_id})")
            name.setData(Qt.ItemDataRole.UserRole, i)  # the capacity table's row, after sorting
            self.table.setItem(i, 0, name)
            self.table.setItem(i, 1, QTableWidgetItem(str(r.province)))
            for col, value in ((2, r.nearest_households), (3, r.served), (4, r.excess)):
                self.table.setItem(i, col, NumberItem(int(value)))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)

    def row_index(self, row: int) -> int:
        """The capacity table's row shown in table row ``row`` (whatever the sort)."""
        return int(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))

    def show_row(self, row: int, _col: int = 0) -> None:
        cap = self.state.capacity
        if cap is None:
            return
        i = self.row_index(row)
        r = cap.overloaded.iloc[i]
        lat, lon = float(r["lat"]), float(r["lon"])
        self.state.zoomRequested.emit(lat - ZOOM_DEG, lon - ZOOM_DEG, lat + ZOOM_DEG, lon + ZOOM_DEG)
        self.state.select("overloaded", i)
