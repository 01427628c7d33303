"""File > Export print map: page, orientation, DPI, language, inset; PNG, PDF or SVG."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from reach_planner.ui.dialogs import SaveFileDialog
from reach_planner.ui.i18n import current_language, tr
from reach_planner.ui.maps.printmap import PrintOptions, check_output

KEY = "print/last_folder"


class PrintDialog(SaveFileDialog):
    def __init__(self, parent: QWidget | None) -> None:
        folder = str(QSettings().value(KEY, str(Path.home())))
        super().__init__(parent, tr("Export print map"), str(Path(folder) / "reach-report.pdf"),
                         tr("File (.png, .pdf, .svg)"), "PDF (*.pdf);;PNG (*.png);;SVG (*.svg)")
        self.page = QComboBox()
        self.page.addItems(["A4", "A3"])
        self.orientation = QComboBox()
        self.orientation.addItem(tr("Landscape"), "landscape")
        self.orientation.addItem(tr("Portrait"), "portrait")
        self.dpi = QComboBox()
        for d in (150, 300, 600):
            self.dpi.addItem(f"{d} dpi", d)
        self.dpi.setCurrentIndex(1)
        self.lang = QComboBox()
        self.lang.addItem("English", "en")
        self.lang.addItem("中文", "zh")
        self.lang.setCurrentIndex(1 if current_language() == "zh" else 0)
        self.inset = QCheckBox(tr("South China Sea inset"))
        self.inset.setChecked(True)
        self.title = QLineEdit()
        self.title.setPlaceholderText(tr("Default title"))
        for label, w in ((tr("Page"), self.page), (tr("Orientation"), self.orientation),
                         (tr("Resolution"), self.dpi), (tr("Labels"), self.lang),
                         (tr("Title"), self.title)):
            self.form.addRow(label, w)
        self.form.addRow(self.inset)
        self.add_buttons()

    def choice(self) -> tuple[Path, PrintOptions]:
        path, _fmt = check_output(self.path.text())
        opts = PrintOptions(page=self.page.currentText(), orientation=self.orientation.currentData(),
                            dpi=int(self.dpi.currentData()), lang=self.lang.currentData(),
                            title=self.title.text().strip() or None,
                            inset=self.inset.isChecked())
        return path, opts


def remember_print_folder(path: Path) -> None:
    """Called once a print map was written: a failed target is never suggested again."""
    QSettings().setValue(KEY, str(Path(path).parent))
