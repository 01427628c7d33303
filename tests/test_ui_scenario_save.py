"""Save and Open in the window (issue 19, items 5 and 6): a file changed on disk since it was
opened asks Overwrite / Save as / Cancel (clicked with real mouse events); Save runs on the
task runner; a damaged file is shown as plain text and the current work stays."""
from __future__ import annotations

import threading
import time

import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario_file import load_scenario, save_scenario
from tests.qt_helpers import close_window, idle, open_window, wait_until

pytestmark = [pytest.mark.qt, pytest.mark.real_boxes]


@pytest.fixture
def window(qapp):
    w = open_window(ScenarioParams(outlets=3000, sites=300))
    yield w
    close_window(w)


def answer_box(button_text: str | None, seen: list) -> None:
    """When a modal message box shows: record its text and format, then click the button
    whose text starts with ``button_text`` (None: the box's only button)."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    def poll(tries: int = 1000) -> None:  # gives up after ~30 s, so no stray click later
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if tries:
                QTimer.singleShot(30, lambda: poll(tries - 1))
            return
        seen.append((box.text(), box.textFormat(), [b.text() for b in box.buttons()]))
        buttons = box.buttons()
        target = buttons[0] if button_text is None else next(
            b for b in buttons if b.text().replace("&", "").startswith(button_text))
        QTest.mouseClick(target, Qt.MouseButton.LeftButton)

    QTimer.singleShot(30, poll)


def opened(window, tmp_path, seed=11):
    path = save_scenario(tmp_path / "shared.rpscenario.json", ScenarioParams(seed=seed, outlets=3000, sites=300))
    window.open_scenario(path)
    assert wait_until(lambda: idle(window) and window.state.path == path, 60)
    return path


def colleague_saves(path):
    save_scenario(path, ScenarioParams(seed=77, outlets=1234, sites=300))
    return path.read_bytes()


@pytest.mark.parametrize("choice", ["Cancel", "Overwrite"])
def test_save_over_a_colleagues_newer_file_asks(window, tmp_path, choice):
    from PySide6.QtCore import Qt

    path = opened(window, tmp_path)
    theirs = colleague_saves(path)
    seen: list = []
    answer_box(choice, seen)
    saved = window.save_scenario()
    assert len(seen) == 1 and "changed on disk" in seen[0][0]
    assert seen[0][1] == Qt.TextFormat.PlainText
    if choice == "Cancel":
        assert not saved and path.read_bytes() == theirs
    else:
        assert saved and load_scenario(path).params.seed == 11
        assert not window.state.dirty


def test_save_as_keeps_the_colleagues_file(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    path = opened(window, tmp_path)
    theirs = colleague_saves(path)
    mine = tmp_path / "mine.rpscenario.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(mine), "")))
    seen: list = []
    answer_box("Save as", seen)
    assert window.save_scenario()
    assert path.read_bytes() == theirs and load_scenario(mine).params.seed == 11
    assert window.state.path == mine


def test_an_unchanged_file_saves_without_asking_and_off_the_gui_thread(window, tmp_path, monkeypatch):
    from PySide6.QtCore import QTimer

    from reach_planner.ui import file_actions

    path = opened(window, tmp_path)
    real, where, ticks = file_actions.save_scenario, {}, []

    def slow_save(*args, **kwargs):
        where["thread"] = threading.current_thread()
        time.sleep(0.5)  # like 1 M outlets: the window must keep running meanwhile
        where["end"] = time.monotonic()
        return real(*args, **kwargs)

    monkeypatch.setattr(file_actions, "save_scenario", slow_save)
    QTimer.singleShot(100, lambda: ticks.append(time.monotonic()))
    assert window.save_scenario()
    assert where["thread"] is not threading.main_thread()
    assert ticks and ticks[0] < where["end"]  # the GUI thread ran a timer during the save
    assert load_scenario(path).params.seed == 11


def test_opening_a_damaged_file_shows_plain_lines_and_keeps_the_work(window, tmp_path):
    from PySide6.QtCore import Qt

    before_path, before_result = window.state.path, window.state.result
    bad = tmp_path / "<b>bad<i>.json"  # markup in the name stays text
    bad.write_text('{"format": "reach-planner-scenario", "version": 1, "params": {"seed": '
                   + "9" * 5000 + '}, "imported": {"outlets": [{"site_id": "a", "name": "x", '
                   '"lon": 0, "lat": 0, "gb_code": 11}]}}', encoding="utf-8")
    seen: list = []
    answer_box(None, seen)
    window.open_scenario(bad)  # read on the task runner: the box comes when the read fails
    from tests.qt_helpers import wait_until

    assert wait_until(lambda: len(seen) == 1, 30)
    text, fmt, _buttons = seen[0]
    assert fmt == Qt.TextFormat.PlainText and text.count(str(bad)) == 2
    assert "params.seed" in text and "imported.outlets[0]" in text
    assert window.state.path == before_path and window.state.result is before_result
