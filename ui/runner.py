"""The one way to run work off the GUI thread: a task runner owned by the app state.

Modelled on git-cola's ``qtutils.RunTask``: every background job (recompute,
recommend, import, exports) is started through :class:`TaskRunner` with a *slot*
name. A slot holds at most one live job: starting a new one cancels the old one and
drops whatever it reports later, so a superseded result can never land on a newer
scenario. Errors cross threads as the exception objects themselves, so the GUI side
decides by type (``isinstance(exc, ColumnsNotFound)``), never by message wording.
Cancelling sets a flag that the job's progress callback turns into
:class:`geo.scenario.Cancelled` between stages.
"""
from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from reach_planner.geo.scenario import Cancelled

Progress = Callable[[int, str], None]
Job = Callable[[Progress], Any]
_PINNED: dict[int, object] = {}


def pin_thread_resources() -> None:
    """Keep this OS thread's PROJ context alive across Qt pool tasks.

    pyproj stores the context pointer per OS thread but frees the context together
    with the *Python* thread state. Qt pool threads get a fresh Python thread state
    for every task, so the second task on a reused thread used a freed context and
    crashed (reproduced: two sequential tasks on a one-thread pool). Holding the
    manager keeps the context valid for as long as the thread lives.
    """
    try:
        from pyproj._context import get_context_manager
    except ImportError:  # pragma: no cover - a pyproj without per-thread contexts
        return
    manager = get_context_manager()
    if manager is not None:
        _PINNED[threading.get_native_id()] = manager


class TaskSignals(QObject):
    progress = Signal(int, str)
    done = Signal(object)
    failed = Signal(object)  # the exception object, never its text
    cancelled = Signal()


class Task(QRunnable):
    """Runs ``job(progress)`` in a pool; ``progress(pct, text)`` may raise Cancelled."""

    def __init__(self, job: Job, slot: str = "") -> None:
        super().__init__()
        # autoDelete stays on: the pool owns and frees the C++ runnable after run().
        # The runner keeps this Python object until a final signal has arrived.
        self.signals = TaskSignals()
        self.slot = slot
        self._job = job
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, pct: int, text: str) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self._emit("progress", pct, text)

    def _emit(self, name: str, *args: Any) -> None:
        """Emit unless the window (and with it this task's signals) is already gone.

        A job still running when the app quits ends after Qt deleted its signal object;
        there is nobody left to tell, and a traceback on quit is noise (issue 23.18).
        """
        try:
            getattr(self.signals, name).emit(*args)
        except RuntimeError:
            self._cancel.set()

    def run(self) -> None:
        try:
            self._run()
        finally:
            pin_thread_resources()

    def _run(self) -> None:
        try:
            value = self._job(self._progress)
        except Cancelled:
            self._emit("cancelled")
        except Exception as exc:  # handed over as is; logged in full for the developer
            if not isinstance(exc, (ValueError, OSError)):
                traceback.print_exc()
            self._emit("failed", exc)
        else:
            if self._cancel.is_set():
                self._emit("cancelled")
            else:
                self._emit("done", value)


def error_text(exc: BaseException) -> str:
    """One line for the user: expected errors by their message, others with their type."""
    if isinstance(exc, (ValueError, OSError)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class TaskRunner(QObject):
    """Starts jobs by slot, reports progress of the newest one, drops superseded results."""

    busyChanged = Signal(bool)
    progressChanged = Signal(int, str)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._live: dict[str, Task] = {}  # the one current job of each slot
        self._running: set[Task] = set()  # every job not yet ended (keeps them alive)
        self._newest: Task | None = None

    def start(self, slot: str, job: Job, done: Callable[[Any], None],
              failed: Callable[[BaseException], None] | None = None,
              cancelled: Callable[[], None] | None = None,
              stale: Iterable[str] = ()) -> Task:
        """Run ``job`` in the pool as the slot's current job.

        A job already in ``slot``, and any in the ``stale`` slots, is cancelled and its
        late result ignored. ``done``/``failed``/``cancelled`` run on the GUI thread,
        and only for the job that is still current when it ends.
        """
        for name in (slot, *stale):
            self.cancel(name)
        task = Task(job, slot)
        sig = task.signals
        sig.progress.connect(lambda pct, text, t=task: self._progress(t, pct, text))
        sig.done.connect(lambda value, t=task: self._end(t, done, value))
        sig.failed.connect(lambda exc, t=task: self._end(t, failed, exc))
        sig.cancelled.connect(lambda t=task: self._end(t, cancelled))
        was_busy = self.busy
        self._live[slot] = task
        self._running.add(task)
        self._newest = task
        if not was_busy:
            self.busyChanged.emit(True)
        self._pool.start(task)
        return task

    @property
    def busy(self) -> bool:
        return bool(self._live)

    @property
    def settled(self) -> bool:
        """No job is running at all, not even a superseded one finishing in the background."""
        return not self._running

    def running(self, slot: str) -> bool:
        return slot in self._live

    def cancel(self, slot: str | None = None) -> bool:
        """Cancel one slot's job (or every job); True if one was running."""
        slots = list(self._live) if slot is None else [slot]
        hit = False
        for name in slots:
            task = self._live.pop(name, None)
            if task is not None:
                task.cancel()
                hit = True
        if hit and not self.busy:
            self.busyChanged.emit(False)
        return hit

    def _progress(self, task: Task, pct: int, text: str) -> None:
        if task is self._newest and self._live.get(task.slot) is task:
            self.progressChanged.emit(pct, text)

    def _end(self, task: Task, callback: Callable | None, *args: Any) -> None:
        self._running.discard(task)
        if self._live.get(task.slot) is not task:
            return  # superseded or cancelled: whatever it produced is stale
        del self._live[task.slot]
        if not self.busy:
            self.busyChanged.emit(False)
        if callback is not None:
            callback(*args)


def _map_layers(result, map_options, comparison, progress: Progress, pct: int) -> tuple:
    """((options, payload), update script) of a result in the given map texts."""
    from reach_planner.ui.maps.web_layers import MapOptions, build_payload, subtitle_for, update_script

    opts0 = map_options or MapOptions()
    progress(pct, opts0.t("Drawing the map"))
    opts = MapOptions(**{**opts0.__dict__, "subtitle": subtitle_for(result, opts0)})
    payload = build_payload(result, opts, comparison.newly_covered if comparison is not None else None)
    progress(100, opts.t("Map ready"))
    return (opts, payload), update_script(payload)


def layers_job(result, map_options, comparison=None) -> Job:
    """The map layers of a result already computed, in other map texts (a language
    switch): nothing is analysed again, so what was made for the result stays."""
    return lambda progress: _map_layers(result, map_options, comparison, progress, 10)


def scenario_job(params, overlay, map_options, baseline=None) -> Job:
    """The recompute job: analyse, compare with the baseline (if any), then build the map
    layers once, as the script that puts them on the page on screen. A whole page file
    (exports, tests) is written from the same payload only when asked for
    (``AppState.page``): the window never needs one."""
    from reach_planner.geo.compare import compare
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.ui.maps.web_layers import MapOptions

    def job(progress: Progress):
        opts0 = map_options or MapOptions()
        scaled = lambda pct, text: progress(int(pct * 0.7), opts0.t(text))  # noqa: E731
        result = run_scenario(params, progress=scaled, overlay=overlay)
        comparison = compare(baseline, result) if baseline is not None else None
        source, script = _map_layers(result, map_options, comparison, progress, 75)
        return result, source, script, comparison

    return job
