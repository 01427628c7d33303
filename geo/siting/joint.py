"""Relocation as one model: close m existing outlets and open m candidate sites (m <= N).

    maximise  base + sum_j people_j * y_j
    s.t.      y_j <= sum_i a_ij x_i + sum_k b_kj z_k   (a cell counts if a new or kept outlet reaches it)
              sum_i x_i <= N,   sum_i x_i = sum_k (1 - z_k)   (every new outlet is a moved one)
              x, z binary, 0 <= y <= 1

``a``: candidate x cell reach, ``b``: outlet x cell reach (``z_k = 1``: outlet k stays).
Closing and opening are chosen together, so a closure is judged by what the new
outlets give back, and a relocation is never worse than its warm starts (HiGHS keeps
the incumbent).

**Bound.** Relaxing the cover rows with a price per cell (0 <= p <= people) splits the
model: cells keep people - p, candidates collect A p, outlets collect B p, and the best
"m moves" opens the m largest candidate collections and closes the m smallest outlet
collections, for the best m <= N. That Lagrangian value is an upper bound for any
prices (subgradient steps lower it towards the LP bound). Its prices also fix
variables (reduced-cost fixing): an outlet whose forced closure drops the bound below
the incumbent stays in every better answer, so the cells it reaches are covered for
good and leave the model; a candidate whose forced opening does the same leaves too.
The MILP on what is left is exact for every better answer, so its dual bound holds for
the whole model; when what is left is still too large for the time cap, the MILP runs
on a pool (the cheapest outlets, the best collectors) and only the Lagrangian bound is
claimed.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from reach_planner.geo.siting.bound import top_k
from reach_planner.geo.siting.exact import _banner_silenced, _watch
from reach_planner.geo.siting.problem import column_counts

Progress = Callable[[int, str], None]
EXACT_MAX_COLUMNS = 6000  # binaries HiGHS gets after fixing for the bound to be its own
POOL_OUTLETS = 3  # x N cheapest outlets in a pooled MILP
POOL_CANDIDATES = 6  # x N best collectors in a pooled MILP
STEPS = 400  # subgradient iterations of the bound


@dataclass(frozen=True, eq=False)
class JointProblem:
    """Cells (people), candidate x cell reach ``a``, outlet x cell reach ``b`` (canonical
    bool CSR), and ``base``: people covered whatever moves (left out of the cells)."""

    people: NDArray[np.float64]
    a: sparse.csr_matrix
    b: sparse.csr_matrix
    base: float = 0.0

    @property
    def outlets(self) -> int:
        return int(self.b.shape[0])

    @property
    def candidates(self) -> int:
        return int(self.a.shape[0])

    def value(self, opened: list[int], closed: list[int]) -> float:
        """Covered people with ``opened`` candidates added and ``closed`` outlets gone."""
        kept = np.setdiff1d(np.arange(self.outlets), np.asarray(closed, dtype=np.int64))
        reached = (column_counts(self.b, kept) > 0) | (column_counts(self.a, opened) > 0)
        return self.base + float(self.people[reached].sum())


@dataclass(frozen=True)
class Move:
    opened: list[int]  # candidate indices
    closed: list[int]  # outlet indices
    value: float


@dataclass(frozen=True)
class JointAnswer:
    move: Move
    bound: float  # proven: no relocation of at most N outlets covers more
    status: str  # optimal | within tolerance | time limit | heuristic
    exact: bool  # the MILP saw every answer that could beat the warm start
    columns: int  # binaries in the MILP


@dataclass(frozen=True)
class _Lagrange:
    value: float
    prices: NDArray[np.float64]


def lagrange_value(p: JointProblem, count: int, prices: NDArray[np.float64]
                   ) -> tuple[float, NDArray[np.float64], NDArray[np.float64], int]:
    """The relaxed model's value at ``prices`` (an upper bound), the candidate and outlet
    collections, and the best number of moves."""
    got_a = p.a @ prices if p.candidates else np.zeros(0)
    got_b = p.b @ prices if p.outlets else np.zeros(0)
    moves = _gains(got_a, got_b, count)
    m = int(np.argmax(moves))
    value = p.base + float((p.people - prices).sum()) + float(got_b.sum()) + float(moves[m])
    return value, got_a, got_b, m


def _gains(got_a: NDArray[np.float64], got_b: NDArray[np.float64], count: int) -> NDArray[np.float64]:
    """Best "open m, close m" collection change for m = 0..min(N, candidates, outlets)."""
    top = min(count, len(got_a), len(got_b))
    opened = np.sort(got_a)[::-1][:top]
    closed = np.sort(got_b)[:top]
    return np.concatenate([[0.0], np.cumsum(opened - closed)])


def lagrangian(p: JointProblem, count: int, lower: float, steps: int = STEPS,
               start: NDArray[np.float64] | None = None, tolerance: float = 1e-5,
               progress: Progress | None = None) -> _Lagrange:
    """Subgradient descent (Polyak steps aimed at ``lower``) on the cell prices; stops
    when the bound is within ``tolerance`` of the gain over no move (not of the whole
    covered figure: that would let it stop hundreds of thousands of people early)."""
    w = p.people
    today = p.value([], [])
    price = np.clip(0.3 * w if start is None else start, 0.0, w)
    best, best_prices = float("inf"), price.copy()
    every_b = column_counts(p.b)  # kept = every outlet less the few closed: counted so
    theta, stall = 1.0, 0
    for it in range(steps):
        value, got_a, got_b, m = lagrange_value(p, count, price)
        if value < best - 1e-9:
            best, best_prices, stall = value, price.copy(), 0
        else:
            stall += 1
            if stall >= 20:
                theta, stall = theta / 2, 0
        if best - lower <= max(tolerance * (best - today), 0.5) or theta < 1e-6:
            break
        opened = top_k(got_a, m)[:m] if m else np.zeros(0, np.int64)
        closed = np.argsort(got_b, kind="stable")[:m]
        g = column_counts(p.a, opened) + every_b - column_counts(p.b, closed) - 1.0
        g[(price <= 0) & (g > 0)] = 0.0  # projected: a price at 0 cannot fall further
        g[(price >= w) & (g < 0)] = 0.0
        norm = float((g * g).sum())
        if norm == 0:
            break
        price = np.clip(price - theta * (value - lower) / norm * g, 0.0, w)
        if progress and it % 50 == 0:
            progress(40 + int(20 * it / steps), f"relocation bound {best:,.0f}")
    return _Lagrange(best, best_prices)


def fixings(p: JointProblem, count: int, lag: _Lagrange, incumbent: float
            ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """(outlets kept in every better answer, candidates in none), by reduced costs.

    Forcing outlet k closed (k not among the N cheapest) lowers the bound to
    const + max_{1<=m<=N}(A_m - C_{m-1}) - c_k; forcing candidate i open (i not among the
    N best) to const + a_i + max_{1<=m<=N}(A_{m-1} - C_m). Below the incumbent: fixed."""
    value, got_a, got_b, _m = lagrange_value(p, count, lag.prices)
    const = value - float(_gains(got_a, got_b, count).max())
    top = min(count, p.candidates, p.outlets)
    keep, out = np.zeros(p.outlets, dtype=bool), np.zeros(p.candidates, dtype=bool)
    if top == 0:
        return keep, out
    order_a, order_b = np.argsort(-got_a, kind="stable"), np.argsort(got_b, kind="stable")
    a_sum = np.concatenate([[0.0], np.cumsum(got_a[order_a][:top])])
    c_sum = np.concatenate([[0.0], np.cumsum(got_b[order_b][:top])])
    close_k = float(np.max(a_sum[1:] - c_sum[:-1]))
    open_i = float(np.max(a_sum[:-1] - c_sum[1:]))
    margin = incumbent - 1e-6 * max(abs(incumbent), 1.0)
    keep[order_b[top:]] = const + close_k - got_b[order_b[top:]] < margin
    out[order_a[top:]] = const + open_i + got_a[order_a[top:]] < margin
    return keep, out


def reduce(p: JointProblem, count: int, keep: NDArray[np.bool_], out: NDArray[np.bool_]
           ) -> tuple[JointProblem, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Fixed-kept outlets leave (their cells are covered for good), fixed-out candidates
    leave, cells reached by more than N outlets are covered whatever moves, cells nobody
    reaches go. Returns the smaller model and the original index of each candidate,
    outlet and cell left."""
    cand = np.flatnonzero(~out)
    outl = np.flatnonzero(~keep)
    safe = column_counts(p.b, np.flatnonzero(keep)) > 0
    a, b = p.a[cand], p.b[outl]
    many = column_counts(b) > count
    reached = (column_counts(a) > 0) | (column_counts(b) > 0)
    done = safe | many
    cells = np.flatnonzero(reached & ~done)
    base = p.base + float(p.people[done].sum())
    small = JointProblem(p.people[cells], _cols(a, cells), _cols(b, cells), base)
    return small, cand, outl, cells


