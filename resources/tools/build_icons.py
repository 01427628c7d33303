"""Rebuild the app icon's PNG sizes (and .ico) from ``resources/icons/reach-planner.svg``.

Qt's SVG renderer draws them, so no other tool is needed; the .desktop entry and the
executable use the PNGs, the window uses the SVG.

    python resources/tools/build_icons.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ICONS = Path(__file__).resolve().parents[1] / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def main() -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])
    svg = QSvgRenderer(str(ICONS / "reach-planner.svg"))
    for size in SIZES:
        img = QImage(size, size, QImage.Format.Format_ARGB32)
        img.fill(Qt.GlobalColor.transparent)
        painter = QPainter(img)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        svg.render(painter)
        painter.end()
        out = ICONS / f"reach-planner-{size}.png"
        if not img.save(str(out), "PNG"):
            raise SystemExit(f"{out}: could not write")
        if size == 256:
            img.save(str(ICONS / "reach-planner.ico"), "ICO")  # Windows executable icon
    del app
    print(f"{len(SIZES)} PNG sizes in {ICONS}")


if __name__ == "__main__":
    main()
