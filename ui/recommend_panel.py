"""Close the gaps: where the next outlets should go, and scenario A vs B."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
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


PICK_FILTER = ("CSV (*.csv);;KML, Google Earth (*.kml);;GeoPackage (*.gpkg);;"
               "GeoJSON (*.geojson)")


def radius_box(lat: float, lon: float, radius_km: float, margin: float = 1.4
               ) -> tuple[float, float, float, float]:
    """South, west, north, east of the pick's service-radius circle with a margin: the
    zoom to a pick shows what it reaches (a fixed 0.25 degree box gave a 20 km scale, 23.21)."""
    dlat = margin * radius_km / 111.2
    dlon = dlat / max(math.cos(math.radians(lat)), 0.2)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


class _NumItem(QTableWidgetItem):
    """A cell that sorts by its number, not its text."""

    def __init__(self, text: str, key: float | str) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other) -> bool:
        try:
            return self.key < other.key
        except (AttributeError, TypeError):
            return super().__lt__(other)


def nearest_towns(lon, lat) -> list[str]:
    """The nearest town to each point (a pick has no name of its own), by the report's own
    function, so the window's table and the workbook name the same town (issue 23.14)."""
    import numpy as np

    from reach_planner.ui.report.figures import nearest_towns as towns_near

    zh = current_language() == "zh"
    towns = towns_near(np.atleast_1d(np.asarray(lon, float)), np.atleast_1d(np.asarray(lat, float)))
    return [t.name_zh if zh else t.name for t in towns]


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

    interim = Signal(int, object)  # (job, a better answer while the solver runs), from the worker

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self._job = 0  # the run whose interim answers are shown; 0: none running
        self.interim.connect(self.show_interim)  # queued into the GUI thread
        self.by_count = QRadioButton()
        self.by_target = QRadioButton()
        self.by_move = QRadioButton()  # relocate: close and open up to N outlets together
        self.by_count.setChecked(True)
        group = QButtonGroup(self)
        for b in (self.by_count, self.by_target, self.by_move):
            group.addButton(b)
        self.relocation = None  # the last relocation shown (it is not a recommendation)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_COUNT)
        self.count.setValue(100)
        self.target = QDoubleSpinBox()
        self.target.setRange(1, 100)
        self.target.setDecimals(1)
        self.target.setValue(98.0)
        self.target.setSuffix(" %")
        self.moves = QSpinBox()
        self.moves.setRange(1, MAX_COUNT)
        self.moves.setValue(50)
        self.province = compact_combo()
        self.by_move.toggled.connect(lambda on: self.province.setEnabled(not on))  # national
        self.method = compact_combo()
        self.radius = QDoubleSpinBox()
        self.radius.setRange(*NUM_LIMITS["radius_km"])
        self.radius.setDecimals(1)
        self.radius.setSuffix(" km")
        self.form = QFormLayout()
        self.form.addRow(self.by_count, self.count)
        self.form.addRow(self.by_target, self.target)
        self.form.addRow(self.by_move, self.moves)
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
        self.picks = _table(6)  # one row per recommended outlet
        self.picks.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.picks.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.picks.setSortingEnabled(True)
        self.picks.sortItems(1)  # pick order (largest gain first) until the planner sorts
        self.picks.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.picks.cellClicked.connect(self._pick_clicked)
        self.export = QPushButton()
        # clicked(bool) would hand its `checked` flag over as the path (issue 23.1)
        self.export.clicked.connect(lambda _checked=False: self.export_picks())
        self.curve = QLabel()
        self.curve.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addLayout(buttons)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.picks, 2)
        lay.addWidget(self.export)
        lay.addWidget(self.curve)
        state.recommendationChanged.connect(self.show_recommendation)
        state.resultChanged.connect(lambda r, _p: self.radius.setValue(r.params.radius_km))
        self.retranslate()
        self.show_recommendation(None)

    def retranslate(self) -> None:
        self.by_count.setText(tr("New outlets"))
        self.by_target.setText(tr("Reach rural coverage"))
        self.by_move.setText(tr("Move outlets"))
        labels = [tr("Where"), tr("Solver"), tr("Service radius")]
        for row, text in enumerate(labels, start=3):
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
        self.method.addItem(tr("Certified: within 0.1% of the best possible"), "certified")
        self.method.addItem(tr("Fast greedy, with its proven gap"), "greedy")
        self.method.addItem(tr("Exact (HiGHS): proven optimum or the gap at 60 s"), "exact")
        self.method.setCurrentIndex(max(0, m))
        self.run.setText(tr("Recommend"))
        self.accept.setText(tr("Accept into scenario"))
        self.clear.setText(tr("Clear"))
        self.table.setHorizontalHeaderLabels([tr("Province"), tr("New outlets"),
                                              tr("Newly covered")])
        self.picks.setHorizontalHeaderLabels(self.pick_headers())
        self.export.setText(tr("Export the recommended outlets (CSV)…"))
        self.show_recommendation(self.state.recommendation)

    def start(self) -> None:
        result = self.state.result
        if result is None:
            return
        radius, province = self.radius.value(), self.province.currentData()
        self.relocation = None
        if self.by_move.isChecked():
            self.start_relocation(result, radius)
            return
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
            self._job += 1
            token = self._job
            job = lambda progress: recommend(  # noqa: E731
                result, params, progress, improved=lambda rec: self.interim.emit(token, rec))
        self.summary.setText(tr("Searching…"))
        self.state.recommend(job)

    def start_relocation(self, result, radius: float) -> None:
        """Which outlets to move where (nationally), closures and new sites chosen together."""
        from reach_planner.geo.siting.decisions import relocate

        count, method = self.moves.value(), self.method.currentData()
        self._job += 1  # interim answers of an earlier recommendation are stale
        job = lambda progress: relocate(result, count, radius, progress, method)  # noqa: E731
        self.summary.setText(tr("Searching…"))
        self.state.relocate(job, self.show_relocation)

    def show_relocation(self, move) -> None:
        """The relocation's net gain, bound, gap and status (the recommendation is cleared:
        its picks are not what moved)."""
        self.state.set_recommendation(None)
        self.relocation = move
        self.summary.setText(relocation_text(move, self.state.result))

    def show_interim(self, job: int, rec) -> None:
        """Greedy's answer at once, then each better one, until the final answer arrives;
        only the final one can be accepted."""
        if job != self._job:
            return
        self.show_recommendation(rec)
        self.accept.setEnabled(False)
        self.summary.setText(tr("Improving; best so far:") + " " + self.summary.text())

    def show_recommendation(self, rec) -> None:
        if rec is not None and self.sender() is self.state:
            self._job += 1  # the final answer: later interim answers are stale
        self.accept.setEnabled(rec is not None and len(rec.sites) > 0)
        self.clear.setEnabled(rec is not None)
        self.export.setEnabled(rec is not None and len(rec.sites) > 0)
        self._fill_picks(rec)
        if rec is None:
            self.summary.setText(tr("Find where new service outlets would reach the most "
                                    "rural people now beyond the service radius.")
                                 if self.relocation is None else
                                 relocation_text(self.relocation, self.state.result))
            _fill(self.table, [])
            self.curve.clear()
            return
        text = tr("{n} new outlets ({method}) would cover {people} more rural people: "
                  "{before}% → {after}% (solved in {s} s).").format(
            n=f"{len(rec.sites):,}", method=rec.method, people=fmt_count(rec.newly_covered),
            before=f"{rec.pct_before:.2f}", after=f"{rec.pct_after:.2f}",
            s=f"{rec.solve_seconds:.2f}")
        text += " " + distance_label(rec)
        if rec.target_pct is not None and not rec.reached:
            text += " " + tr("The target is not reachable; this is the best found.")
        if rec.province is not None:
            text += " " + tr("{inside} in the province, {across} across its border.").format(
                inside=fmt_count(rec.newly_covered_in_province),
                across=fmt_count(rec.newly_covered_across_border))
        text += " " + quality_text(rec)
        self.summary.setText(text)
        self.show_curve(rec)
        zh = current_language() == "zh"
        _fill(self.table, [[r.province_zh if zh else r.province, f"{r.outlets:,}",
                            fmt_count(r.newly_covered)] for r in rec.by_province.itertuples()])


    def show_curve(self, rec) -> None:
        """The coverage curve (newly covered people against new outlets), 95/98/99% marked."""
        if len(rec.curve) < 2:
            self.curve.clear()
            return
        from reach_planner.ui.maps.curve_chart import curve_png

        # drawn to the panel's width: a wider picture was cut on both sides in a narrow dock
        width = max(240, min(self.width() - 24, 640))
        png = curve_png(rec, width / 100, max(1.8, min(2.6, width / 160)),
                        labels=(tr("new outlets"), tr("newly covered rural people (million)")))
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.curve.setPixmap(pixmap)
        self._curve_width = width

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        rec = self.state.recommendation
        if rec is not None and abs(getattr(self, "_curve_width", 0) - (self.width() - 24)) > 30:
            self.show_curve(rec)

    # -- the recommended outlets, one row each ---------------------------------------------
    @staticmethod
    def pick_headers() -> list[str]:
        return [tr("Nearest town"), tr("#"), tr("Province"), tr("Latitude"), tr("Longitude"),
                tr("Newly covered")]

    def pick_rows(self, rec) -> list[list[tuple[str, float | str]]]:
        """(text, sort key) per cell, in pick order (1 = largest gain)."""
        s = rec.sites
        towns = nearest_towns(s["lon"].to_numpy(), s["lat"].to_numpy())
        zh = current_language() == "zh"
        names = load_china().province_names()
        rows = []
        for i, r in enumerate(s.itertuples()):
            prov = names.get(int(r.gb_code), (str(r.province), str(r.province)))[1 if zh else 0]
            gain = float(rec.gains[i])
            rows.append([(towns[i], towns[i]), (f"{i + 1}", i + 1), (prov, prov),
                         (f"{r.lat:.4f}", r.lat), (f"{r.lon:.4f}", r.lon),
                         (fmt_count(gain), gain)])
        return rows

    def _fill_picks(self, rec) -> None:
        t = self.picks
        t.setSortingEnabled(False)
        rows = [] if rec is None or len(rec.sites) == 0 else self.pick_rows(rec)
        t.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, (text, key) in enumerate(row):
                item = _NumItem(text, key)
                item.setData(Qt.ItemDataRole.UserRole, r)  # index into rec.sites
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                t.setItem(r, c, item)
        t.setSortingEnabled(True)

    def _pick_clicked(self, row: int, _col: int) -> None:
        """Zoom to the pick and show it in Details, outlined on the map."""
        rec = self.state.recommendation
        item = self.picks.item(row, 0)
        if rec is None or item is None:
            return
        i = int(item.data(Qt.ItemDataRole.UserRole))
        lat, lon = float(rec.sites["lat"].iloc[i]), float(rec.sites["lon"].iloc[i])
        self.state.zoomRequested.emit(*radius_box(lat, lon, rec.radius_km))
        self.state.select("recommended", i)

    def export_picks(self, path=None) -> None:
        """The picks as CSV (UTF-8 with BOM, so Excel shows Chinese names), or as KML (Google
        Earth), GeoPackage or GeoJSON by the file name chosen; written in the runner."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from reach_planner.geo.atomic import atomic_write_bytes

        rec = self.state.recommendation
        if rec is None or len(rec.sites) == 0:
            return
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, tr("Export the recommended outlets"),
                                                  "recommended_outlets.csv", PICK_FILTER)
            if not name:
                return
            path = name
        rows = self.pick_rows(rec)
        heads = self.pick_headers()

        def job(progress) -> Path:
            if Path(path).suffix.lower() in (".kml", ".gpkg", ".geojson"):  # GIS files through GDAL
                from reach_planner.geo.siting.picks_io import write_picks

                return write_picks(path, rec.sites, tuple(rec.gains))
            import csv
            import io

            from reach_planner.geo.cells import neutral_text

            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow([neutral_text(h) for h in heads])
            for row in sorted(rows, key=lambda r: r[1][1]):  # names stay text, never formulas
                w.writerow([neutral_text(text if c not in (3, 4, 5) else key)
                            for c, (text, key) in enumerate(row)])
            return atomic_write_bytes(Path(path), buf.getvalue().encode("utf-8-sig"))

        self.state.runner.start(
            "export-picks", job,
            done=lambda p: self.state.statusMessage.emit(tr("Wrote {path}").format(path=p)),
            failed=lambda exc: self.state.errorRaised.emit(str(exc)))


def distance_label(rec) -> str:
    """Which distance the figures use: the scenario's (terrain when chosen)."""
    return tr("[over terrain]") if rec.distance == "terrain" else tr("[straight line]")


