"""Helpers for tests that drive Qt and QtWebEngine offscreen."""
from __future__ import annotations

import time

import numpy as np


def wait_until(cond, timeout: float = 60.0, step_ms: int = 30) -> bool:
    """Spin the Qt event loop until ``cond()`` is true (or time runs out)."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        loop = QEventLoop()
        QTimer.singleShot(step_ms, loop.quit)
        loop.exec()
        QCoreApplication.processEvents()
    return bool(cond())


def image_array(img) -> np.ndarray:
    """QImage -> H x W x 3 uint8 RGB array."""
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGB888)
    h, w, bpl = img.height(), img.width(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=h * bpl).reshape(h, bpl)
    return buf[:, : w * 3].reshape(h, w, 3).copy()


def hex_rgb(colour: str) -> np.ndarray:
    c = colour.lstrip("#")
    return np.array([int(c[i:i + 2], 16) for i in (0, 2, 4)])


def colour_share(arr: np.ndarray, colour: str, tol: int = 24) -> float:
    """Share of pixels within ``tol`` (per channel) of a colour."""
    d = np.abs(arr.astype(int) - hex_rgb(colour)[None, None, :]).max(axis=2)
    return float((d <= tol).mean())


def dominant_share(arr: np.ndarray) -> float:
    flat = arr.reshape(-1, 3)
    _, counts = np.unique(flat, axis=0, return_counts=True)
    return float(counts.max() / len(flat))


def distinct_colours(arr: np.ndarray) -> int:
    return int(len(np.unique(arr.reshape(-1, 3), axis=0)))


def run_js(view, code: str, timeout: float = 10.0):
    """Test helper: run JavaScript in a MapView and wait (spinning the loop) for its value.
    The application itself never waits on the page."""
    box: list = []
    view.evaluate(code, box.append)
    assert wait_until(lambda: bool(box), timeout), f"no answer from the page for {code!r}"
    return box[0]


def idle(w) -> bool:
    return not w.state.busy and w.map.is_drawn


def open_window(params, size=(1300, 850), overlay=None):
    """A fresh, shown MainWindow on ``params`` whose map has drawn (one per test)."""
    from reach_planner.ui.mainwindow import MainWindow

    w = MainWindow()
    w.resize(*size)
    w.show()
    w.start(params, overlay)
    assert wait_until(lambda: w.state.result is not None and idle(w)
                      and w.map.current_view() is not None, 90)
    return w


def close_window(w) -> None:
    """Close without a prompt and leave nothing behind for the next test."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from reach_planner.ui.i18n import current_language, set_language

    w.state.cancel()
    w.state.undo_stack.setClean()  # no unsaved-changes prompt in tests
    w.close()
    w.deleteLater()
    if current_language() != "en":
        set_language("en")
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