def _cols(m: sparse.csr_matrix, cols: NDArray[np.int64]) -> sparse.csr_matrix:
    out = m[:, cols].tocsr()
    out.sort_indices()
    return out


def solve_joint(p: JointProblem, count: int, starts: list[Move], time_limit: float = 30.0,
                progress: Progress | None = None) -> JointAnswer:
    """The best relocation of at most ``count`` outlets, from the best of ``starts``."""
    t0 = time.perf_counter()
    best = max(starts, key=lambda s: s.value) if starts else Move([], [], p.value([], []))
    lag = lagrangian(p, count, best.value, progress=progress)
    keep, out = fixings(p, count, lag, best.value)
    small, cand, outl, cells = reduce(p, count, keep, out)
    exact = small.candidates + small.outlets <= EXACT_MAX_COLUMNS
    if not exact:
        small, cand, outl = _pool(small, cand, outl, count, best, lag.prices[cells])
    start = _local(best, cand, outl)
    left = max(1.0, time_limit - (time.perf_counter() - t0))
    if progress:
        progress(70, "exact solver on the relocation model")
    got = milp(small, count, start, left, progress)
    moved = Move([int(cand[i]) for i in got.opened], [int(outl[k]) for k in got.closed], 0.0)
    moved = Move(moved.opened, moved.closed, p.value(moved.opened, moved.closed))
    if moved.value > best.value + 1e-6:
        best = moved
    bound = min(lag.value, max(got.bound, best.value)) if exact else lag.value
    bound = max(bound, best.value)
    status = "time limit" if got.status.startswith("time limit") else _status(best.value, bound)
    return JointAnswer(best, bound, status, exact, small.candidates + small.outlets)


