"""Reach Planner: the installed package. In the source tree this file sits at the top
level so that ``reach_planner`` maps onto it (``main.py``, ``geo/``, ``ui/``, ``resources/``)."""
from __future__ import annotations

__version__ = "0.2.0"
