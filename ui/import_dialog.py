"""Import sites: column mapping when names are not recognised, then the validation
report with the choice to import the valid rows (and to swap lat/lon where they look
swapped). Nothing changes in the scenario until the user says Import."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reach_planner.geo.columns import preset_coordinates
from reach_planner.geo.sites_io import SUFFIXES as READERS
from reach_planner.geo.sites_io import ColumnMap, ImportResult, Source
from reach_planner.geo.vector_read import ALL_LAYERS
from reach_planner.ui.i18n import tr

SUFFIXES = tuple(READERS)  # what the readers take: the dialog, drops and the CLI agree
MAX_ROWS_SHOWN = 1000
PREVIEW_ROWS = 5
REREAD = 2  # the report dialog's result code: read the file again (another encoding)
ENCODINGS = ("utf-8", "gb18030", "big5", "utf-16")  # offered besides "detected"
TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".shp", ".zip", "")  # files whose encoding may be guessed


def choose_layer(parent: QWidget | None, file_name: str, layers: list[str]) -> str | None:
    """Ask which point layer of a GeoPackage/KML/zip to import; None when cancelled."""
    every = tr("All point layers")
    item, ok = QInputDialog.getItem(parent, tr("Choose a layer"),
                                    tr("{file} has several point layers. Which one holds the "
                                       "sites?").format(file=file_name), [*layers, every], 0, False)
    if not ok or not item:
        return None
    return ALL_LAYERS if item == every else str(item)


def file_filter() -> str:
    patterns = " ".join(f"*{s}" for s in SUFFIXES)
    return tr("Site lists ({patterns})").format(patterns=patterns)


def read_text(result: ImportResult) -> str:
    """"2 rows read: 1 distribution site and 1 service outlet are valid, ..." with each
    count's noun in the singular or the plural (it said "1 rows read", 23.17)."""
    def n(k: int) -> str:
        return f"{k:,}"

    rows, sites, outlets, skipped = (result.rows_read, len(result.sites), len(result.outlets),
                                     result.skipped)
    return tr("{rows} read: {sites} and {outlets} are valid, {skipped} would be skipped.").format(
        rows=tr("1 row") if rows == 1 else tr("{n} rows").format(n=n(rows)),
        sites=tr("1 distribution site") if sites == 1 else
        tr("{n} distribution sites").format(n=n(sites)),
        outlets=tr("1 service outlet") if outlets == 1 else
        tr("{n} service outlets").format(n=n(outlets)),
        skipped=tr("1 row") if skipped == 1 else tr("{n} rows").format(n=n(skipped)))


