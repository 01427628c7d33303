"""The task runner: results, progress, cancel, superseded jobs dropped, typed errors, and the
pool-thread PROJ crash regression."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.qt_helpers import wait_until

pytestmark = pytest.mark.qt

REUSE_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer
from reach_planner.ui.runner import Task
app = QCoreApplication([])
pool = QThreadPool()
pool.setMaxThreadCount(1)  # every task reuses the same OS thread
done = []
def job(progress):
    import geopandas as gpd
    from shapely.geometry import Point
    return len(gpd.GeoDataFrame(geometry=[Point(116, 40)], crs="EPSG:4326").to_crs(3857))
tasks = []
for _ in range(4):
    t = Task(job)
    t.signals.done.connect(done.append)
    tasks.append(t)
    pool.start(t)
QTimer.singleShot(20000, app.quit)
def check():
    if len(done) == 4:
        app.quit()
    else:
        QTimer.singleShot(50, check)
check()
app.exec()
print("done", len(done))
"""


def test_pool_threads_can_run_many_pyproj_tasks():
    p = subprocess.run([sys.executable, "-c", REUSE_SCRIPT.format(root=str(ROOT))],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "done 4" in p.stdout


def gated_job(gate, value, started=None):
    """A job that waits for ``gate`` (a threading.Event) and then returns ``value``."""
    def job(progress):
        if started is not None:
            started.set()
        gate.wait(10)
        return value
    return job


def test_runner_reports_result_progress_and_busy(qapp):
    from reach_planner.ui.runner import TaskRunner

    runner = TaskRunner()
    seen, results, busy = [], [], []
    runner.progressChanged.connect(lambda pct, text: seen.append(pct))
    runner.busyChanged.connect(busy.append)

    def job(progress):
        for i in range(5):
            progress(i * 20, f"step {i}")
        return 42

    runner.start("work", job, done=results.append)
    assert runner.busy and runner.running("work")
    assert wait_until(lambda: results == [42], 10)
    assert seen == [0, 20, 40, 60, 80]
    assert busy == [True, False] and not runner.busy


def test_a_newer_job_in_the_same_slot_supersedes_the_older(qapp):
    import threading

    from reach_planner.ui.runner import TaskRunner

    runner = TaskRunner()
    landed = []
    first_gate, second_gate = threading.Event(), threading.Event()
    runner.start("recommend", gated_job(first_gate, "first"), done=landed.append)
    runner.start("recommend", gated_job(second_gate, "second"), done=landed.append)
    second_gate.set()
    assert wait_until(lambda: landed == ["second"], 10)
    first_gate.set()  # the older job ends late: its result must be dropped
    assert wait_until(lambda: runner.settled, 10)
    assert landed == ["second"] and not runner.busy


def test_stale_slots_are_dropped_by_a_new_job(qapp):
    import threading

    from reach_planner.ui.runner import TaskRunner

    runner = TaskRunner()
    landed = []
    gate = threading.Event()
    runner.start("recommend", gated_job(gate, "rec"), done=landed.append)
    runner.start("recompute", lambda progress: "scenario", done=landed.append,
                 stale=("recommend",))
    assert wait_until(lambda: landed == ["scenario"], 10)
    gate.set()
    assert wait_until(lambda: runner.settled, 10)
    assert landed == ["scenario"]


def test_cancel_drops_the_result_and_ends_busy(qapp):
    import threading

    from reach_planner.ui.runner import TaskRunner

    runner = TaskRunner()
    landed, busy = [], []
    runner.busyChanged.connect(busy.append)
    gate, started = threading.Event(), threading.Event()
    runner.start("import", gated_job(gate, "late", started), done=landed.append)
    assert started.wait(10)
    assert runner.cancel("import") and not runner.busy
    gate.set()
    assert wait_until(lambda: runner.settled, 10)
    assert landed == [] and busy == [True, False]


def test_errors_cross_as_typed_exception_objects(qapp):
    from reach_planner.geo.sites_io import ColumnsNotFound, SiteFileError
    from reach_planner.ui.runner import TaskRunner, error_text

    runner = TaskRunner()
    errors = []

    def bad(progress):
        raise ColumnsNotFound("f.csv: no latitude/longitude columns found", ["nord", "ost"])

    runner.start("import", bad, done=lambda v: None, failed=errors.append)
    assert wait_until(lambda: bool(errors), 10)
    exc = errors[0]
    assert isinstance(exc, ColumnsNotFound) and isinstance(exc, SiteFileError)
    assert exc.columns == ["nord", "ost"]
    assert error_text(exc) == "f.csv: no latitude/longitude columns found"
    assert error_text(KeyError("x")) == "KeyError: 'x'"


def test_emitting_signals_costs_python_no_reference_to_true(qapp):
    """PySide6 6.12.0 drops a reference to True on every signal emitted from Python (the
    bool that ``emit`` returns); after some thousand emits a session aborts with
    "bool_dealloc". pyproject keeps PySide6 below 6.12; this catches a bad version."""
    import sys

    from reach_planner.ui.runner import TaskRunner

    runner = TaskRunner()
    results = []
    before_true, before_false = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(20):
        runner.start("work", lambda progress: True, done=results.append)
        assert wait_until(lambda: runner.settled, 10)
    assert results == [True] * 20
    del results[:]
    assert sys.getrefcount(True) >= before_true and sys.getrefcount(False) >= before_false
