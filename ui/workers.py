"""Long jobs off the GUI thread (QThreadPool), reporting through Qt signals.

A task computes the scenario *and* writes the map page, so the GUI thread only
swaps a finished page in. Cancelling sets a flag that the core's progress callback
turns into :class:`geo.scenario.Cancelled` between stages.
"""
from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from reach_planner.geo.scenario import Cancelled

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
    failed = Signal(str)
    cancelled = Signal()


class Task(QRunnable):
    """Runs ``job(progress)`` in the pool; ``progress(pct, text)`` may raise Cancelled."""

    def __init__(self, job: Callable[[Callable[[int, str], None]], Any]) -> None:
        super().__init__()
        # autoDelete stays on: the pool owns and frees the C++ runnable after run().
        # Freeing it from Python (when the owner drops its reference) while the pool
        # thread still touches it crashed the process.
        self.signals = TaskSignals()
        self._job = job
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, pct: int, text: str) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.signals.progress.emit(pct, text)

    def run(self) -> None:
        try:
            self._run()
        finally:
            pin_thread_resources()

    def _run(self) -> None:
        try:
            value = self._job(self._progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # shown to the user as one line, logged in full
            traceback.print_exc()
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.done.emit(value)


def scenario_job(params, overlay, page: Path, map_options, baseline=None) -> Callable:
    """The recompute job: analyse, compare with the baseline (if any), then build the map
    layers once and turn them into both a page file (first show, exports) and an
    in-place update script."""
    from reach_planner.geo.compare import compare
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.ui.maps.web import (
        MapOptions,
        build_payload,
        subtitle_for,
        update_script,
        write_map,
    )

    def job(progress: Callable[[int, str], None]):
        opts0 = map_options or MapOptions()
        scaled = lambda pct, text: progress(int(pct * 0.6), opts0.t(text))  # noqa: E731
        result = run_scenario(params, progress=scaled, overlay=overlay)
        comparison = compare(baseline, result) if baseline is not None else None
        progress(65, opts0.t("Drawing the map"))
        opts = MapOptions(**{**opts0.__dict__, "subtitle": subtitle_for(result, opts0)})
        payload = build_payload(result, opts,
                                comparison.newly_covered if comparison is not None else None)
        progress(85, opts.t("Writing the map page"))
        write_map(result, page, opts, payload)
        progress(100, opts.t("Map ready"))
        return result, page, update_script(payload), comparison

    return job