def _status(value: float, bound: float) -> str:
    if bound - value < 0.5:
        return "optimal"
    return "within tolerance" if bound - value <= 1e-3 * bound else "heuristic"


def _local(move: Move, cand: NDArray[np.int64], outl: NDArray[np.int64]) -> Move:
    """The warm start in the reduced model's indices (its fixed parts are implied)."""
    ci = {int(c): i for i, c in enumerate(cand)}
    oi = {int(o): i for i, o in enumerate(outl)}
    return Move([ci[c] for c in move.opened if c in ci], [oi[k] for k in move.closed if k in oi],
                move.value)


def _pool(small: JointProblem, cand: NDArray[np.int64], outl: NDArray[np.int64], count: int,
          best: Move, prices: NDArray[np.float64]
          ) -> tuple[JointProblem, NDArray[np.int64], NDArray[np.int64]]:
    """A heuristic restriction for a MILP within the time cap: the outlets that lose
    least alone, the candidates that collect most at the bound's prices, and the warm
    start's own; every other outlet stays, every other candidate stays shut."""
    counts = column_counts(small.b)
    alone = small.b @ (small.people * (counts == 1))
    collect = small.a @ prices
    o_rows = np.union1d(np.argsort(alone, kind="stable")[:POOL_OUTLETS * count],
                        np.flatnonzero(np.isin(outl, best.closed)))
    c_rows = np.union1d(top_k(collect, min(POOL_CANDIDATES * count, len(collect))),
                        np.flatnonzero(np.isin(cand, best.opened)))
    keep = np.ones(small.outlets, dtype=bool)
    keep[o_rows] = False
    out = np.ones(small.candidates, dtype=bool)
    out[c_rows] = False
    pooled, c2, o2, _cells = reduce(small, count, keep, out)
    return pooled, cand[c2], outl[o2]


