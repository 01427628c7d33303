"""Qt-free analytical core of Reach Planner.

Data flows resources -> :mod:`geo.data` (load) -> :mod:`geo.simulate` (network) ->
:mod:`geo.demand` (rural/urban demand on a hex grid) -> :mod:`geo.coverage` and
:mod:`geo.gaps` (analyse) -> :mod:`geo.summary`. :func:`geo.scenario.run_scenario`
wires them. Nothing here may import Qt: the window and the CLI both sit on top.
"""
from __future__ import annotations

from reach_planner.geo.params import ParameterError, ScenarioParams
from reach_planner.geo.scenario import ScenarioResult, run_scenario

__all__ = ["ParameterError", "ScenarioParams", "ScenarioResult", "run_scenario"]
