"""The coverage curve as a chart: newly covered rural people against new outlets, 0..K.

Qt-free (matplotlib's Figure API, no pyplot state), so the CLI's ``--curve FILE`` and
the window's panel draw the same picture. The counts that reach 95/98/99% rural
coverage are marked where they fall within K.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from reach_planner.geo.atomic import atomic_write_with
from reach_planner.ui.maps.fonts import cjk_font


def curve_figure(rec, width_in: float = 6.0, height_in: float = 3.6,
                 labels: tuple[str, str] = ("new outlets", "newly covered rural people (million)")
                 ) -> Figure:
    fig = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.asarray(rec.curve, dtype=float)
    ax.plot(np.arange(len(y)), y / 1e6, color="#d95f02", lw=1.8)
    for pct, k in rec.curve_marks().items():
        if k is not None and k > 0:
            ax.axvline(k, color="#7570b3", lw=0.8, ls="--")
            # right of the line, or left of it in the right half: never cut at the edge (23.15)
            right_half = k > 0.55 * max(1, len(y) - 1)
            ax.annotate(f"{pct:g}%: {k:,}", (k, y[k] / 1e6), xytext=(-4 if right_half else 4, -12),
                        textcoords="offset points", fontsize=8, color="#7570b3",
                        ha="right" if right_half else "left")
    font = _font_for(labels)
    ax.set_xlabel(labels[0], fontproperties=font)
    # the y quantity as a heading, not a rotated label: it was longer than a short chart
    # is tall and was cut (23.15)
    ax.set_title(labels[1], fontproperties=font, loc="left", fontsize=9)
    ax.set_xlim(0, max(1, len(y) - 1))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(y.max() / 1e6 * 1.05, 1e-6) if len(y) else 1)
    ax.grid(alpha=0.3)
    return fig


def _font_for(labels: tuple[str, ...]) -> FontProperties | None:
    """A CJK face when a label is Chinese (matplotlib's default would draw empty boxes)."""
    if all(ord(ch) < 0x2E80 for text in labels for ch in text):
        return None
    path = cjk_font()
    return FontProperties(fname=path) if path else None


def curve_png(rec, width_in: float = 6.0, height_in: float = 3.6, dpi: int = 100,
              labels: tuple[str, str] = ("new outlets", "newly covered rural people (million)")
              ) -> bytes:
    buf = io.BytesIO()
    curve_figure(rec, width_in, height_in, labels).savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def save_curve_chart(rec, path: str | Path) -> Path:
    fig = curve_figure(rec)
    return atomic_write_with(path, lambda p: fig.savefig(p, dpi=150))
