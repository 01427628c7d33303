"""Close the gaps: where the next outlets should go, and scenario A vs B."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reach_planner.geo.data import load_china
from reach_planner.geo.params import NUM_LIMITS
from reach_planner.geo.recommend import (
    MAX_COUNT,
    RecommendParams,
    min_outlets_for_target,
    recommend,
)
from reach_planner.ui.i18n import current_language, fmt_count, tr
from reach_planner.ui.panels import plain_label
from reach_planner.ui.state import AppState


def compact_combo() -> QComboBox:
    """Long entries must not widen the dock (and shrink the map): elide them instead."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(12)
    return box


def _table(columns: int) -> QTableWidget:
    t = QTableWidget(0, columns)
    t.verticalHeader().hide()
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return t


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class RecommendPanel(QWidget):
    """K new outlets (or the fewest for a target coverage), their effect, Accept."""

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.by_count = QRadioButton()
        self.by_target = QRadioButton()
        self.by_count.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_count)
        group.addButton(self.by_target)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_COUNT)
        self.count.setValue(100)
        self.target = QDoubleSpinBox()
        self.target.setRange(1, 100)
        self.target.setDecimals(1)
        self.target.setValue(98.0)
        self.target.setSuffix(" %")
        self.province = compact_combo()
        self.method = compact_combo()
        self.radius = QDoubleSpinBox()
        self.radius.setRange(*NUM_LIMITS["radius_km"])
        self.radius.setDecimals(1)
        self.radius.setSuffix(" km")
        self.form = QFormLayout()
        self.form.addRow(self.by_count, self.count)
        self.form.addRow(self.by_target, self.target)
        for w in (self.province, self.method, self.radius):
            self.form.addRow(plain_label(), w)
        self.run = QPushButton()
        self.accept = QPushButton()
        self.clear = QPushButton()
        self.run.clicked.connect(self.start)
        self.accept.clicked.connect(state.accept_recommendation)
        self.clear.clicked.connect(lambda: state.set_recommendation(None))
        buttons = QHBoxLayout()
        for b in (self.run, self.accept, self.clear):
            buttons.addWidget(b)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        self.table = _table(3)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addLayout(buttons)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        state.recommendationChanged.connect(self.show_recommendation)
        state.resultChanged.connect(lambda r, _p: self.radius.setValue(r.params.radius_km))
        self.retranslate()
        self.show_recommendation(None)

    def retranslate(self) -> None:
        self.by_count.setText(tr("New outlets"))
        self.by_target.setText(tr("Reach rural coverage"))
        labels = [tr("Where"), tr("Solver"), tr("Service radius")]
        for row, text in enumerate(labels, start=2):
            self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        code = self.province.currentData()
        self.province.clear()
        self.province.addItem(tr("Whole country"), None)
        prov = load_china().provinces
        zh = current_language() == "zh"
        for gb, en, cn in zip(prov["gb_code"], prov["name_en"], prov["name_zh"]):
            self.province.addItem(cn if zh else f"{en} {cn}", int(gb))
        self.province.setCurrentIndex(max(0, self.province.findData(code)))
        m = self.method.currentIndex()
        self.method.clear()
        self.method.addItem(tr("Fast greedy (national scale)"), "greedy")
        self.method.addItem(tr("Exact MCLP, spopt/CBC (a province, up to 50)"), "exact")
        self.method.setCurrentIndex(max(0, m))
        self.run.setText(tr("Recommend"))
        self.accept.setText(tr("Accept into scenario"))
        self.clear.setText(tr("Clear"))
        self.table.setHorizontalHeaderLabels([tr("Province"), tr("New outlets"),
                                              tr("Newly covered")])
        self.show_recommendation(self.state.recommendation)

    def start(self) -> None:
        result = self.state.result
        if result is None:
            return
        radius, province = self.radius.value(), self.province.currentData()
        if self.by_target.isChecked():
            target = self.target.value()
            job = lambda progress: min_outlets_for_target(  # noqa: E731
                result, target, radius, progress=progress)
        else:
            try:
                params = RecommendParams(count=self.count.value(), radius_km=radius,
                                         province=province, method=self.method.currentData())
            except ValueError as exc:
                self.summary.setText(str(exc))
                return
            job = lambda progress: recommend(result, params, progress)  # noqa: E731
        self.summary.setText(tr("Searching…"))
        self.state.recommend(job)

    def show_recommendation(self, rec) -> None:
        self.accept.setEnabled(rec is not None and len(rec.sites) > 0)
        self.clear.setEnabled(rec is not None)
        if rec is None:
            self.summary.setText(tr("Find where new service outlets would reach the most "
                                    "rural people now beyond the service radius."))
            _fill(self.table, [])
            return
        text = tr("{n} new outlets ({method}) would cover {people} more rural people: "
                  "{before}% → {after}% (solved in {s} s).").format(
            n=f"{len(rec.sites):,}", method=rec.method, people=fmt_count(rec.newly_covered),
            before=f"{rec.pct_before:.2f}", after=f"{rec.pct_after:.2f}",
            s=f"{rec.solve_seconds:.2f}")
        if rec.target_pct is not None and not rec.reached:
            text += " " + tr("The target is not reachable; this is the best found.")
        self.summary.setText(text)
        zh = current_language() == "zh"
        _fill(self.table, [[r.province_zh if zh else r.province, f"{r.outlets:,}",
                            fmt_count(r.newly_covered)] for r in rec.by_province.itertuples()])


class ComparePanel(QWidget):
    """Scenario A (baseline) vs B (current): figures side by side with the change."""

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.set_a = QPushButton()
        self.stop = QPushButton()
        self.set_a.clicked.connect(lambda: state.set_baseline(True))
        self.stop.clicked.connect(lambda: state.set_baseline(False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.set_a)
        buttons.addWidget(self.stop)
        self.note = plain_label()
        self.note.setWordWrap(True)
        self.table = _table(4)
        lay = QVBoxLayout(self)
        lay.addLayout(buttons)
        lay.addWidget(self.note)
        lay.addWidget(self.table, 1)
        state.comparisonChanged.connect(self.show_comparison)
        self.comparison = None
        self.retranslate()

    def retranslate(self) -> None:
        self.set_a.setText(tr("Use current as A (baseline)"))
        self.stop.setText(tr("Stop comparing"))
        self.table.setHorizontalHeaderLabels([tr("Figure"), tr("A (before)"), tr("B (now)"),
                                              tr("Change")])
        self.show_comparison(self.comparison)

    def show_comparison(self, cmp) -> None:
        self.comparison = cmp
        self.stop.setEnabled(cmp is not None)
        if cmp is None:
            self.note.setText(tr("Set a baseline, change the scenario (or accept recommended "
                                 "outlets), and compare the two here and on the map."))
            _fill(self.table, [])
            return
        self.note.setText(tr("{people} rural people newly covered (blue on the map).").format(
            people=fmt_count(cmp.newly_covered_people)))
        rows = []
        for r in cmp.rows:
            pct = r.key.endswith("_pct")
            f = (lambda v: f"{v:.2f}") if pct else (lambda v: f"{v:,.0f}")
            sign = "+" if r.change > 0 else ""
            rows.append([tr(r.label), f(r.before), f(r.after), sign + f(r.change)])
        _fill(self.table, rows)