def status_text(status: str) -> str:
    return {"optimal": tr("proven optimal"), "within tolerance": tr("within tolerance"),
            "time limit": tr("stopped at the time limit"),
            "heuristic": tr("heuristic")}.get(status, status)


def relocation_text(move, result) -> str:
    """What moving outlets gains, and how far from the best possible (the proven bound)."""
    if not move.moved:
        return tr("No move pays off: every relocation loses more people than it gains.")
    text = tr("Moving {n} outlets gains {net} covered rural people net ({new} newly covered, "
              "{lost} lost).").format(n=f"{move.moved:,}", net=fmt_count(move.net_gain),
                                      new=fmt_count(move.gained), lost=fmt_count(move.closure.lost))
    if result is not None:
        text += " " + (tr("[over terrain]") if result.coverage.distance == "terrain"
                       else tr("[straight line]"))
    return text + " " + tr("No relocation of up to {k} outlets gains more than {bound} (gap "
                           "{gap}%, {status}).").format(
        k=f"{move.requested:,}", bound=fmt_count(move.net_bound), gap=f"{move.gap_pct:.2f}",
        status=status_text(move.status))


def quality_text(rec) -> str:
    """How close to the best possible the answer is, and why the solver stopped."""
    if rec.bound is None:
        return ""
    if rec.covers_all:
        return tr("These {n} outlets already cover every gap the candidates can reach; no more "
                  "are needed.").format(n=f"{len(rec.sites):,}")
    if rec.status == "optimal":
        return tr("Proven optimal.")
    gap, bound = f"{rec.gap_pct or 0:.2f}", fmt_count(round(rec.bound))
    if rec.status == "time limit":
        return tr("Stopped at {gap}% gap (time limit); best possible ≤ {bound}.").format(
            gap=gap, bound=bound)
    return tr("Within {gap}% of the best possible (≤ {bound}).").format(gap=gap, bound=bound)


