"""Test setup: Qt runs offscreen, and Chromium needs --no-sandbox when run as root."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()

# Tests must not read or write the user's real settings (QSettings -> XDG config).
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="reach-planner-test-config-")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import pytest  # noqa: E402

from reach_planner.geo.params import ScenarioParams  # noqa: E402

# The small scenario most window tests share (3,000 outlets: the map draws in a second).
SMALL_SCENARIO = ScenarioParams(outlets=3000, sites=300, seed=5)


@pytest.fixture(scope="session")
def qapp_cls():
    """pytest-qt's QApplication, made after the map view's URL scheme is declared
    (Chromium only accepts a custom scheme before the application exists)."""
    from PySide6.QtWidgets import QApplication

    from reach_planner.ui.webscheme import register_map_scheme

    register_map_scheme()
    return QApplication


@pytest.fixture
def window(qapp):
    """A fresh main window on the small scenario, drawn; a test file with other needs
    defines its own ``window``."""
    from tests.qt_helpers import close_window, open_window

    w = open_window(SMALL_SCENARIO)
    yield w
    close_window(w)


class Shown(list):
    """(kind, title, text) of each message box shown; ``boxes``: the ``ui.messages`` boxes."""

    def __init__(self) -> None:
        super().__init__()
        self.boxes: list = []


@pytest.fixture(autouse=True)
def message_boxes(request, monkeypatch):
    """Modal message boxes would block an offscreen test run: record them instead.

    ``question`` answers Discard, so closing a window with unsaved changes never waits.
    Only tests marked ``qt`` touch Qt: the fast subset (``-m "not qt"``) never imports it.
    """
    shown = Shown()
    if request.node.get_closest_marker("qt") is None:
        yield shown
        return
    try:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QMessageBox
    except ImportError:  # pragma: no cover - core-only environments
        yield shown
        return
    QSettings().clear()  # each Qt test starts from fresh settings: no order dependence

    def record(kind, answer=None):
        def fn(parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return answer if answer is not None else QMessageBox.StandardButton.Ok
        return staticmethod(fn)

    monkeypatch.setattr(QMessageBox, "warning", record("warning"))
    monkeypatch.setattr(QMessageBox, "information", record("information"))
    monkeypatch.setattr(QMessageBox, "about", record("about"))
    monkeypatch.setattr(QMessageBox, "question",
                        record("question", QMessageBox.StandardButton.Discard))
    # ui.messages shows plain-text boxes with exec(): recorded the same way
    kinds = {QMessageBox.Icon.Warning: "warning", QMessageBox.Icon.Information: "information",
             QMessageBox.Icon.Question: "question", QMessageBox.Icon.NoIcon: "about"}

    def run(box):
        kind = kinds.get(box.icon(), "warning")
        shown.append((kind, box.windowTitle(), box.text()))
        boxes.append(box)
        answer = QMessageBox.StandardButton.Discard if kind == "question" else QMessageBox.StandardButton.Ok
        return answer.value

    boxes = shown.boxes  # the boxes themselves, for their text format
    if request.node.get_closest_marker("real_boxes") is None:  # those tests click the real box
        monkeypatch.setattr(QMessageBox, "exec", run)
    yield shown


# The fast subset (`pytest -m "not qt and not slow"`) is the unit tests; these modules and
# every command-line test run whole verbs end to end and belong to the full run only.
SLOW_MODULES = frozenset({
    "test_package", "test_report", "test_report_workbook", "test_recommend_cli",
    "test_recommend_decisions", "test_recommend_solvers", "test_export_data", "test_printmap",
    "test_bundle_font", "test_bundle_shrink", "test_writes", "test_map_package", "test_recommend",
    "test_siting_terrain", "test_siting_v2",
})
SLOW_WORDS = ("cli", "round_trip")


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.path.stem
        if module in SLOW_MODULES or any(w in item.name.lower() for w in SLOW_WORDS):
            item.add_marker(pytest.mark.slow)
