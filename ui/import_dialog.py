"""Import sites: column mapping when names are not recognised, then the validation
report with the choice to import the valid rows (and to swap lat/lon where they look
swapped). Nothing changes in the scenario until the user says Import."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reach_planner.geo.sites_io import SUFFIXES as READERS
from reach_planner.geo.sites_io import ColumnMap, ImportResult
from reach_planner.ui.i18n import tr

SUFFIXES = tuple(READERS)  # what the readers take: the dialog, drops and the CLI agree
MAX_ROWS_SHOWN = 1000


def file_filter() -> str:
    patterns = " ".join(f"*{s}" for s in SUFFIXES)
    return tr("Site lists ({patterns})").format(patterns=patterns)


class ColumnMappingDialog(QDialog):
    """Pick which columns hold latitude, longitude, name and type."""

    FIELDS = ("lat", "lon", "name", "type")

    def __init__(self, parent: QWidget | None, file_name: str, columns: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Choose columns"))
        form = QFormLayout(self)
        hint = QLabel(tr("{file}: the coordinate columns were not recognised. Which columns "
                         "hold them?").format(file=file_name))
        hint.setWordWrap(True)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def mapping(self) -> ColumnMap:
        return ColumnMap(**{k: self.boxes[k].currentData() for k in self.FIELDS})


class ImportReportDialog(QDialog):
    """What would be imported and what would be skipped (file, row, column, problem)."""

    def __init__(self, parent: QWidget | None, result: ImportResult) -> None:
        super().__init__(parent)
        self.result = result
        self.setWindowTitle(tr("Import sites — {file}").format(file=result.path.name))
        lay = QVBoxLayout(self)
        head = QLabel(tr("{rows} rows read: {sites} distribution sites and {outlets} service "
                         "outlets are valid, {skipped} rows would be skipped.").format(
            rows=f"{result.rows_read:,}", sites=f"{len(result.sites):,}",
            outlets=f"{len(result.outlets):,}", skipped=f"{result.skipped:,}"))
        if result.swapped:
            head.setText(head.text() + " " + tr("Latitude and longitude were swapped in {n} "
                                                "rows.").format(n=f"{result.swapped:,}"))
        head.setWordWrap(True)
        lay.addWidget(head)
        self.table = self._issue_table(result)
        lay.addWidget(self.table, 1)
        self.swap = QCheckBox(tr("Swap latitude and longitude in the {n} rows where they look "
                                 "swapped").format(n=f"{result.swappable:,}"))
        self.swap.setVisible(result.swappable > 0)
        lay.addWidget(self.swap)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_btn = buttons.addButton(
            tr("Import {n} valid rows").format(n=f"{result.imported:,}"),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_btn.setEnabled(result.imported > 0 or result.swappable > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(760, 480)

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
