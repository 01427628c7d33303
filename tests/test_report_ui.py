"""File > Export report pack in the window: the dialog's choice runs in the
background with progress and Cancel; a bad path is one warning and nothing written."""
from __future__ import annotations

import openpyxl
import pytest
from pypdf import PdfReader

from reach_planner.geo.params import ScenarioParams
from reach_planner.ui.report_dialog import ReportDialog
from tests.qt_helpers import close_window, open_window, wait_until

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qapp):
    w = open_window(ScenarioParams(outlets=2000, sites=300, cell_km=20.0))
    yield w
    close_window(w)


def answer(monkeypatch, *choices):
    """The dialog 'shows' once per choice: (pdf path or None to cancel, format, xlsx)."""
    queue = list(choices)

    def exec_(self):
        if not queue:
            return False
        path, fmt, xlsx = queue.pop(0)
        self.fmt.setCurrentIndex(self.fmt.findData(fmt))
        self.path.setText(str(path))
        self.with_xlsx.setChecked(xlsx is not None)
        if xlsx is not None:
            self.xlsx.setText(str(xlsx))
        return True

    monkeypatch.setattr(ReportDialog, "exec", exec_)


def test_menu_entry_writes_pdf_and_workbook(window, tmp_path, monkeypatch):
    assert window.report_action in window.file_menu.actions()
    pdf, xlsx = tmp_path / "pack.pdf", tmp_path / "pack.xlsx"
    answer(monkeypatch, (pdf, "pdf", xlsx))
    seen = []
    window.progress.valueChanged.connect(seen.append)
    window.report_action.trigger()
    assert not window.report_action.isEnabled() and window.cancel_btn.isVisible()
    assert wait_until(lambda: window.report_action.isEnabled(), 300)
    assert len(PdfReader(pdf).pages) == 33
    assert openpyxl.load_workbook(xlsx)["provinces"].max_row == 32
    assert seen and max(seen) >= 90  # the status bar showed the pages going by
    assert not window.cancel_btn.isVisible()


def test_cancel_writes_nothing(window, tmp_path, monkeypatch):
    answer(monkeypatch, (tmp_path / "pack.pdf", "pdf", tmp_path / "pack.xlsx"))
    window.report_action.trigger()
    assert wait_until(lambda: window.progress.value() > 5, 120)
    window.cancel_btn.click()
    assert wait_until(lambda: window.report_action.isEnabled(), 120)
    assert "nothing was written" in window.statusBar().currentMessage()
    assert list(tmp_path.iterdir()) == []


def test_bad_path_is_one_warning_then_the_dialog_again(window, tmp_path, monkeypatch, message_boxes):
    answer(monkeypatch, (tmp_path / "missing" / "pack.pdf", "pdf", None),
           (tmp_path / "pack.docx", "pdf", None))
    window.report_action.trigger()
    kinds = [m[0] for m in message_boxes]
    assert kinds == ["warning", "warning"]
    assert "does not exist" in message_boxes[0][2] and "unsupported" in message_boxes[1][2]
    assert window.report_action.isEnabled() and list(tmp_path.iterdir()) == []
