"""Shared dialog shape: a file row (path + Browse…) on top, options, Save / Cancel."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from reach_planner.ui.i18n import tr


class SaveFileDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, default_path: str, file_label: str,
                 file_filter: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._filter = file_filter
        self.path = QLineEdit(default_path)
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.form = QFormLayout(self)
        self.form.addRow(file_label, row)

    def add_buttons(self) -> None:
        """Call after the option rows: Save / Cancel go last."""
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), self.path.text(),
                                              self._filter)
        if name:
            self.path.setText(name)
