"""File > Export map image: where, which scale, which title. Remembers the last folder."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from reach_planner.ui.dialogs import SaveFileDialog
from reach_planner.ui.export import check_output
from reach_planner.ui.i18n import tr

SETTINGS_KEY = "export/last_folder"


def last_folder() -> str:
    """The folder last exported to, else Pictures, else home: the first that exists.

    A new account often has no ~/Pictures, and the first export failed there (23.12).
    """
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    for folder in (QSettings().value(SETTINGS_KEY, ""), pictures, str(Path.home())):
        if folder and Path(str(folder)).is_dir():
            return str(folder)
    return str(Path.cwd())


def remember_folder(path: Path) -> None:
    QSettings().setValue(SETTINGS_KEY, str(path.parent))


class ExportDialog(SaveFileDialog):
    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent, tr("Export map image"), str(Path(last_folder()) / "reach-map.png"),
                         tr("File (.png, .jpg, .pdf)"),
                         tr("PNG image (*.png);;JPEG image (*.jpg *.jpeg);;PDF document (*.pdf)"))
        self.scale = QComboBox()
        self.scale.addItems(["1x", "2x", "3x"])
        self.scale.setCurrentIndex(1)
        self.title = QLineEdit(title)
        self.form.addRow(tr("Pixel scale"), self.scale)
        self.form.addRow(tr("Title"), self.title)
        self.add_buttons()

    def choice(self) -> tuple[Path, str, int, str]:
        path, fmt = check_output(self.path.text())
        return path, fmt, self.scale.currentIndex() + 1, self.title.text().strip()
