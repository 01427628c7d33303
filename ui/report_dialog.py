"""File > Export report pack: PDF (or PNG pages), language, page, resolution, and an
Excel workbook beside it. Paths are checked here, before any drawing starts."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from reach_planner.ui.dialogs import SaveFileDialog
from reach_planner.ui.i18n import current_language, tr
from reach_planner.ui.report.options import ReportOptions
from reach_planner.ui.report.pack import check_report_target
from reach_planner.ui.report.workbook import check_xlsx_target

KEY = "report/last_folder"


class ReportDialog(SaveFileDialog):
    def __init__(self, parent: QWidget | None) -> None:
        folder = Path(str(QSettings().value(KEY, str(Path.home()))))
        super().__init__(parent, tr("Export report pack"), str(folder / "reach-report-pack.pdf"),
                         tr("PDF file, or folder for PNG pages"), "PDF (*.pdf)")
        self.fmt = QComboBox()
        self.fmt.addItem(tr("PDF, one file"), "pdf")
        self.fmt.addItem(tr("PNG, one image per page"), "png")
        self.fmt.currentIndexChanged.connect(self._format_changed)
        self.lang = QComboBox()
        self.lang.addItem("English", "en")
        self.lang.addItem("中文", "zh")
        self.lang.setCurrentIndex(1 if current_language() == "zh" else 0)
        self.page = QComboBox()
        self.page.addItems(["A4", "A3"])
        self.dpi = QComboBox()
        for d in (150, 300):
            self.dpi.addItem(f"{d} dpi", d)
        self.with_xlsx = QCheckBox(tr("Also write an Excel workbook"))
        self.with_xlsx.setChecked(True)
        self.xlsx = QLineEdit(str(folder / "reach-report-pack.xlsx"))
        self.with_xlsx.toggled.connect(self.xlsx.setEnabled)
        # The workbook follows the PDF (same folder and name) until the planner edits it (23.21)
        self._xlsx_follows = True
        self.xlsx.textEdited.connect(self._xlsx_edited)
        self.path.textChanged.connect(self._follow_path)
        for label, w in ((tr("Format"), self.fmt), (tr("Language"), self.lang),
                         (tr("Page"), self.page), (tr("Resolution"), self.dpi)):
            self.form.addRow(label, w)
        self.form.addRow(self.with_xlsx)
        self.form.addRow(tr("Workbook (.xlsx)"), self.xlsx)
        self.add_buttons()

    def _xlsx_edited(self, _text: str) -> None:
        self._xlsx_follows = False

    def _follow_path(self, text: str) -> None:
        text = text.strip()
        if self._xlsx_follows and text:
            path = Path(text)
            stem = path.with_suffix("") if path.suffix.lower() == ".pdf" else path
            self.xlsx.setText(str(stem) + ".xlsx")

    def _format_changed(self) -> None:
        """PNG pages go into a folder: drop the .pdf suffix the default name had."""
        path = Path(self.path.text())
        if self.fmt.currentData() == "png" and path.suffix.lower() == ".pdf":
            self.path.setText(str(path.with_suffix("")))
        elif self.fmt.currentData() == "pdf" and not path.suffix:
            self.path.setText(str(path.with_suffix(".pdf")))

    def choice(self) -> tuple[Path, ReportOptions, Path | None]:
        """The checked destination, options and workbook path; ValueError names a bad one."""
        opts = ReportOptions(lang=self.lang.currentData(), page=self.page.currentText(),
                             dpi=int(self.dpi.currentData()), fmt=self.fmt.currentData())
        path = check_report_target(self.path.text().strip(), opts.fmt)
        xlsx = check_xlsx_target(self.xlsx.text().strip()) if self.with_xlsx.isChecked() else None
        QSettings().setValue(KEY, str(path.parent))
        return path, opts, xlsx
