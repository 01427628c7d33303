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

from reach_planner.geo.atomic import atomic_write_with


def curve_figure(rec, width_in: float = 6.0, height_in: float = 3.6) -> Figure:
    fig = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.asarray(rec.curve, dtype=float)
    ax.plot(np.arange(len(y)), y / 1e6, color="#d95f02", lw=1.8)
    for pct, k in rec.curve_marks().items():
        if k is not None and k > 0:
            ax.axvline(k, color="#7570b3", lw=0.8, ls="--")
            ax.annotate(f"{pct:g}%: {k:,}", (k, y[k] / 1e6), xytext=(4, -12),
                        textcoords="offset points", fontsize=8, color="#7570b3")
    ax.set_xlabel("new outlets")
    ax.set_ylabel("newly covered rural people (million)")
    ax.set_xlim(0, max(1, len(y) - 1))
    ax.set_ylim(0, max(y.max() / 1e6 * 1.05, 1e-6) if len(y) else 1)
    ax.grid(alpha=0.3)
    return fig


def curve_png(rec, width_in: float = 6.0, height_in: float = 3.6, dpi: int = 100) -> bytes:
    buf = io.BytesIO()
    curve_figure(rec, width_in, height_in).savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def save_curve_chart(rec, path: str | Path) -> Path:
    fig = curve_figure(rec)
    return atomic_write_with(path, lambda p: fig.savefig(p, dpi=150))
