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


@pytest.fixture
def window(qapp):
    """A fresh main window on the small scenario, drawn; a test file with other needs
    defines its own ``window``."""
    from tests.qt_helpers import close_window, open_window

    w = open_window(SMALL_SCENARIO)
    yield w
    close_window(w)


@pytest.fixture(autouse=True)
def message_boxes(request, monkeypatch):
    """Modal message boxes would block an offscreen test run: record them instead.

    ``question`` answers Discard, so closing a window with unsaved changes never waits.
    Only tests marked ``qt`` touch Qt: the fast subset (``-m "not qt"``) never imports it.
    """
    shown: list[tuple[str, str, str]] = []
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
