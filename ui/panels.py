"""Side panels: the joint venture's reach, the province table, scenario controls, details.

Every panel has ``retranslate()``: it is called on a language change and re-renders
its static texts and its last figures in the new language.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QItemSelectionModel, QLocale, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reach_planner.geo.county_table import CountySummary
from reach_planner.geo.params import (
    INT_LIMITS,
    NUM_LIMITS,
    STRATEGIES,
    ParameterError,
    ScenarioParams,
)
from reach_planner.geo.summary import Summary
from reach_planner.ui.demand_ui import (
    demand_value,
    distance_box,
    distance_value,
    retranslate_distance,
    set_distance,
)
from reach_planner.ui.i18n import current_language, fmt_count, tr
from reach_planner.ui.state import AppState

SORT_ROLE = 256  # Qt.UserRole: the numeric value a column sorts by
CODE_ROLE = 257  # the row's province GB code
COUNTY_ROLE = 258  # a county row's adcode (None on a province row)


def plain_label(text: str = "") -> QLabel:
    """A label that never interprets its text as HTML (names may come from user files)."""
    lab = QLabel(text)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


class ReachPanel(QWidget):
    """Headline figures of the simulated joint-venture network."""

    KEYS = ("network", "sites", "outlets", "rural", "rural_cov", "unreached", "backed_up",
            "delivery", "urban_cov", "area", "gaps", "demand", "distance")

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.values: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for key in self.KEYS:
            self.labels[key] = QLabel()
            self.values[key] = plain_label("–")
            # long values wrap inside the dock: "478,351,611 (93.83%, two outlets or more in
            # reach)" ran past its right edge, behind a horizontal scroll bar
            self.values[key].setWordWrap(True)
            form.addRow(self.labels[key], self.values[key])
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.figures = QGroupBox()
        self.figures.setLayout(form)
        self.context = plain_label()
        self.context.setWordWrap(True)
        self.ctx_box = QGroupBox()
        QVBoxLayout(self.ctx_box).addWidget(self.context)
        outer = QVBoxLayout(self)
        outer.addWidget(self.figures)
        outer.addWidget(self.ctx_box)
        outer.addStretch(1)
        self.summary: Summary | None = None
        self.state = state
        state.resultChanged.connect(lambda r, _p: self.show_summary(r.summary))
        self.retranslate()

    def network_text(self) -> str:
        """Where the sites on the map come from: simulated, imported, accepted."""
        ov = self.state.overlay
        if ov is None:
            return tr("simulated")

        def layer(key: str, imported) -> str:
            if imported is not None:
                return tr("simulated + imported") if key in ov.adds else tr("imported")
            return tr("simulated") if ov.other == "keep" else tr("none")

        text = tr("sites {s}, outlets {o}").format(s=layer("sites", ov.sites),
                                                   o=layer("outlets", ov.outlets))
        if ov.added_outlets is not None and len(ov.added_outlets):
            text += " " + tr("+{n} accepted").format(n=f"{len(ov.added_outlets):,}")
        return text + (f" ({ov.source_name})" if ov.source_name else "")

    def retranslate(self) -> None:
        names = [tr("Network"), tr("Distribution sites"), tr("Service outlets"),
                 tr("Rural population"),
                 tr("Rural covered"), tr("Rural still unreached"), tr("Rural backed up"),
                 tr("Rural within delivery"),
                 tr("Urban covered"), tr("Area covered"), tr("Gap regions"), tr("Demand"),
                 tr("Distance")]
        for key, text in zip(self.KEYS, names):
            self.labels[key].setText(text)
        self.figures.setTitle(tr("Reach (this scenario)"))
        self.ctx_box.setTitle(tr("Joint venture (from the announcement)"))
        if self.summary is not None:
            self.show_summary(self.summary)

    def show_summary(self, s: Summary) -> None:
        self.summary = s
        p, v = s.params, self.values
        v["network"].setText(self.network_text())
        v["sites"].setText(f"{s.distribution_sites:,}")
        v["outlets"].setText(f"{s.service_outlets:,}")
        v["rural"].setText(fmt_count(s.rural_population))
        v["rural_cov"].setText(f"{fmt_count(s.rural_covered)} ({s.rural_covered_pct:.2f}%)")
        v["unreached"].setText(fmt_count(s.rural_unreached))
        v["backed_up"].setText(tr("{n} ({pct}%, two outlets or more in reach)").format(
            n=fmt_count(s.rural_backed_up), pct=f"{s.rural_backed_up_pct:.2f}"))
        v["delivery"].setText(tr("{pct}% (within {km} km of a site)").format(
            pct=f"{s.rural_delivery_pct:.2f}", km=f"{p['site_radius_km']:g}"))
        v["urban_cov"].setText(f"{fmt_count(s.urban_covered)} ({s.urban_covered_pct:.2f}%)")
        v["area"].setText(tr("{area} km² ({pct}% of land)").format(
            area=fmt_count(s.area_covered_km2), pct=f"{s.area_covered_pct:.1f}"))
        v["gaps"].setText(tr("{n} (service radius {km} km)").format(
            n=fmt_count(s.gap_regions), km=f"{p['radius_km']:g}"))
        v["demand"].setText(demand_value(s))
        v["distance"].setText(distance_value(s))
        c = s.context
        self.context.setText(tr(
            "Alibaba invested about {usd} in Haier's logistics arm Goodaymart so "
            "that about {merchants} Tmall merchants can deliver and install large appliances "
            "in rural China. Announced network: ~{sites} distribution sites and ~{outlets} "
            "service outlets. The sites on this map are simulated from those counts.").format(
            usd=fmt_usd(c["alibaba_investment_usd"]),
            merchants=f"{c['tmall_merchants']:,}",
            sites=f"{c['announced_distribution_sites']:,}",
            outlets=f"{c['announced_service_outlets']:,}"))


def fmt_usd(amount: float) -> str:
    if current_language() == "zh":
        return f"{amount / 1e8:.1f}亿美元"
    return f"USD {amount / 1e6:,.0f} million"


class _NumericSort(QSortFilterProxyModel):
    """Sorts on the raw value stored under SORT_ROLE (numbers as numbers, not text)."""

    def lessThan(self, left, right) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:  # "–" (no figure) sorts last in either order
            if a is None and b is None:
                return False
            return (a is None) == (self.sortOrder() == Qt.SortOrder.DescendingOrder)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


class _ProvinceModel(QStandardItemModel):
    """Province rows whose county rows are added when the province is first expanded
    (Qt's fetchMore): about 2,850 county rows x 10 columns are built only for the
    provinces a planner opens, so a recompute still refreshes the 31 rows at once."""

    def __init__(self, parent: QWidget, make_row) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.make_row = make_row
        self.pending: dict[int, list] = {}  # province code -> its counties not yet shown

    def reset_rows(self, provinces: list[list[QStandardItem]], counties: dict[int, list]) -> None:
        self.setRowCount(0)
        self.pending = {code: rows for code, rows in counties.items() if rows}
        for row in provinces:
            self.appendRow(row)

    def _code(self, parent: QModelIndex) -> int | None:
        if not parent.isValid() or parent.parent().isValid():
            return None
        return self.item(parent.row(), 0).data(CODE_ROLE)

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        return self._code(parent) in self.pending or super().hasChildren(parent)

    def canFetchMore(self, parent: QModelIndex) -> bool:  # noqa: N802
        return self._code(parent) in self.pending

    def fetchMore(self, parent: QModelIndex) -> None:  # noqa: N802
        rows = self.pending.pop(self._code(parent), [])  # type: ignore[arg-type]
        item = self.item(parent.row(), 0)
        for county in rows:
            item.appendRow(self.make_row(county))


# Columns: 0 name, 1 rural pop., 2 covered %, 3 outlets/100k, 4 largest gap, 5 outlets,
# 6 sites, 7 gaps, 8 straight-line % (terrain only), 9 unreached (issue 22)
COLUMNS = range(10)
STRAIGHT = 8
OPTIONAL = (1, 2, 3, 4, 5, 6, 7, 9)  # the header's menu shows or hides these


class ProvinceTable(QTreeView):
    """Sortable per-province figures; a province expands to its county planning units
    (sorted within it by the same column). Clicking a row zooms the map there."""

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.model_ = _ProvinceModel(self, self._county_row)
        self.proxy = _NumericSort(self)
        self.proxy.setSourceModel(self.model_)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setIndentation(14)
        self.setSelectionBehavior(QTreeView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QTreeView.SelectionMode.SingleSelection)
        self.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        header = self.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # names elide
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.setWordWrap(False)
        self.clicked.connect(self._on_clicked)
        self._apply_hidden(self.hidden_columns())
        self._sorted = False
        self.summary: Summary | None = None
        self._county: dict[int, CountySummary] = {}
        state.resultChanged.connect(lambda r, _p: self.show_summary(r.summary))
        self.retranslate()

    def horizontalHeader(self) -> QHeaderView:  # noqa: N802 - the table's name for it
        return self.header()

    # -- which columns: a narrow dock shows the ones that matter; the header's menu
    # brings the others back, and a row's full figures are in Details when clicked
    HIDDEN_KEY = "provinces/hidden_columns"
    DEFAULT_HIDDEN = (1, 5, 6, 7, 9)  # rural population, outlets, sites, gap regions, unreached

    def hidden_columns(self) -> tuple[int, ...]:
        from PySide6.QtCore import QSettings

        value = QSettings().value(self.HIDDEN_KEY, None)
        if value is None:
            return self.DEFAULT_HIDDEN
        items = value if isinstance(value, list) else [value]
        return tuple(int(v) for v in items if str(v).isdigit() and int(v) in OPTIONAL)

    def _apply_hidden(self, hidden) -> None:
        for col in OPTIONAL:
            self.setColumnHidden(col, col in hidden)

    def set_column_shown(self, col: int, shown: bool) -> None:
        from PySide6.QtCore import QSettings

        self.setColumnHidden(col, not shown)
        hidden = [c for c in OPTIONAL if self.isColumnHidden(c)]
        QSettings().setValue(self.HIDDEN_KEY, [str(c) for c in hidden] or [""])

    def _column_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        for col in OPTIONAL:
            act = menu.addAction(self.model_.horizontalHeaderItem(col).text())
            act.setCheckable(True)
            act.setChecked(not self.isColumnHidden(col))
            act.toggled.connect(lambda on, c=col: self.set_column_shown(c, on))
        menu.popup(self.header().mapToGlobal(pos))

    def retranslate(self) -> None:
        heads = [tr("Province"), tr("Rural pop."), tr("Covered %"), tr("Outlets/100k"),
                 tr("Largest gap"), tr("Outlets"), tr("Sites"), tr("Gaps"), tr("Straight-line %"),
                 tr("Unreached")]
        tips = [tr("Province (Chinese and English name); expand it for its counties"),
                tr("Rural population, 2020 census"),
                tr("Rural population within the service radius of an outlet"),
                tr("Service outlets per 100,000 rural people"),
                tr("Rural people in the province's largest gap region"),
                tr("Service outlets"), tr("Distribution sites"), tr("Gap regions"),
                tr("Rural population within the service radius as a straight line (shown with "
                   "terrain distance, beside the terrain figure)"),
                tr("Rural people beyond the service radius of every outlet")]
        self.model_.setHorizontalHeaderLabels(heads)
        for i, tip in enumerate(tips):
            self.model_.horizontalHeaderItem(i).setToolTip(tip)
        if self.summary is not None:
            self.show_summary(self.summary)

    def show_summary(self, s: Summary) -> None:
        """All provinces anew; the provinces that were open stay open (their counties
        rebuilt from the new figures, in the current language)."""
        opened = self.expanded_codes() if self.summary is not None else set()
        self.summary = s
        header = self.header()
        col, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        counties: dict[int, list] = {}
        for c in s.counties:
            counties.setdefault(c.gb_code, []).append(c)
        self._county = {c.adcode: c for c in s.counties}
        self.model_.reset_rows([self._row(p) for p in s.provinces], counties)
        self.setColumnHidden(STRAIGHT, s.distance != "terrain")
        if not self._sorted:  # first time: the least-covered provinces on top
            col, order = 2, Qt.SortOrder.AscendingOrder
            self._sorted = True
        self.sortByColumn(col, order)
        for row in range(self.proxy.rowCount()):
            if self.gb_code_at(row) in opened:
                self.expand(self.proxy.index(row, 0))

    def expanded_codes(self) -> set[int]:
        return {self.gb_code_at(r) for r in range(self.proxy.rowCount())
                if self.isExpanded(self.proxy.index(r, 0))}

    @staticmethod
    def _items(cells, code: int, adcode: int | None, tip: str) -> list[QStandardItem]:
        row = []
        for i, (text, key) in enumerate(cells):
            item = QStandardItem(text)
            item.setData(key, SORT_ROLE)
            item.setData(code, CODE_ROLE)
            item.setData(adcode, COUNTY_ROLE)
            item.setToolTip(tip)
            if i:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row.append(item)
        return row

    @classmethod
    def _row(cls, p) -> list[QStandardItem]:
        short = p.name_zh if current_language() == "zh" else p.name_en
        cells = [(short, p.name_en),
                 (fmt_count(p.rural_population), p.rural_population),
                 (f"{p.rural_covered_pct:.1f}", p.rural_covered_pct),
                 (f"{p.outlets_per_100k_rural:.1f}", p.outlets_per_100k_rural),
                 (fmt_count(p.largest_gap_population), p.largest_gap_population),
                 (f"{p.outlets:,}", p.outlets), (f"{p.sites:,}", p.sites),
                 (f"{p.gap_regions:,}", p.gap_regions)]
        straight = p.rural_covered_pct_straight
        cells.append(("–", None) if straight is None else (f"{straight:.1f}", straight))
        cells.append((fmt_count(p.rural_unreached), p.rural_unreached))
        return cls._items(cells, p.gb_code, None, f"{p.name_zh} {p.name_en}")

    @classmethod
    def _county_row(cls, c: CountySummary) -> list[QStandardItem]:
        """A county unit under its province: the same columns (no sites or straight-line
        figure per county: "–"). A unit without rural people (a city district, Jinmen)
        has no covered % or outlets per 100k ("–", sorted last either way), not 0.0,
        which would read as nobody reached."""
        short = c.name_zh if current_language() == "zh" else c.name_en
        rural = c.rural_population > 0
        cells = [(short, c.name_en),
                 (fmt_count(c.rural_population), c.rural_population),
                 (f"{c.rural_covered_pct:.1f}", c.rural_covered_pct) if rural else ("–", None),
                 (f"{c.outlets_per_100k_rural:.1f}", c.outlets_per_100k_rural) if rural else ("–", None),
                 (fmt_count(c.largest_gap_population), c.largest_gap_population),
                 (f"{c.outlets:,}", c.outlets), ("–", None), (f"{c.gap_regions:,}", c.gap_regions),
                 ("–", None), (fmt_count(c.rural_unreached), c.rural_unreached)]
        tip = f"{c.name_zh} {c.name_en} · {c.prefecture_zh} {c.prefecture}"
        return cls._items(cells, c.gb_code, c.adcode, tip)

    def show_code(self, gb_code: int | None) -> None:
        """Select (and scroll to) a province's row, or clear the selection."""
        if gb_code is None:
            self.clearSelection()
            return
        for row in range(self.proxy.rowCount()):
            if self.gb_code_at(row) == gb_code:
                self._select(self.proxy.index(row, 0))
                return

    def show_county(self, adcode: int) -> None:
        """Select (and scroll to) a county's row, opening its province."""
        county = self._county.get(adcode)
        if county is None:
            self.clearSelection()
            return
        for row in range(self.proxy.rowCount()):
            parent = self.proxy.index(row, 0)
            if self.gb_code_at(row) != county.gb_code:
                continue
            self.expand(parent)
            for child in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(child, 0, parent)
                if index.data(COUNTY_ROLE) == adcode:
                    self._select(index)
                    return

    def show_feature(self, kind: str, index: int) -> None:
        """The row of what is selected (a province or a county), or none."""
        if kind == "county":
            self.show_county(index)
        else:
            self.show_code(index if kind == "province" else None)

    def _select(self, index: QModelIndex) -> None:
        flags = QItemSelectionModel.SelectionFlag
        self.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.scrollTo(index)

    def gb_code_at(self, row: int) -> int:
        return int(self.proxy.index(row, 0).data(CODE_ROLE))

    def _on_clicked(self, index) -> None:
        adcode = index.siblingAtColumn(0).data(COUNTY_ROLE)
        if adcode is not None:
            self.state.zoom_to_county(int(adcode))
        elif not index.parent().isValid():
            self.state.zoom_to_province(self.gb_code_at(index.row()))


_GROUPED = {",": re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?"),  # 12,345.6
            ".": re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?")}  # 12.345,6


def plain_number(text: str, decimal_point: str = ".") -> str | None:
    """``text`` as Python reads numbers, or None when a separator is ambiguous.

    The locale's decimal separator is the decimal separator; the other one is accepted
    only as thousands grouping in groups of three. So with a "." locale "20,5" is refused
    (it was silently read as 205 km, issue 23.4) and "1,000" is a thousand; with a ","
    locale "20,5" is 20.5.
    """
    group = "," if decimal_point == "." else "."
    if _GROUPED[group].fullmatch(text):
        return text.replace(group, "").replace(decimal_point, ".")
    if group in text:
        return None
    return text.replace(decimal_point, ".")


class NumberField(QLineEdit):
    """A number typed as text and checked against the parameters' own range.

    Unlike a spin box it never changes what was typed: "-5" stays "-5", is shown in
    red with the allowed range, and ``value()`` is None until it is fixed.
    """

    INVALID = "QLineEdit{border:2px solid #b00020;background:#fdecee}"

    def __init__(self, lo: float, hi: float, integer: bool, unit: str = "") -> None:
        super().__init__()
        self.lo, self.hi, self.integer, self.unit = lo, hi, integer, unit
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.textChanged.connect(self._check)

    def parse(self) -> float | int | None:
        text = self.text().strip().replace("_", "")
        if self.unit and text.lower().endswith(self.unit.lower()):
            text = text[: -len(self.unit)].strip()
        plain = plain_number(text, QLocale().decimalPoint())
        if plain is None:
            return None
        try:
            value: float | int = int(plain) if self.integer else float(plain)
        except ValueError:
            return None
        if value != value or not self.lo <= value <= self.hi:
            return None
        return value

    def value(self) -> float | int | None:
        return self.parse()

    def setValue(self, value: float | int) -> None:  # noqa: N802 - the spin-box name
        self.setText(f"{int(value)}" if self.integer else f"{value:g}")

    def allowed(self) -> str:
        if self.integer:
            return tr("a whole number from {lo} to {hi}").format(lo=f"{int(self.lo):,}",
                                                                 hi=f"{int(self.hi):,}")
        return tr("a number from {lo} to {hi}").format(lo=f"{self.lo:g}", hi=f"{self.hi:g}")

    def _check(self) -> None:
        ok = self.parse() is not None
        self.setStyleSheet("" if ok else self.INVALID)
        unit = f" ({self.unit.strip()})" if self.unit else ""
        self.setToolTip(tr("Allowed: {range}").format(range=self.allowed()) + unit)


class ControlsPanel(QWidget):
    """Scenario parameters with Recompute / Cancel. Limits come from geo.params; an
    invalid entry is shown as such and Recompute waits until it is fixed."""

    FIELDS = ("seed", "sites", "outlets", "radius_km", "site_radius_km", "rural_bias")

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.fields: dict[str, NumberField] = {}
        for name in self.FIELDS:
            if name in INT_LIMITS:
                lo, hi = INT_LIMITS[name]
                field = NumberField(lo, hi, integer=True)
            else:
                lo_f, hi_f = NUM_LIMITS[name]
                field = NumberField(lo_f, hi_f, integer=False,
                                    unit=" km" if name.endswith("_km") else "")
            field.textChanged.connect(self._validate)
            field.returnPressed.connect(self.apply)
            self.fields[name] = field
        f = self.fields
        self.seed, self.sites, self.outlets = f["seed"], f["sites"], f["outlets"]
        self.radius, self.site_radius, self.rural_bias = (f["radius_km"], f["site_radius_km"],
                                                          f["rural_bias"])
        self.strategy = QComboBox()
        self.distance = distance_box()
        self.form = QFormLayout()
        for w in (self.seed, self.sites, self.outlets, self.radius, self.site_radius,
                  self.strategy, self.rural_bias, self.distance):
            self.form.addRow(QLabel(), w)
        self.recompute = QPushButton()
        self.recompute.setDefault(True)
        self.cancel = QPushButton()
        self.cancel.setEnabled(False)
        self.recompute.clicked.connect(self.apply)
        self.cancel.clicked.connect(state.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recompute)
        buttons.addWidget(self.cancel)
        self.error = plain_label()
        self.error.setStyleSheet("color:#b00020")
        self.error.setWordWrap(True)
        self.imported = plain_label()
        self.imported.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.imported)
        lay.addLayout(buttons)
        lay.addWidget(self.error)
        lay.addStretch(1)
        state.busyChanged.connect(self._busy)
        state.resultChanged.connect(lambda _r, _p: self.show_overlay())
        self.retranslate()
        self.show_params(state.params)

    def _names(self) -> list[str]:
        return [tr("Seed"), tr("Distribution sites"), tr("Service outlets"),
                tr("Service radius"), tr("Delivery radius"), tr("Placement"), tr("Rural bias"),
                tr("Distance")]

    def retranslate(self) -> None:
        for row, text in enumerate(self._names()):
            self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        current = self.strategy.currentData() or ScenarioParams.strategy
        self.strategy.clear()
        labels = {"population": tr("by population"), "towns": tr("at towns"),
                  "uniform": tr("uniform")}
        for key in STRATEGIES:
            self.strategy.addItem(labels[key], key)
        self.strategy.setCurrentIndex(STRATEGIES.index(current))
        self.recompute.setText(tr("Recompute"))
        self.cancel.setText(tr("Cancel"))
        self.strategy.setToolTip(tr("Where simulated service outlets are placed"))
        retranslate_distance(self.distance)
        self.rural_bias.setToolTip(tr("Share of outlets placed by rural rather than urban "
                                      "population"))
        for field in self.fields.values():
            field._check()
        self._validate()
        self.show_overlay()

    def show_overlay(self) -> None:
        """What is imported, and the counts it replaces switched off (not silently ignored)."""
        ov = self.state.overlay
        fixed = {"sites": False, "outlets": False}
        parts = []
        if ov is not None:
            for key, layer, word in (("sites", ov.sites, tr("distribution sites")),
                                     ("outlets", ov.outlets, tr("service outlets"))):
                if layer is not None and key in ov.adds:  # the simulated count still counts
                    parts.append(tr("{n} {what} added").format(n=f"{len(layer):,}", what=word))
                elif layer is not None:
                    fixed[key] = True
                    parts.append(tr("{n} {what} imported").format(n=f"{len(layer):,}", what=word))
                elif ov.other == "empty" and (ov.sites is not None or ov.outlets is not None):
                    fixed[key] = True
                    parts.append(tr("no {what}").format(what=word))
            if ov.added_outlets is not None and len(ov.added_outlets):
                parts.append(tr("{n} accepted recommended outlets").format(
                    n=f"{len(ov.added_outlets):,}"))
        for key, off in fixed.items():
            self.fields[key].setEnabled(not off)
            if off:
                self.fields[key].setToolTip(tr("Set by the imported file; File › New scenario "
                                               "goes back to the simulation"))
            else:
                self.fields[key]._check()
        source = f" ({ov.source_name})" if ov is not None and ov.source_name else ""
        self.imported.setText(tr("Network: {parts}").format(parts="; ".join(parts)) + source
                              if parts else "")
        self.imported.setVisible(bool(parts))

    def show_params(self, p: ScenarioParams) -> None:
        for name, field in self.fields.items():
            field.setValue(getattr(p, name))
        self.strategy.setCurrentIndex(STRATEGIES.index(p.strategy))
        set_distance(self.distance, p.distance)

    def problems(self) -> list[str]:
        labels = dict(zip(("seed", "sites", "outlets", "radius_km", "site_radius_km"),
                          self._names()))
        labels["rural_bias"] = tr("Rural bias")
        return [tr("{name}: {text!r} is not {range}").format(
                    name=labels[name], text=field.text(), range=field.allowed())
                for name, field in self.fields.items() if field.value() is None]

    def _validate(self) -> None:
        problems = self.problems()
        self.error.setText("\n".join(problems))
        self.recompute.setEnabled(not problems)

    def params(self) -> ScenarioParams:
        values = {name: field.value() for name, field in self.fields.items()}
        if any(v is None for v in values.values()):
            raise ParameterError("; ".join(self.problems()))
        values["rural_bias"] = round(float(values["rural_bias"]), 3)
        return ScenarioParams(**values, strategy=str(self.strategy.currentData()),
                              cell_km=self.state.params.cell_km,
                              distance=str(self.distance.currentData()))

    def apply(self) -> None:
        try:
            params = self.params()
        except ParameterError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self.state.change(params)

    def _busy(self, busy: bool) -> None:
        self.cancel.setEnabled(busy)


class DetailsPanel(QWidget):
    """What was clicked on the map or in the table, as plain text."""

    scrolls_itself = True  # the window does not wrap it in a second scroll area

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.form = QFormLayout()
        # Long values (names, "12,345 (67.8%)") go below their label instead of being cut.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.hint = plain_label()
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
        self.scroll = scroll
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)
        state.selectionChanged.connect(self.show_details)
        self.retranslate()

    def retranslate(self) -> None:
        self.hint.setText(tr("Click a site, an outlet, a gap or a province on the map."))

    def show_details(self, details: dict[str, str] | None) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.hint.setVisible(not details)
        for key, value in (details or {}).items():
            self.form.addRow(plain_label(key), plain_label(value))
        self.scroll.verticalScrollBar().setValue(0)  # a new feature is read from its top (23.15)

    def values(self) -> dict[str, str]:
        out = {}
        for r in range(self.form.rowCount()):
            k = self.form.itemAt(r, QFormLayout.ItemRole.LabelRole).widget().text()
            v = self.form.itemAt(r, QFormLayout.ItemRole.FieldRole).widget().text()
            out[k] = v
        return out
