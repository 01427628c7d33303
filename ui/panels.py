"""Side panels: the joint venture's reach, the province table, scenario controls, details."""
from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QScrollArea, QSpinBox, QTableView,
                               QVBoxLayout, QWidget)

from geo.params import MAX_OUTLETS, MAX_SITES, STRATEGIES, ParameterError, ScenarioParams
from geo.summary import Summary
from ui.state import AppState


SORT_ROLE = 256  # Qt.UserRole: the numeric value a column sorts by
CODE_ROLE = 257  # the row's province GB code


def plain_label(text: str = "") -> QLabel:
    """A label that never interprets its text as HTML (names may come from user files)."""
    lab = QLabel(text)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


class ReachPanel(QWidget):
    """Headline figures of the simulated joint-venture network."""

    FIELDS = [("sites", "Distribution sites"), ("outlets", "Service outlets"),
              ("rural", "Rural population"), ("rural_cov", "Rural covered"),
              ("unreached", "Rural still unreached"), ("delivery", "Rural within delivery"),
              ("urban_cov", "Urban covered"), ("area", "Area covered"),
              ("gaps", "Gap regions")]

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in self.FIELDS:
            self.values[key] = plain_label("–")
            self.values[key].setObjectName(f"reach_{key}")
            form.addRow(label, self.values[key])
        figures = QGroupBox("Reach (this scenario)")
        figures.setLayout(form)
        self.context = plain_label()
        self.context.setWordWrap(True)
        ctx = QGroupBox("Joint venture (from the announcement)")
        lay = QVBoxLayout(ctx)
        lay.addWidget(self.context)
        outer = QVBoxLayout(self)
        outer.addWidget(figures)
        outer.addWidget(ctx)
        outer.addStretch(1)
        state.resultChanged.connect(lambda r, _p: self.show_summary(r.summary))

    def show_summary(self, s: Summary) -> None:
        p = s.params
        v = self.values
        v["sites"].setText(f"{s.distribution_sites:,}")
        v["outlets"].setText(f"{s.service_outlets:,}")
        v["rural"].setText(f"{s.rural_population:,}")
        v["rural_cov"].setText(f"{s.rural_covered:,} ({s.rural_covered_pct:.2f}%)")
        v["unreached"].setText(f"{s.rural_unreached:,}")
        v["delivery"].setText(f"{s.rural_delivery_pct:.2f}% (≤ {p['site_radius_km']:g} km of a site)")
        v["urban_cov"].setText(f"{s.urban_covered:,} ({s.urban_covered_pct:.2f}%)")
        v["area"].setText(f"{s.area_covered_km2:,.0f} km² ({s.area_covered_pct:.1f}% of land)")
        v["gaps"].setText(f"{s.gap_regions:,} (service radius {p['radius_km']:g} km)")
        c = s.context
        self.context.setText(
            f"Alibaba invested about USD {c['alibaba_investment_usd'] / 1e6:,.0f} million in "
            f"Haier's logistics arm Goodaymart so that about {c['tmall_merchants']:,} Tmall "
            f"merchants can deliver and install large appliances in rural China. Announced "
            f"network: ~{c['announced_distribution_sites']:,} distribution sites and "
            f"~{c['announced_service_outlets']:,} service outlets. The sites on this map are "
            "simulated from those counts.")


class _NumericSort(QSortFilterProxyModel):
    """Sorts on the raw value stored under SORT_ROLE (numbers as numbers, not text)."""

    def lessThan(self, left, right) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


class ProvinceTable(QTableView):
    """Sortable per-province figures; clicking a row zooms the map there."""

    COLUMNS = ["Province", "Rural pop.", "Covered %", "Outlets/100k", "Largest gap",
               "Outlets", "Sites", "Gaps"]
    TIPS = ["Province (Chinese and English name)", "Rural population, 2020 census",
            "Rural population within the service radius of an outlet",
            "Service outlets per 100,000 rural people",
            "Rural people in the province's largest gap region", "Service outlets",
            "Distribution sites", "Gap regions"]

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.model_ = QStandardItemModel(0, len(self.COLUMNS), self)
        self.model_.setHorizontalHeaderLabels(self.COLUMNS)
        for i, tip in enumerate(self.TIPS):
            self.model_.horizontalHeaderItem(i).setToolTip(tip)
        self._sorted = False
        self.proxy = _NumericSort(self)
        self.proxy.setSourceModel(self.model_)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.clicked.connect(self._on_clicked)
        state.resultChanged.connect(lambda r, _p: self.show_summary(r.summary))

    def show_summary(self, s: Summary) -> None:
        header = self.horizontalHeader()
        col, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        self.model_.setRowCount(0)
        for p in s.provinces:
            cells = [(f"{p.name_zh} {p.name_en}", p.name_en),
                     (f"{p.rural_population:,}", p.rural_population),
                     (f"{p.rural_covered_pct:.1f}", p.rural_covered_pct),
                     (f"{p.outlets_per_100k_rural:.1f}", p.outlets_per_100k_rural),
                     (f"{p.largest_gap_population:,}", p.largest_gap_population),
                     (f"{p.outlets:,}", p.outlets), (f"{p.sites:,}", p.sites),
                     (f"{p.gap_regions:,}", p.gap_regions)]
            row = []
            for i, (text, key) in enumerate(cells):
                item = QStandardItem(text)
                item.setData(key, SORT_ROLE)
                item.setData(p.gb_code, CODE_ROLE)
                if i:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                row.append(item)
            self.model_.appendRow(row)
        if not self._sorted:  # first time: the least-covered provinces on top
            col, order = 2, Qt.SortOrder.AscendingOrder
            self._sorted = True
        self.sortByColumn(col, order)

    def gb_code_at(self, row: int) -> int:
        return int(self.proxy.index(row, 0).data(CODE_ROLE))

    def _on_clicked(self, index) -> None:
        self.state.zoom_to_province(self.gb_code_at(index.row()))


