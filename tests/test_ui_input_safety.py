"""Issue 19 in the window: opening never blocks it, and the import dialog offers GCJ-02/BD-09."""
from __future__ import annotations

import os
import threading

import pytest

from reach_planner.geo.params import ScenarioParams
from tests.qt_helpers import close_window, idle, open_window, wait_until

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qapp):
    w = open_window(ScenarioParams(outlets=3000, sites=300))
    yield w
    close_window(w)


def _release_later(pipe, started: threading.Event, released: threading.Event) -> threading.Thread:
    """Opens the FIFO for writing after a pause: the only thing that unblocks a reader
    stuck in open(). The old code read in the GUI thread, so open_scenario returned only
    after this; the fixed one returns at once and never opens the FIFO."""
    def run() -> None:
        started.wait()
        threading.Event().wait(4.0)
        released.set()
        try:
            fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            os.write(fd, b"not a raster")
            os.close(fd)
        except OSError:
            pass  # nobody is reading: nothing was blocked

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_opening_a_fifo_as_scenario_never_blocks_the_window(window, tmp_path, message_boxes):
    path = tmp_path / "s.rpscenario.json"
    os.mkfifo(path)
    started, released = threading.Event(), threading.Event()
    writer = _release_later(path, started, released)
    started.set()
    window.open_scenario(path)
    assert not released.is_set()  # returned before anything could unblock a read
    assert wait_until(lambda: bool(message_boxes) and idle(window), 30)
    kind, _title, text = message_boxes[-1]
    assert kind == "warning" and "is a named pipe (FIFO), not a regular file" in text
    assert window.state.path is None and window.controls.outlets.text() == "3000"
    writer.join(10)


def test_a_scenario_and_its_demand_file_are_read_on_the_task_runner(window, tmp_path, monkeypatch,
                                                                    message_boxes):
    """The demand file a scenario names may be a large raster: reading it (load_scenario
    reads it again) must not run in the GUI thread."""
    from reach_planner.geo.scenario_file import load_scenario, save_scenario
    from reach_planner.ui import file_actions

    path = tmp_path / "s.rpscenario.json"
    save_scenario(path, ScenarioParams(outlets=1234, sites=200))
    threads = []

    def recording(p):
        threads.append(threading.current_thread() is threading.main_thread())
        return load_scenario(p)

    monkeypatch.setattr(file_actions, "load_scenario", recording)
    window.open_scenario(path)
    assert wait_until(lambda: idle(window) and window.state.path == path, 60)
    assert threads == [False] and window.controls.outlets.text() == "1234"


def test_the_import_dialog_reads_the_file_again_in_gcj02(window, tmp_path, monkeypatch):
    from reach_planner.geo.chinacrs import wgs84_to_gcj02
    from reach_planner.ui import import_dialog

    glon, glat = wgs84_to_gcj02(116.4, 39.9)
    f = tmp_path / "gaode.csv"
    f.write_text(f"name,lat,lon\nA,{glat:.8f},{glon:.8f}\n", encoding="utf-8")
    seen = []

    def answer(self):
        seen.append((self.result.crs, self.crs_hint.isVisibleTo(self), self.crs_hint.text()))
        if self.result.crs == "wgs84":
            self.crs.setCurrentIndex(self.crs.findData("gcj02"))
        return 1

    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec", answer)
    window.import_file(f)
    assert wait_until(lambda: window.state.overlay is not None and idle(window), 60)
    assert [s[0] for s in seen] == ["wgs84", "gcj02"]
    assert seen[0][1] and "gaode" in seen[0][2] and not seen[1][1]
    out = window.state.overlay.outlets
    assert out["lat"].iloc[0] == pytest.approx(39.9, abs=1e-6)
    assert out["lon"].iloc[0] == pytest.approx(116.4, abs=1e-6)


def test_a_web_map_demand_file_asks_which_coordinates(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from reach_planner.geo.chinacrs import wgs84_to_gcj02

    glon, glat = wgs84_to_gcj02(116.4, 39.9)
    f = tmp_path / "gaode_orders.csv"
    f.write_text(f"lat,lon,orders\n{glat},{glon},50\n", encoding="utf-8")
    asked = []

    def pick(parent, title, label, items, current, editable):
        asked.append(label)
        return [i for i in items if i.startswith("GCJ-02")][0], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick))
    window.import_demand_file(f)
    assert wait_until(lambda: idle(window) and window.state.overlay is not None
                      and window.state.overlay.demand is not None, 60)
    assert len(asked) == 1 and "gaode" in asked[0]  # asked once: the GCJ-02 read has no hint
    assert window.state.overlay.demand.source["crs"] == "gcj02"