def differences(a, b) -> list[str]:
    """What differs between scenario A and B: parameters, then where the sites come from."""
    from reach_planner.ui.maps.style import network_credit

    if a is None or b is None:
        return []
    from dataclasses import fields

    labels = {"seed": tr("Seed"), "sites": tr("Distribution sites"),
              "outlets": tr("Service outlets"), "radius_km": tr("Service radius"),
              "site_radius_km": tr("Delivery radius"), "strategy": tr("Placement"),
              "rural_bias": tr("Rural bias"), "cell_km": tr("Grid spacing"),
              "distance": tr("Distance")}
    values = {"straight": tr("straight line"), "terrain": tr("over terrain")}
    out = []
    # every parameter counts, labelled or not: a difference left out reads as "the same" (23.5)
    for key in [f.name for f in fields(a.params)]:
        va, vb = getattr(a.params, key), getattr(b.params, key)
        if va != vb:
            unit = " km" if key.endswith("_km") else ""
            if isinstance(va, str):
                fa, fb = values.get(va, va), values.get(vb, vb)
            else:
                fa, fb = (f"{va:,}", f"{vb:,}") if isinstance(va, int) else (f"{va:g}", f"{vb:g}")
            out.append(f"{labels.get(key, key)} {fa}{unit} → {fb}{unit}")
    if a.summary.demand_model != b.summary.demand_model:
        from reach_planner.ui.demand_ui import demand_value

        out.append(tr("demand {a} → {b}").format(a=demand_value(a.summary), b=demand_value(b.summary)))
    na, nb = network_credit(a, tr), network_credit(b, tr)
    sa, sb = a.summary, b.summary
    if na != nb or (sa.distribution_sites, sa.service_outlets) != (sb.distribution_sites,
                                                                   sb.service_outlets):
        out.append(tr("network {a} ({sa} sites, {oa} outlets) → {b} ({sb} sites, {ob} outlets)")
                   .format(a=na, b=nb, sa=f"{sa.distribution_sites:,}",
                           oa=f"{sa.service_outlets:,}", sb=f"{sb.distribution_sites:,}",
                           ob=f"{sb.service_outlets:,}"))
    return out