@dataclass(frozen=True)
class _Milp:
    opened: list[int]
    closed: list[int]
    bound: float
    status: str


def milp(p: JointProblem, count: int, start: Move, time_limit: float,
         progress: Progress | None = None) -> _Milp:
    """HiGHS on the joint model, warm-started; the bound includes ``base``."""
    import highspy

    from reach_planner.geo.scenario import Cancelled

    n, m, c = p.candidates, p.outlets, len(p.people)
    with _banner_silenced():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 1e-6)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("random_seed", 0)
    h.passModel(_model(p, count, highspy))
    x0 = np.concatenate([np.zeros(n), np.ones(m), np.zeros(c)])
    x0[start.opened] = 1.0
    x0[n + np.asarray(start.closed, dtype=np.int64)] = 0.0
    kept = np.setdiff1d(np.arange(m), np.asarray(start.closed, dtype=np.int64))
    x0[n + m:] = (column_counts(p.a, start.opened) + column_counts(p.b, kept)) > 0
    sol = highspy.HighsSolution()
    sol.col_value = x0.tolist()
    h.setSolution(sol)
    cancelled, _reached = _watch(h, progress)
    h.run()
    if cancelled:
        raise Cancelled()
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus()).lower()
    values = np.asarray(h.getSolution().col_value) if info.primal_solution_status else x0
    opened = [int(i) for i in np.flatnonzero(values[:n] > 0.5)]
    closed = [int(k) for k in np.flatnonzero(values[n:n + m] < 0.5)]
    bound = -float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else float("inf")
    return _Milp(opened, closed, p.base + bound, status)


def _model(p: JointProblem, count: int, highspy):
    """Columns x (candidates), z (outlets), y (cells); rows: one per cell
    (y - a x - b z <= 0), sum x <= N, sum x + sum z = outlets."""
    n, m, c = p.candidates, p.outlets, len(p.people)
    rows = sparse.hstack([-p.a.T.astype(np.float64), -p.b.T.astype(np.float64)])  # c x (n+m)
    a = sparse.bmat([[rows, sparse.identity(c)],
                     [sparse.csr_matrix(np.concatenate([np.ones((1, n)), np.zeros((1, m))], axis=1)),
                      None],
                     [sparse.csr_matrix(np.ones((1, n + m))), None]], format="csc")
    a.sort_indices()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + m + c, c + 2
    lp.col_cost_ = np.concatenate([np.zeros(n + m), -p.people])  # HiGHS minimises
    lp.col_lower_ = np.zeros(n + m + c)
    lp.col_upper_ = np.ones(n + m + c)
    lp.row_lower_ = np.concatenate([np.full(c, -highspy.kHighsInf), [-highspy.kHighsInf, float(m)]])
    lp.row_upper_ = np.concatenate([np.zeros(c), [float(count), float(m)]])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(np.float64)
    lp.integrality_ = ([highspy.HighsVarType.kInteger] * (n + m)
                       + [highspy.HighsVarType.kContinuous] * c)
    return lp
