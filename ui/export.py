"""Map images for reports: PNG, JPEG or PDF of a map view at 1x-3x pixel scale.

The page is re-rendered in an off-screen view whose CSS size equals the requested
view and whose zoom factor is the pixel scale: Leaflet sees the same viewport (same
framing, legend and title) and draws at ``scale`` device pixels per CSS pixel.
Files are written to a temporary name and renamed, so a failed export never leaves
a truncated image behind or clobbers the previous one.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QMarginsF, QObject, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from reach_planner.geo.atomic import atomic_write_with, check_target
from reach_planner.ui.mapview import MapView

FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".pdf": "PDF"}
MAX_PIXELS = 12000


def check_output(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """Validate an output path before any work is done; message names the problem."""
    return check_target(path, FORMATS, "image format")


def check_size(width: int, height: int, scale: int) -> None:
    if not (100 <= width <= 6000 and 100 <= height <= 6000):
        raise ValueError(f"image size {width}x{height} is out of range (100-6000 pixels)")
    if scale not in (1, 2, 3):
        raise ValueError(f"pixel scale must be 1, 2 or 3, got {scale}")
    if max(width, height) * scale > MAX_PIXELS:
        raise ValueError(f"{width}x{height} at {scale}x exceeds {MAX_PIXELS} pixels a side")


MAX_GRAB_RETRIES = 50  # x 100 ms


def is_blank(img: QImage, samples: int = 24) -> bool:
    """True when a grid of sample pixels is all one colour (nothing painted yet)."""
    if img.isNull():
        return True
    w, h = img.width(), img.height()
    first = img.pixel(0, 0)
    return all(img.pixel(min(w - 1, int((i + 0.5) * w / samples)),
                         min(h - 1, int((j + 0.5) * h / samples))) == first
               for i in range(samples) for j in range(samples))


def dispose(view: MapView) -> None:
    """Delete a view and its page now: a page outliving its profile crashes at exit."""
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


class PageGrab(QObject):
    """Render a map page off screen and hand over the picture by signal.

    Nothing waits: the window starts a grab and carries on; ``finished(QImage)`` or
    ``failed(Exception)`` arrives later, and the off-screen view is gone by then.
    """

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, page: Path, width: int, height: int, scale: int,
                 view: dict | None = None, timeout_ms: int = 60000, parent=None) -> None:
        super().__init__(parent)
        self._args = (page, width, height, scale, view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(lambda: self._fail("the map did not finish drawing in time"))
        self._view: MapView | None = None
        self._retries = 0

    def start(self) -> None:
        page, width, height, scale, view = self._args
        v = self._view = MapView()
        v.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        v.resize(width * scale, height * scale)
        v.setZoomFactor(float(scale))
        v.show()
        v.drawn.connect(self._grab)
        v.loadFailed.connect(self._fail)
        self._timer.start()
        v.load_page(page, view, export=True)

    def _grab(self) -> None:
        """Take the picture once the compositor has painted it: right after the page
        says "drawn", a busy machine can still hand back one flat colour."""
        if self._view is None:
            return
        img = self._view.grab().toImage()
        if is_blank(img) and self._retries < MAX_GRAB_RETRIES:
            self._retries += 1
            QTimer.singleShot(100, self._grab)
            return
        self._close()
        if is_blank(img):
            self.failed.emit(RuntimeError("the map view produced an empty picture"))
        else:
            self.finished.emit(img)

    def _fail(self, message: str) -> None:
        if self._view is None:
            return
        self._close()
        self.failed.emit(RuntimeError(message))

    def _close(self) -> None:
        self._timer.stop()
        v, self._view = self._view, None
        if v is not None:
            v.drawn.disconnect(self._grab)
            v.loadFailed.disconnect(self._fail)
            v.close()
            v.deleteLater()


def render_page(page: Path, width: int, height: int, scale: int,
                view: dict | None = None, timeout_ms: int = 60000) -> QImage:
    """Blocking render for the command line (``main.py export``), where no window
    exists whose state could change meanwhile. The window uses :class:`PageGrab`."""
    box: list = []
    loop = QEventLoop()
    grab = PageGrab(page, width, height, scale, view, timeout_ms)
    grab.finished.connect(lambda img: (box.append(img), loop.quit()))
    grab.failed.connect(lambda exc: (box.append(exc), loop.quit()))
    grab.start()
    if not box:
        loop.exec()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    if isinstance(box[0], Exception):
        raise box[0]
    return box[0]


def save_image(img: QImage, path: Path, fmt: str, quality: int = 92) -> Path:
    """Write atomically (temp file in the same folder, then rename over the target)."""
    def write(tmp: Path) -> None:
        # Qt's PNG "quality" is inverse compression: keep the default (-1) for PNG.
        q = quality if fmt == "JPEG" else -1
        ok = _write_pdf(img, str(tmp)) if fmt == "PDF" else img.save(str(tmp), fmt, q)
        if not ok:
            raise OSError(errno.EIO, f"could not write the {fmt} file")

    return atomic_write_with(path, write)


def _write_pdf(img: QImage, tmp: str) -> bool:
    """One page the shape of the picture, image at 300 dpi (vector text is not needed)."""
    writer = QPdfWriter(tmp)
    writer.setResolution(300)
    size_mm = QSizeF(img.width() / 300 * 25.4 / 1.0, img.height() / 300 * 25.4)
    writer.setPageLayout(QPageLayout(QPageSize(size_mm, QPageSize.Unit.Millimeter),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not painter.begin(writer):
        return False
    try:
        target = painter.viewport()
        painter.drawImage(target, img)
    finally:
        painter.end()
    return True


