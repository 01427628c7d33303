"""Map images for reports: PNG, JPEG or PDF of a map view at 1x-3x pixel scale.

The page is re-rendered in an off-screen view whose CSS size equals the requested
view and whose zoom factor is the pixel scale: Leaflet sees the same viewport (same
framing, legend and title) and draws at ``scale`` device pixels per CSS pixel.
Files are written to a temporary name and renamed, so a failed export never leaves
a truncated image behind or clobbers the previous one.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QMarginsF, QSizeF, Qt, QTimer
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from reach_planner.geo.atomic import check_target
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


def render_page(page: Path, width: int, height: int, scale: int,
                view: dict | None = None, timeout_ms: int = 60000) -> QImage:
    """Render a map page off screen and return the picture (width*scale x height*scale)."""
    v = MapView()
    v.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    v.resize(width * scale, height * scale)
    v.setZoomFactor(float(scale))
    v.show()
    try:
        v.load_page(page, view, export=True)
        if not v.wait_drawn(timeout_ms):
            raise RuntimeError("the map did not finish drawing in time")
        img = grab_painted(v, 10000)
    finally:
        dispose(v)
    if img.isNull():
        raise RuntimeError("the map view produced an empty picture")
    return img


def grab_painted(view: MapView, timeout_ms: int) -> QImage:
    """The view's picture once it holds more than the page background.

    The page reports ``drawn`` after a few animation frames, but an off-screen view can
    hand out its first composited frame later (seen on a loaded machine: one flat colour);
    an export must never be that empty picture, so grab again until the map is in it."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        img = view.grab().toImage()
        if not is_blank(img) or time.monotonic() > deadline:
            return img
        loop = QEventLoop()
        QTimer.singleShot(100, loop.quit)
        loop.exec()


def is_blank(img: QImage, samples: int = 24) -> bool:
    """True when a grid of sample pixels is all one colour (nothing painted yet)."""
    if img.isNull():
        return True
    w, h = img.width(), img.height()
    first = img.pixel(0, 0)
    return all(img.pixel(min(w - 1, int((i + 0.5) * w / samples)), min(h - 1, int((j + 0.5) * h / samples)))
               == first for i in range(samples) for j in range(samples))


def dispose(view: MapView) -> None:
    """Delete a view and its page now: a page outliving its profile crashes at exit."""
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def save_image(img: QImage, path: Path, fmt: str, quality: int = 92) -> Path:
    """Write atomically: temp file in the same folder, then rename over the target."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        # Qt's PNG "quality" is inverse compression: keep the default (-1) for PNG.
        q = quality if fmt == "JPEG" else -1
        ok = _write_pdf(img, tmp) if fmt == "PDF" else img.save(tmp, fmt, q)
        if not ok:
            raise OSError(f"{path}: could not write the {fmt} file")
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
