"""Process environment QtWebEngine needs, applied before the first Qt import.

Headless runs (CI, ``main.py export``) have no display: Qt must use the offscreen
platform. As root, Chromium refuses to start without ``--no-sandbox``. GPU
compositing is off because these machines have no GPU; software rendering is what
grabs and exports rely on.
"""
from __future__ import annotations

import os


def prepare_qt_environment(headless: bool = False) -> None:
    if headless or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    wanted = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--log-level=3"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        wanted.append("--no-sandbox")
    for flag in wanted:
        if flag not in flags:
            flags.append(flag)
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)
    os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false;qt.rhi.*=false")
