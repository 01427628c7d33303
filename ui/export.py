"""Map images for reports: PNG, JPEG or PDF of a map view at 1x-3x pixel scale.

The page is re-rendered in an off-screen view whose CSS size equals the requested
view and whose zoom factor is the pixel scale: Leaflet sees the same viewport (same
framing and title) and draws at ``scale`` device pixels per CSS pixel.

The legend does not stay on the map: open, it hid Hainan, the island groups and the
ten-dash line (issue 23.3). The picture is taken twice, with the legend (cut out) and
without it (the map), and the legend goes in a white band right of the map. It lists
only the layers on the map: rows whose layer the page does not show are dropped first.
Files are written to a temporary name and renamed, so a failed export never leaves
a truncated image behind or clobbers the previous one.
"""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QMarginsF, QObject, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from reach_planner.geo.atomic import atomic_write_with, check_target
from reach_planner.ui.maps import style
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
BAND_CSS_PX = 12  # white margin around the legend in its band
# Each legend row's map layer (the page's layer names, before translation); rows with
# None (Taiwan, Hong Kong and Macao: the base map) are always on the map.
ROW_LAYERS = {"sites": "Distribution sites", "outlets": "Service outlets", "covered": "Covered area",
              "recommended": "Recommended outlets", "newly": "Newly covered",
              "overloaded": "Overloaded outlets", "outside": None, "gaps": "Rural gap cells"}


def legend_layers(t) -> dict[str, str | None]:
    """Legend row text -> the layer it describes, in the page's language ``t``."""
    out: dict[str, str | None] = {}
    for e in style.legend_entries(t, tuple(ROW_LAYERS)):
        key = "gaps" if e.key.startswith("gap") else e.key
        layer = ROW_LAYERS[key]
        out[e.label] = None if layer is None else t(layer)
    return out


# Hide the rows of layers not on the map; answer the legend's box (CSS px) and its rows.
LEGEND_JS = """(function(rows) { try {
  var leg = document.querySelector('.rp-legend');
  if (!leg || !window.rp || !rp.map) { return null; }
  leg.classList.remove('rp-collapsed');
  leg.style.background = '#fff';  // in its band no map shows through it
  leg.style.boxShadow = 'none';
  leg.classList.add('rp-printed');  // no fold arrow after its title in a picture
  var css = document.createElement('style');
  css.textContent = '.rp-legend.rp-printed b:after{content:none}';
  document.head.appendChild(css);
  var shown = [];
  var heading = true;  // a class ramp follows its heading
  leg.querySelectorAll(':scope > div').forEach(function(row) {
    var text = row.textContent.trim(), name = rows[text], ramp = row.classList.contains('rp-ramp');
    // rows that name no layer (the national view's headings) stay; the zoom's CSS decides
    var on = ramp ? heading : (name === null || name === undefined ||
                                (rp.named[name] && rp.map.hasLayer(rp.named[name])));
    if (row.classList.contains('rp-sub')) { heading = on; }
    row.style.display = on ? '' : 'none';
    if (on && !ramp && getComputedStyle(row).display !== 'none') { shown.push(text); }
  });
  rp.afterFrames(3, function() { rp.exportStep = 1; });
  var r = leg.getBoundingClientRect();
  return JSON.stringify({x: r.left, y: r.top, w: r.width, h: r.height, rows: shown});
} catch (e) { return JSON.stringify({error: String(e)}); } })(%s)"""
HIDE_LEGEND_JS = """(function() {
  document.querySelector('.rp-legend').style.visibility = 'hidden';
  rp.afterFrames(3, function() { rp.exportStep = 2; });
})()"""


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
                 view: dict | None = None, timeout_ms: int = 60000, parent=None,
                 legend: dict[str, str | None] | None = None) -> None:
        """``legend``: row text -> layer (:func:`legend_layers`); without it the legend's
        rows are matched to the English layer names."""
        super().__init__(parent)
        self._args = (page, width, height, scale, view)
        self._legend_rows = legend if legend is not None else legend_layers(str)
        self._box: dict | None = None  # the legend's box, CSS px
        self._shot: QImage | None = None  # the picture with the legend
        self.legend_rows: list[str] = []  # the rows the exported legend lists
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
        says "drawn", a busy machine can still hand back one flat colour. The first
        picture is of the legend (its rows filtered), the second of the map without it."""
        if self._view is None:
            return
        img = self._view.grab().toImage()
        if is_blank(img) and self._retries < MAX_GRAB_RETRIES:
            self._retries += 1
            QTimer.singleShot(100, self._grab)
            return
        self._retries = 0
        if is_blank(img):
            self._close()
            self.failed.emit(RuntimeError("the map view produced an empty picture"))
        elif self._box is None:
            self._view.evaluate(LEGEND_JS % json.dumps(self._legend_rows, ensure_ascii=False),
                                lambda box: self._legend_box(box, img))
        elif self._shot is None:
            self._shot = img
            self._view.evaluate(HIDE_LEGEND_JS, lambda _r: self._after_frames(2))
        else:
            self._close()
            self.finished.emit(beside(img, self._shot, self._box, self._args[3]))

    def _legend_box(self, box, img: QImage) -> None:
        if self._view is None:
            return
        box = json.loads(box) if isinstance(box, str) and box else None
        if box and "error" in box:
            self._fail(f"the legend could not be read: {box['error']}")
            return
        if not box:  # a page without a legend: the map alone
            self._close()
            self.finished.emit(img)
            return
        self._box = box
        self.legend_rows = [str(r) for r in box["rows"]]
        self._after_frames(1)

    def _after_frames(self, step: int) -> None:
        """Grab once the page has painted ``step`` (rows filtered, legend hidden)."""
        if self._view is None:
            return

        def answer(done) -> None:
            if self._view is None:
                return
            if done or self._retries >= MAX_GRAB_RETRIES:
                self._retries = 0
                self._grab()
            else:
                self._retries += 1
                QTimer.singleShot(50, lambda: self._after_frames(step))
        self._view.evaluate(f"(window.rp && rp.exportStep) >= {step}", answer)

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


def beside(map_img: QImage, shot: QImage, box: dict, scale: int) -> QImage:
    """The map, and right of it a white band holding the legend cut from ``shot``
    (``box`` in CSS pixels), bottom-aligned where it stood on the map."""
    x, y, w, h = (round(float(box[k]) * scale) for k in ("x", "y", "w", "h"))
    legend = shot.copy(x, y, w, h)
    pad = BAND_CSS_PX * scale
    out = QImage(map_img.width() + w + 2 * pad, map_img.height(), QImage.Format.Format_RGB32)
    out.fill(QColor("white"))
    painter = QPainter(out)
    try:
        painter.drawImage(0, 0, map_img)
        painter.drawImage(map_img.width() + pad, max(0, min(y, map_img.height() - h)), legend)
    finally:
        painter.end()
    return out


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