class ControlsPanel(QWidget):
    """Scenario parameters with Recompute / Cancel."""

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.seed = self._spin(0, 2**31 - 1)
        self.seed.setGroupSeparatorShown(False)
        self.sites = self._spin(0, MAX_SITES, step=100)
        self.outlets = self._spin(0, MAX_OUTLETS, step=500)
        self.radius = self._dspin(0.1, 1000, " km")
        self.site_radius = self._dspin(0.1, 3000, " km")
        self.strategy = QComboBox()
        self.strategy.addItems(list(STRATEGIES))
        self.rural_bias = QDoubleSpinBox()
        self.rural_bias.setRange(0, 1)
        self.rural_bias.setSingleStep(0.1)
        form = QFormLayout()
        for label, w in [("Seed", self.seed), ("Distribution sites", self.sites),
                         ("Service outlets", self.outlets), ("Service radius", self.radius),
                         ("Delivery radius", self.site_radius), ("Placement", self.strategy),
                         ("Rural bias", self.rural_bias)]:
            form.addRow(label, w)
        self.recompute = QPushButton("Recompute")
        self.recompute.setDefault(True)
        self.cancel = QPushButton("Cancel")
        self.cancel.setEnabled(False)
        self.recompute.clicked.connect(self.apply)
        self.cancel.clicked.connect(state.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recompute)
        buttons.addWidget(self.cancel)
        self.error = plain_label()
        self.error.setStyleSheet("color:#b00020")
        self.error.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.error)
        lay.addStretch(1)
        state.busyChanged.connect(self._busy)
        self.show_params(state.params)

    @staticmethod
    def _spin(lo: int, hi: int, step: int = 1) -> QSpinBox:
        s = QSpinBox()
        s.setRange(lo, hi)
        s.setSingleStep(step)
        s.setGroupSeparatorShown(True)
        return s

    @staticmethod
    def _dspin(lo: float, hi: float, suffix: str) -> QDoubleSpinBox:
        s = QDoubleSpinBox()
        s.setRange(lo, hi)
        s.setDecimals(1)
        s.setSuffix(suffix)
        return s

    def show_params(self, p: ScenarioParams) -> None:
        self.seed.setValue(p.seed)
        self.sites.setValue(p.sites)
        self.outlets.setValue(p.outlets)
        self.radius.setValue(p.radius_km)
        self.site_radius.setValue(p.site_radius_km)
        self.strategy.setCurrentText(p.strategy)
        self.rural_bias.setValue(p.rural_bias)

    def params(self) -> ScenarioParams:
        return ScenarioParams(seed=self.seed.value(), sites=self.sites.value(),
                              outlets=self.outlets.value(), radius_km=self.radius.value(),
                              site_radius_km=self.site_radius.value(),
                              strategy=self.strategy.currentText(),
                              rural_bias=round(self.rural_bias.value(), 3),
                              cell_km=self.state.params.cell_km)

    def apply(self) -> None:
        try:
            params = self.params()
        except ParameterError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self.state.recompute(params)

    def _busy(self, busy: bool) -> None:
        self.cancel.setEnabled(busy)


class DetailsPanel(QWidget):
    """What was clicked on the map or in the table, as plain text."""

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.form = QFormLayout()
        # Long values (names, "12,345 (67.8%)") go below their label instead of being cut.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.hint = plain_label("Click a site, an outlet, a gap or a province on the map.")
        self.hint.setWordWrap(True)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.hint)
        inner.addLayout(self.form)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)
        state.selectionChanged.connect(self.show_details)

    def show_details(self, details: dict[str, str] | None) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.hint.setVisible(not details)
        for key, value in (details or {}).items():
            val = plain_label(value)
            self.form.addRow(plain_label(key), val)

    def values(self) -> dict[str, str]:
        out = {}
        for r in range(self.form.rowCount()):
            k = self.form.itemAt(r, QFormLayout.ItemRole.LabelRole).widget().text()
            v = self.form.itemAt(r, QFormLayout.ItemRole.FieldRole).widget().text()
            out[k] = v
        return out