class ColumnMappingDialog(QDialog):
    """Pick which columns hold latitude, longitude, name and type. Latitude and
    longitude start on two different columns, and OK stays off while they are the same."""

    FIELDS = ("lat", "lon", "name", "type")

    def __init__(self, parent: QWidget | None, file_name: str, columns: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Choose columns"))
        form = QFormLayout(self)
        hint = QLabel(tr("{file}: the coordinate columns were not recognised. Which columns "
                         "hold them?").format(file=file_name))
        hint.setWordWrap(True)
        hint.setTextFormat(Qt.TextFormat.PlainText)  # the file name is shown as written
        form.addRow(hint)
        self.boxes: dict[str, QComboBox] = {}
        labels = {"lat": tr("Latitude"), "lon": tr("Longitude"), "name": tr("Name"),
                  "type": tr("Type")}
        for key in self.FIELDS:
            box = QComboBox()
            if key in ("name", "type"):
                box.addItem(tr("(none)"), None)
            for c in columns:
                box.addItem(c, c)
            self.boxes[key] = box
            form.addRow(labels[key], box)
        for key, column in zip(("lat", "lon"), preset_coordinates(columns)):
            self.boxes[key].setCurrentIndex(max(self.boxes[key].findData(column), 0))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#b00020")
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for key in ("lat", "lon"):
            self.boxes[key].currentIndexChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        """OK only for two different coordinate columns; the reason is shown in red."""
        text = ""
        if self.boxes["lat"].currentData() == self.boxes["lon"].currentData():
            text = tr("Latitude and longitude must be two different columns.")
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self.ok.setEnabled(not text)

    def accept(self) -> None:
        if self.ok.isEnabled():
            super().accept()

    def mapping(self) -> ColumnMap:
        return ColumnMap(**{k: self.boxes[k].currentData() for k in self.FIELDS})


class ImportReportDialog(QDialog):
    """What would be imported and what would be skipped (file, row, column, problem)."""

    def __init__(self, parent: QWidget | None, result: ImportResult,
                 current: tuple[int, int] | None = None) -> None:
        """``current``: the scenario's distribution sites and service outlets now, named in
        the choice between adding to them and replacing them."""
        super().__init__(parent)
        self.result = result
        self.setWindowTitle(tr("Import sites — {file}").format(file=result.path.name))
        lay = QVBoxLayout(self)
        head = QLabel(read_text(result))
        if result.swapped:
            head.setText(head.text() + " " + tr("Latitude and longitude were swapped in {n} "
                                                "rows.").format(n=f"{result.swapped:,}"))
        head.setWordWrap(True)
        lay.addWidget(head)
        self.columns = QLabel(self.columns_text(result))
        self.columns.setWordWrap(True)
        for label in (head, self.columns):  # column names come from the file: plain text
            label.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.columns)
        lay.addLayout(self._crs_row(result))
        self.preview = self._preview_table(result)
        lay.addWidget(self.preview)
        self.table = self._issue_table(result)
        lay.addWidget(self.table, 1)
        self.swap = QCheckBox(tr("Swap latitude and longitude in the {n} rows where they look "
                                 "swapped").format(n=f"{result.swappable:,}"))
        self.swap.setVisible(result.swappable > 0)
        lay.addWidget(self.swap)
        self.nothing = QLabel()
        self.nothing.setTextFormat(Qt.TextFormat.PlainText)
        self.nothing.setWordWrap(True)
        self.nothing.setStyleSheet("color:#b00020")
        lay.addWidget(self.nothing)
        self.add, self.replace = self._how_buttons(result, current)
        for b in (self.add, self.replace):
            lay.addWidget(b)
        self.keep = QRadioButton(tr("Keep the other layer simulated"))
        self.empty = QRadioButton(tr("Leave the other layer empty"))
        self.keep.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.keep)
        group.addButton(self.empty)
        only_one = (len(result.sites) == 0) != (len(result.outlets) == 0)
        for b in (self.keep, self.empty):
            b.setVisible(only_one)
            lay.addWidget(b)
        self.replace.toggled.connect(self._other_choice)
        self._other_choice()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_btn = buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.encoding = self._encoding_box(result)
        lay.addWidget(self.encoding)
        self.swap.toggled.connect(self._count)
        self.encoding.currentIndexChanged.connect(lambda _i: self.done(REREAD))
        self._count()
        self.resize(820, 600)

    def _how_buttons(self, result: ImportResult, current: tuple[int, int] | None
                     ) -> tuple[QRadioButton, QRadioButton]:
        """Add to the layers now in the scenario (the default: nothing is lost) or replace
        them; each says what it does (18 outlets silently replaced 17,000, issue 23.19)."""
        sites, outlets = current if current is not None else (None, None)
        parts = []
        for mine, now, one, many, plain in (
                (len(result.sites), sites, tr("1 distribution site"), tr("{n} distribution sites"),
                 tr("distribution sites")),
                (len(result.outlets), outlets, tr("1 service outlet"), tr("{n} service outlets"),
                 tr("service outlets"))):
            if mine:
                parts.append(plain if now is None else one if now == 1 else
                             many.format(n=f"{now:,}"))
        what = tr("{a} and {b}").format(a=parts[0], b=parts[1]) if len(parts) == 2 else \
            (parts[0] if parts else tr("the sites"))
        add = QRadioButton(tr("Add them to the {what} now in the scenario").format(what=what))
        replace = QRadioButton(tr("Replace the {what} now in the scenario with them").format(
            what=what))
        add.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(add)
        group.addButton(replace)
        return add, replace

    def _other_choice(self) -> None:
        """Keep or empty the layer the file lacks: a question only when replacing."""
        for b in (self.keep, self.empty):
            b.setEnabled(self.replace.isChecked())

    def adds(self) -> bool:
        return self.add.isChecked()

    def _crs_row(self, result: ImportResult) -> QFormLayout:
        """The coordinate system the file was read in; choosing another one reads it again
        (Chinese web maps give GCJ-02 or BD-09, a few hundred metres off WGS84)."""
        row = QFormLayout()
        self.crs = QComboBox()
        for key, label in (("wgs84", tr("WGS84 (GPS, most files)")),
                           ("gcj02", tr("GCJ-02 (Gaode/Amap, Tencent)")),
                           ("bd09", tr("BD-09 (Baidu)"))):
            self.crs.addItem(label, key)
        self.crs.setCurrentIndex(max(self.crs.findData(result.crs), 0))
        row.addRow(tr("Coordinates"), self.crs)
        self.crs_hint = QLabel("\n".join(result.hints))
        self.crs_hint.setTextFormat(Qt.TextFormat.PlainText)  # file names are data
        self.crs_hint.setWordWrap(True)
        self.crs_hint.setStyleSheet("color:#8a5a00")
        self.crs_hint.setVisible(bool(result.hints))
        row.addRow(self.crs_hint)
        return row

    def chosen_crs(self) -> str:
        return str(self.crs.currentData())

    @staticmethod
    def _encoding_box(result: ImportResult) -> QComboBox:
        """Text encoding: the detected one, or the user's choice (names look garbled)."""
        box = QComboBox()
        box.addItem(tr("Text encoding: detected"), None)
        for enc in ENCODINGS:
            box.addItem(tr("Text encoding: {name}").format(name=enc.upper()), enc)
        known = box.findData(result.source.encoding) if result.source.encoding else 0
        box.setCurrentIndex(max(known, 0))
        box.setToolTip(tr("Names look garbled? Read the file again in another encoding"))
        box.setVisible(result.path.suffix.lower() in TEXT_SUFFIXES)
        return box

    def source(self) -> Source:
        """The layer it was read from, with the encoding now chosen."""
        return Source(self.result.source.layer, self.encoding.currentData())

    def rows_to_import(self) -> int:
        """Valid rows, plus the swappable ones when "swap" is ticked."""
        swap = self.swap.isChecked() and not self.result.swapped
        return self.result.imported + (self.result.swappable if swap else 0)

    def _count(self) -> None:
        n = self.rows_to_import()
        self.import_btn.setText(tr("Import 1 valid row") if n == 1 else
                                tr("Import {n} valid rows").format(n=f"{n:,}"))
        self.import_btn.setEnabled(n > 0)
        text = ""
        if n == 0:
            text = tr("No row can be imported: every row has a problem listed above.")
            if self.result.swappable:
                text += " " + tr("Tick the swap box to import the {n} rows whose coordinates "
                                 "look swapped.").format(n=f"{self.result.swappable:,}")
        self.nothing.setText(text)
        self.nothing.setVisible(bool(text))

    @staticmethod
    def columns_text(result: ImportResult) -> str:
        labels = {"lat": tr("Latitude"), "lon": tr("Longitude"), "name": tr("Name"),
                  "type": tr("Type"), "province": tr("Province"), "id": tr("ID")}
        cols = result.columns
        parts = [f"{labels[k]} ← {getattr(cols, k)!s}" if getattr(cols, k) else
                 f"{labels[k]} ← {tr('(none)')}" for k in labels]
        return tr("Recognised columns: {columns}").format(columns=", ".join(parts))

    @staticmethod
    def _preview_table(result: ImportResult) -> QTableWidget:
        """The first valid rows as they will be imported."""
        import pandas as pd

        both = pd.concat([result.sites.assign(kind_label=tr("Distribution site")),
                          result.outlets.assign(kind_label=tr("Service outlet"))], ignore_index=True)
        rows = both.head(PREVIEW_ROWS)
        t = QTableWidget(len(rows), 5)
        t.setHorizontalHeaderLabels([tr("Type"), tr("Name"), tr("Latitude"), tr("Longitude"),
                                     tr("Province")])
        for r, row in enumerate(rows.itertuples()):
            for c, value in enumerate((row.kind_label, str(row.name), f"{row.lat:.5f}",
                                       f"{row.lon:.5f}", str(row.province))):
                t.setItem(r, c, QTableWidgetItem(value))
        t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        t.verticalHeader().hide()
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        t.setMaximumHeight(40 + 26 * max(1, len(rows)))
        return t

    @staticmethod
    def _issue_table(result: ImportResult) -> QTableWidget:
        """Skipped rows first, then rows imported with a warning (e.g. a province column
        that disagrees with the coordinates)."""
        shown = (tuple(result.issues) + tuple(result.notes))[:MAX_ROWS_SHOWN]
        t = QTableWidget(len(shown), 4)
        t.setHorizontalHeaderLabels([tr("File"), tr("Row"), tr("Column"), tr("Problem")])
        for r, issue in enumerate(shown):
            for c, value in enumerate((issue.file, str(issue.row), issue.column, issue.problem)):
                t.setItem(r, c, QTableWidgetItem(value))  # items show plain text
        t.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        t.verticalHeader().hide()
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        return t

    def other(self) -> str:
        return "empty" if self.empty.isChecked() else "keep"
