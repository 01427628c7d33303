"""Background tasks: results, cancellation, and the pool-thread PROJ crash regression."""
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
from reach_planner.ui.workers import Task
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


def test_task_reports_result_progress_and_cancel(qapp):
    from PySide6.QtCore import QThreadPool

    from reach_planner.ui.workers import Task

    seen, results, cancelled = [], [], []

    def job(progress):
        for i in range(5):
            progress(i * 20, f"step {i}")
        return 42

    t = Task(job)
    t.signals.progress.connect(lambda pct, text: seen.append(pct))
    t.signals.done.connect(results.append)
    QThreadPool.globalInstance().start(t)
    assert wait_until(lambda: results == [42], 10)
    assert seen == [0, 20, 40, 60, 80]

    import threading
    gate = threading.Event()

    def slow(progress):
        gate.wait(5)
        progress(50, "after cancel")
        return 1

    t2 = Task(slow)
    t2.signals.cancelled.connect(lambda: cancelled.append(True))
    t2.signals.done.connect(results.append)
    QThreadPool.globalInstance().start(t2)
    t2.cancel()
    gate.set()
    assert wait_until(lambda: cancelled == [True], 10)
    assert results == [42]


def test_failed_task_reports_one_line(qapp):
    from PySide6.QtCore import QThreadPool

    from reach_planner.ui.workers import Task

    errors = []

    def bad(progress):
        raise ValueError("outlets file has no rows")

    t = Task(bad)
    t.signals.failed.connect(errors.append)
    QThreadPool.globalInstance().start(t)
    assert wait_until(lambda: bool(errors), 10)
    assert errors[0] == "ValueError: outlets file has no rows"
