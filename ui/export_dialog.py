"""File > Export map image: where, which scale, which title. Remembers the last folder."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLineEdit, QPushButton, QWidget)

from ui.export import check_output
from ui.i18n import tr

SETTINGS_KEY = "export/last_folder"


def last_folder() -> str:
    default = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return str(QSettings().value(SETTINGS_KEY, default or str(Path.home())))


def remember_folder(path: Path) -> None:
    QSettings().setValue(SETTINGS_KEY, str(path.parent))


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Export map image"))
        self.path = QLineEdit(str(Path(last_folder()) / "reach-map.png"))
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.scale = QComboBox()
        self.scale.addItems(["1x", "2x", "3x"])
        self.scale.setCurrentIndex(1)
        self.title = QLineEdit(title)
        form = QFormLayout(self)
        form.addRow(tr("File (.png, .jpg, .pdf)"), row)
        form.addRow(tr("Pixel scale"), self.scale)
        form.addRow(tr("Title"), self.title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, tr("Export map image"), self.path.text(),
            tr("PNG image (*.png);;JPEG image (*.jpg *.jpeg);;PDF document (*.pdf)"))
        if name:
            self.path.setText(name)

    def choice(self) -> tuple[Path, str, int, str]:
        path, fmt = check_output(self.path.text())
        return path, fmt, self.scale.currentIndex() + 1, self.title.text().strip()