def compare_headline(cmp) -> str:
    """B against A in one line. When people were lost the net change leads, then the
    loss: "117 newly covered" alone hid 445.7 million people lost to an import (23.19)."""
    new = fmt_count(cmp.newly_covered_people)
    if cmp.lost_people < 0.5:
        return tr("{people} rural people newly covered (blue on the map).").format(people=new)
    net = cmp.net_covered
    sign = "+" if net > 0 else "−" if net < 0 else "±"
    return tr("{net} rural people covered, net: {lost} lost, {new} newly covered (blue on the "
              "map).").format(net=sign + fmt_count(abs(net)), lost=fmt_count(cmp.lost_people),
                              new=new)


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
        self.diffs = plain_label()
        self.diffs.setWordWrap(True)
        self.table = _table(4)
        lay = QVBoxLayout(self)
        lay.addLayout(buttons)
        lay.addWidget(self.note)
        lay.addWidget(self.diffs)
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
        self.diffs.setVisible(cmp is not None)
        if cmp is None:
            self.note.setText(tr("Set a baseline, change the scenario (or accept recommended "
                                 "outlets), and compare the two here and on the map."))
            _fill(self.table, [])
            return
        self.note.setText(compare_headline(cmp))
        changes = differences(self.state.baseline, self.state.result)
        self.diffs.setText(tr("A → B: {changes}").format(changes="; ".join(changes)) if changes
                           else tr("A and B have the same parameters and sites."))
        rows = []
        for r in cmp.rows:
            pct = r.key.endswith("_pct")
            f = (lambda v: f"{v:.2f}") if pct else (lambda v: f"{v:,.0f}")
            sign = "+" if r.change > 0 else ""
            rows.append([tr(r.label), f(r.before), f(r.after), sign + f(r.change)])
        _fill(self.table, rows)
