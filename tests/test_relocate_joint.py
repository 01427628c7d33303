"""Relocation as one model (issue 21.4): the joint close-and-open model against exhaustive
optima (bound >= optimum >= answer), never worse than adding N outlets when N closures
lose nobody, after-figures equal to re-runs, and the national figure (slow)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse

from reach_planner.geo.siting import joint
from reach_planner.geo.siting.joint import JointProblem, Move, solve_joint


def random_joint(rng: np.random.Generator, outlets: int, cands: int, cells: int,
                 density: float) -> JointProblem:
    people = rng.integers(1, 1000, cells).astype(float)
    b = sparse.csr_matrix(rng.random((outlets, cells)) < density)
    a = sparse.csr_matrix(rng.random((cands, cells)) < density)
    return JointProblem(people, a, b)


def exhaustive(p: JointProblem, count: int) -> float:
    """The best relocation of at most ``count`` outlets, trying every one."""
    best = p.value([], [])
    for m in range(1, count + 1):
        for shut in itertools.combinations(range(p.outlets), m):
            for new in itertools.combinations(range(p.candidates), m):
                best = max(best, p.value(list(new), list(shut)))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_joint_model_matches_exhaustive_optima_and_its_bound_holds(seed):
    rng = np.random.default_rng(seed)
    p = random_joint(rng, 6, 6, 16, 0.25)
    for n in (1, 2, 3):
        opt = exhaustive(p, n)
        ans = solve_joint(p, n, [])
        assert ans.bound >= opt - 1e-6
        assert ans.move.value == pytest.approx(opt)
        assert ans.move.value == pytest.approx(p.value(ans.move.opened, ans.move.closed))
        assert len(ans.move.opened) == len(ans.move.closed) <= n


@pytest.mark.parametrize("seed", range(6))
def test_lagrangian_bound_and_fixings_hold_at_any_prices(seed):
    """The relaxed value is a bound at any prices, and the variables it fixes are fixed in
    every optimum better than the incumbent (here: the optimum minus one person)."""
    rng = np.random.default_rng(50 + seed)
    p = random_joint(rng, 6, 7, 14, 0.3)
    for n in (1, 2, 3):
        opt = exhaustive(p, n)
        prices = rng.random(len(p.people)) * p.people
        assert joint.lagrange_value(p, n, prices)[0] >= opt - 1e-6
        lag = joint.lagrangian(p, n, opt, steps=300)
        assert lag.value >= opt - 1e-6
        keep, out = joint.fixings(p, n, lag, opt - 1)
        small, cand, outl, _cells = joint.reduce(p, n, keep, out)
        assert exhaustive(small, n) == pytest.approx(opt)
        assert small.base + small.people.sum() >= opt - 1e-6
        assert len(cand) == p.candidates - out.sum() and len(outl) == p.outlets - keep.sum()


def test_a_warm_start_is_never_lost():
    rng = np.random.default_rng(3)
    p = random_joint(rng, 6, 6, 16, 0.25)
    start = Move([0, 1], [2, 3], p.value([0, 1], [2, 3]))
    ans = solve_joint(p, 2, [start])
    assert ans.move.value >= start.value
