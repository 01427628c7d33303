"""File > Export print map: page, orientation, DPI, language, inset; PNG, PDF or SVG."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget)

from ui.i18n import current_language, tr
from ui.printmap import PrintOptions, check_output

KEY = "print/last_folder"


class PrintDialog(QDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Export print map"))
        folder = str(QSettings().value(KEY, str(Path.home())))
        self.path = QLineEdit(str(Path(folder) / "reach-report.pdf"))
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
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
        form = QFormLayout(self)
        form.addRow(tr("File (.png, .pdf, .svg)"), row)
        form.addRow(tr("Page"), self.page)
        form.addRow(tr("Orientation"), self.orientation)
        form.addRow(tr("Resolution"), self.dpi)
        form.addRow(tr("Labels"), self.lang)
        form.addRow(tr("Title"), self.title)
        form.addRow(self.inset)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, tr("Export print map"), self.path.text(),
                                              "PDF (*.pdf);;PNG (*.png);;SVG (*.svg)")
        if name:
            self.path.setText(name)

    def choice(self) -> tuple[Path, PrintOptions]:
        path, _fmt = check_output(self.path.text())
        opts = PrintOptions(page=self.page.currentText(), orientation=self.orientation.currentData(),
                            dpi=int(self.dpi.currentData()), lang=self.lang.currentData(),
                            title=self.title.text().strip() or None,
                            inset=self.inset.isChecked())
        QSettings().setValue(KEY, str(path.parent))
        return path, opts
