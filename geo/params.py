"""Scenario parameters: one frozen, validated value object shared by CLI, UI and files."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

# Defaults are the joint-venture announcement: 2,800 sites, 17,000 service outlets.
DEFAULT_SITES = 2800
DEFAULT_OUTLETS = 17000
STRATEGIES = ("population", "towns", "uniform")
DISTANCES = ("straight", "terrain")  # reach as a great circle, or flat-equivalent km over terrain
MAX_SITES = 50_000
MAX_OUTLETS = 500_000
MAX_SEED = 2**32 - 1

# The one source of the allowed ranges: the parameters check against them, and the
# window's input boxes and the CLI take their limits from here (never copies).
INT_LIMITS: dict[str, tuple[int, int]] = {
    "seed": (0, MAX_SEED),
    "sites": (0, MAX_SITES),
    "outlets": (0, MAX_OUTLETS),
}
NUM_LIMITS: dict[str, tuple[float, float]] = {
    "radius_km": (0.1, 1000.0),
    "site_radius_km": (0.1, 3000.0),
    "rural_bias": (0.0, 1.0),
    "cell_km": (2.0, 100.0),
}


class ParameterError(ValueError):
    """A parameter a user typed is out of range; the message is shown as is."""


@dataclass(frozen=True)
class ScenarioParams:
    """Everything that determines a simulated scenario; same params + seed = same result."""

    seed: int = 2024
    sites: int = DEFAULT_SITES
    outlets: int = DEFAULT_OUTLETS
    radius_km: float = 30.0  # installation: a service outlet reaches this far
    site_radius_km: float = 100.0  # delivery: a distribution site reaches this far
    strategy: str = "population"
    rural_bias: float = 0.6  # share of outlets placed by rural (vs urban) population
    cell_km: float = 10.0  # hex grid spacing (centre to centre) of the demand model
    distance: str = "straight"  # how the radii are measured: see geo/terrain.py

    def __post_init__(self) -> None:
        for name, (lo, hi) in INT_LIMITS.items():
            _check_int(name, getattr(self, name), lo, hi)
        for name, (lo_f, hi_f) in NUM_LIMITS.items():
            _check_num(name, getattr(self, name), lo_f, hi_f)
        if self.distance not in DISTANCES:
            raise ParameterError(
                f"distance must be one of {', '.join(DISTANCES)}, got {self.distance!r}")
        if self.strategy not in STRATEGIES:
            raise ParameterError(
                f"strategy must be one of {', '.join(STRATEGIES)}, got {self.strategy!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScenarioParams:
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ParameterError(f"unknown scenario parameter(s): {', '.join(sorted(unknown))}")
        return cls(**d)


def _check_int(name: str, value: object, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{name} must be a whole number, got {value!r}")
    if not lo <= value <= hi:
        raise ParameterError(f"{name} must be between {lo:,} and {hi:,}, got {value:,}")


def _check_num(name: str, value: object, lo: float, hi: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ParameterError(f"{name} must be a number, got {value!r}")
    if not lo <= float(value) <= hi:
        raise ParameterError(f"{name} must be between {lo:g} and {hi:g}, got {value:g}")
