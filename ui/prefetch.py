"""The first scenario, computed in a forked process while Qt and Chromium start.

Why: at launch nearly all the work is Python (imports, the window, the analysis, the
map layers) and one interpreter runs it on one core at a time, so a worker *thread*
only interleaves with the window's start. A child forked before Qt starts computes the
default result and its map layers on the second core while this process imports Qt,
builds the window and loads the base map; the result comes back through a pipe as one
pickle (~20 MB, a few tens of milliseconds).

Only on Linux, and only while the process has a single thread (forking a process with
threads can deadlock the child); elsewhere, or if the child fails for any reason, the
first recompute simply runs in the task runner like every other. The child never
touches Qt and leaves with ``os._exit``.
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any


def _single_threaded() -> bool:
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class Prefetch:
    """A forked child computing ``scenario_job(params, overlay, MapOptions(lang))``."""

    def __init__(self, pid: int, fd: int, params: Any, overlay: Any) -> None:
        self.pid, self._fd = pid, fd
        self.params, self.overlay = params, overlay
        self.used = False  # the child's value was received and used
        self.status: int | None = None  # the child's wait status, once reaped
        try:  # a handle that cannot outlive the child (its pid could be reused once reaped)
            self._pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = -1

    @classmethod
    def start(cls, params: Any, overlay: Any = None, lang: str = "en") -> Prefetch | None:
        """Fork the child; None where that is not possible or not safe."""
        if not sys.platform.startswith("linux") or os.environ.get("REACH_PLANNER_NO_PREFETCH"):
            return None
        _import_analysis()
        if not _single_threaded():
            return None
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read)
            _child(write, params, overlay, lang)  # never returns
        os.close(write)
        return cls(pid, read, params, overlay)

    def receive(self) -> tuple | None:
        """The child's value (blocking; the GIL is released while it waits), or None if it
        failed. Reads once: the pipe is closed and the child reaped afterwards."""
        fd, self._fd = self._fd, -1
        if fd < 0:
            return None
        with os.fdopen(fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.status = status
        if self._pidfd >= 0:
            os.close(self._pidfd)
            self._pidfd = -1
        if status != 0 or not data:
            return None
        try:
            value = pickle.loads(data)
        except Exception:  # noqa: BLE001  (a broken pickle just means: compute here)
            return None
        self.used = True
        return value

    def job(self, fallback: Callable[[Callable[[int, str], None]], Any]) -> Callable:
        """A runner job: the child's value, or ``fallback`` run here if the child failed."""
        def job(progress: Callable[[int, str], None]) -> Any:
            value = self.receive()
            return value if value is not None else fallback(progress)

        return job

    def stop(self) -> None:
        """Kill the child if it is still computing: the window closed before its result
        was wanted, and the exit would otherwise wait for it. The runner's job then sees
        the pipe close and its task's cancellation, and ends at once."""
        fd = self._pidfd
        if fd >= 0:
            try:
                signal.pidfd_send_signal(fd, signal.SIGKILL)
            except OSError:
                pass  # already gone

    def discard(self) -> None:
        """Stop a child whose result is no longer wanted, and reap it."""
        if self._fd >= 0:
            try:
                os.kill(self.pid, 9)
            except OSError:
                pass
            self.receive()


def _import_analysis() -> None:
    """Import what the child runs before forking: both processes need these modules, and
    forked, the child shares them instead of importing them again (~0.6 s of CPU on a
    two-core machine that also starts Qt and Chromium). numpy's OpenBLAS
    starts no threads when ``OPENBLAS_NUM_THREADS`` is 1 (``ui.app`` sets it)."""
    import reach_planner.geo.compare  # noqa: F401
    import reach_planner.geo.scenario  # noqa: F401
    import reach_planner.ui.maps.web_layers  # noqa: F401
    import reach_planner.ui.runner  # noqa: F401


def _child(fd: int, params: Any, overlay: Any, lang: str) -> None:
    code = 1
    try:
        from reach_planner.ui.maps.web_layers import MapOptions
        from reach_planner.ui.runner import scenario_job

        value = scenario_job(params, overlay, MapOptions(lang=lang))(lambda _pct, _text: None)
        _drop_caches(value[0])
        with os.fdopen(fd, "wb") as pipe:
            pickle.dump(value, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    except BaseException:  # noqa: BLE001  (the parent computes it again and reports errors)
        pass
    finally:
        os._exit(code)


def _drop_caches(result: Any) -> None:
    """The grid's cached hexagon polygons are ~15 MB of pickle and rebuilt on demand."""
    grid = result.demand.grid
    for name in ("_all_polygons", "_sorted_keys"):
        grid.__dict__.pop(name, None)

