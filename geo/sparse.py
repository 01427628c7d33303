"""A boolean sparse matrix (compressed rows) with exactly what the siting code needs.

The siting problems (``geo/siting``) hold "which candidate reaches which cell" as a
candidates x cells boolean matrix. It used to be a ``scipy.sparse.csr_matrix``; scipy
left the app's runtime to keep the desktop bundle small (issue 13), and this module
replaces the few operations the solvers use.

Every row's column indices are sorted and unique (scipy's canonical form), so a
product ``cover @ w`` adds each row's weights in column order starting from 0, as
scipy's ``csr_matvec`` does: ``np.bincount`` adds sequentially in array order, so the
sums, and every decision taken on them, are bit-identical to scipy's (tested).
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Index = NDArray[np.int64] | Sequence[int]


@dataclass(frozen=True, eq=False)
class BoolCSR:
    """``shape[0]`` rows; row r's true columns are ``indices[indptr[r]:indptr[r + 1]]``, ascending."""

    indptr: NDArray[np.int64]
    indices: NDArray[np.int64]
    shape: tuple[int, int]

    @classmethod
    def from_pairs(cls, rows: ArrayLike, cols: ArrayLike, shape: tuple[int, int]) -> BoolCSR:
        """True at each (row, col); repeated pairs count once."""
        n, m = int(shape[0]), int(shape[1])
        r, c = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        if len(r) and (r.min() < 0 or r.max() >= n or c.min() < 0 or c.max() >= m):
            raise ValueError(f"a (row, col) pair lies outside a {n} x {m} matrix")
        key = r * m + c
        if not np.all(key[1:] >= key[:-1]):  # (already in order: nothing to sort)
            order = _lex_order(r, c, n, m)
            r, c = r[order], c[order]
        new = np.ones(len(r), dtype=bool)
        new[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
        return cls(_indptr(r[new], n), c[new], (n, m))

    @classmethod
    def from_dense(cls, a: ArrayLike) -> BoolCSR:
        dense = np.asarray(a, dtype=bool)
        rows, cols = np.nonzero(dense)
        return cls(_indptr(rows.astype(np.int64), dense.shape[0]), cols.astype(np.int64),
                   (dense.shape[0], dense.shape[1]))

    @classmethod
    def empty(cls, shape: tuple[int, int]) -> BoolCSR:
        return cls(np.zeros(int(shape[0]) + 1, dtype=np.int64), np.zeros(0, dtype=np.int64),
                   (int(shape[0]), int(shape[1])))

    @property
    def nnz(self) -> int:
        return len(self.indices)

    @functools.cached_property
    def row_ids(self) -> NDArray[np.int64]:
        """The row of each stored entry (the COO row array)."""
        return np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))

    def row(self, i: int) -> NDArray[np.int64]:
        return self.indices[self.indptr[i]:self.indptr[i + 1]]

    def row_sizes(self) -> NDArray[np.int64]:
        return np.diff(self.indptr)

    def __matmul__(self, x: ArrayLike) -> NDArray[np.float64]:
        """``A @ x`` for a vector: each row's sum from 0 in column order (scipy's order, bit
        for bit). Rows by length, longest first: step k adds every row's k-th term at once,
        to the rows that have one (a prefix), so the loop runs over the longest row only."""
        v = np.asarray(x, dtype=np.float64)
        if v.shape != (self.shape[1],):
            raise ValueError(f"cannot multiply a {self.shape} matrix by a vector of shape {v.shape}")
        order, longer, terms = self._jagged
        picked = np.take(v, terms)
        acc = np.zeros(self.shape[0])
        at = 0
        for rows in longer:
            acc[:rows] += picked[at:at + rows]
            at += rows
        out = np.empty(self.shape[0])
        out[order] = acc
        return out

    def sums_of_rows(self, rows: NDArray[np.int64], v: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(A @ v)[rows]`` for a few rows, summed as ``@`` does (from 0, in column order):
        the rows' terms padded with zeros to the longest, then added column by column."""
        size = self.indptr[rows + 1] - self.indptr[rows]
        longest = int(size.max()) if len(size) else 0
        terms = np.zeros((longest, len(rows)))
        which = np.repeat(np.arange(len(rows)), size)
        at = _ranges(self.indptr[rows], size)
        terms[at - np.repeat(self.indptr[rows], size), which] = v[self.indices[at]]
        acc = np.zeros(len(rows))
        for k in range(longest):
            acc += terms[k]  # adding a padded 0 leaves a sum unchanged
        return acc

    @functools.cached_property
    def _jagged(self) -> tuple[NDArray[np.int64], list[int], NDArray[np.int64]]:
        """(rows longest first, how many rows have more than k terms for each k, the
        k-th column of those rows for k = 0, 1, …): the jagged-diagonal layout."""
        size = self.row_sizes()
        order = np.argsort(-size, kind="stable")
        longest = int(size.max()) if len(size) else 0
        longer = np.cumsum(np.bincount(size, minlength=longest + 1)[::-1])[::-1][1:]
        start = self.indptr[order]
        k = np.repeat(np.arange(longest), longer)
        row = _ranges(np.zeros(longest, dtype=np.int64), longer)
        return order, [int(c) for c in longer], self.indices[start[row] + k]

    def column_counts(self, rows: Index | None = None) -> NDArray[np.int64]:
        """How many rows (of ``rows``, repeats counting again) are true in each column."""
        idx = self.indices if rows is None else self.take_rows(rows).indices
        return np.bincount(idx, minlength=self.shape[1]).astype(np.int64)

    def take_rows(self, rows: Index) -> BoolCSR:
        """The rows in the order given (``A[rows]``)."""
        r = np.asarray(rows, dtype=np.int64).reshape(-1)
        start, size = self.indptr[r], np.diff(self.indptr)[r]
        return BoolCSR(_indptr_from_sizes(size), self.indices[_ranges(start, size)], (len(r), self.shape[1]))

    def take_columns(self, cols: Index) -> BoolCSR:
        """The columns in the order given (``A[:, cols]``); ``cols`` must not repeat."""
        c = np.asarray(cols, dtype=np.int64).reshape(-1)
        new = np.full(self.shape[1], -1, dtype=np.int64)
        new[c] = np.arange(len(c))
        if np.count_nonzero(new >= 0) != len(c):
            raise ValueError("take_columns needs distinct columns")
        kept = new[self.indices]
        keep = kept >= 0
        shape = (self.shape[0], len(c))
        if np.all(c[1:] > c[:-1]):  # order kept: rows stay sorted, no need to sort again
            return BoolCSR(_indptr(self.row_ids[keep], shape[0]), kept[keep], shape)
        return BoolCSR.from_pairs(self.row_ids[keep], kept[keep], shape)

    def transpose(self) -> BoolCSR:
        """Columns become rows (the CSC view), each with its row indices ascending."""
        order = _stable_order(self.indices, self.shape[1])  # rows stay ascending within a column
        return BoolCSR(_indptr(self.indices[order], self.shape[1]), self.row_ids[order],
                       (self.shape[1], self.shape[0]))

    def to_dense(self) -> NDArray[np.bool_]:
        out = np.zeros(self.shape, dtype=bool)
        out[self.row_ids, self.indices] = True
        return out

    def contained_in(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """All pairs (r, k), r != k, where row r's columns are a subset of row k's (r non-empty).

        Rather than every overlap count (``A @ A.T``: tens of millions of pairs nationally),
        each row is paired only with the rows that share its rarest column, and a pair is
        dropped at the first of r's columns (rarest first) that k lacks: most pairs fail
        at once, so the work stays near the number of pairs."""
        n, m = self.shape
        if not self.nnz:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        by_col = self.transpose()
        degree = by_col.row_sizes()
        order = _lex_order(self.row_ids, degree[self.indices], n, n + 1)  # rarest first
        ranked = self.indices[order]
        size = self.row_sizes()
        rows = np.flatnonzero(size > 0)
        rarest = ranked[self.indptr[rows]]
        pair_r = np.repeat(rows, degree[rarest])
        pair_k = by_col.indices[_ranges(by_col.indptr[rarest], degree[rarest])]
        first, last = self.indices[self.indptr[rows]], self.indices[self.indptr[rows + 1] - 1]
        lo, hi = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
        lo[rows], hi[rows] = first, last  # k must span r's first and last column too
        alive = ((pair_r != pair_k) & (size[pair_k] >= size[pair_r]) & (lo[pair_k] <= lo[pair_r])
                 & (hi[pair_k] >= hi[pair_r]))
        pair_r, pair_k = pair_r[alive], pair_k[alive]
        by_k = _stable_order(pair_k, n)  # queries by row: each search starts where the last ended
        pair_r, pair_k = pair_r[by_k], pair_k[by_k]
        keys = self.row_ids * m + self.indices  # ascending: rows, then columns
        for t in range(1, int(size.max())):
            left = size[pair_r] > t
            if not left.any():
                break
            r_t, k_t = pair_r[left], pair_k[left]
            want = k_t * m + ranked[self.indptr[r_t] + t]
            pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
            ok = np.ones(len(pair_r), dtype=bool)
            ok[left] = keys[pos] == want
            pair_r, pair_k = pair_r[ok], pair_k[ok]
        return pair_r, pair_k


class RowSums:
    """``A @ x`` for a vector that changes in a few places from call to call (the prices
    of a subgradient step, the uncovered people of an interchange): only the rows that
    touch a changed entry are summed again, each from 0 in column order, so every result
    is bit-identical to a full product. A full product when much has changed."""

    FULL = 0.05  # share of changed entries above which a full product is cheaper

    def __init__(self, a: BoolCSR) -> None:
        self.a = a
        self._by_column = a.transpose()
        self._x: NDArray[np.float64] | None = None
        self._sums = np.zeros(a.shape[0])

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        v = np.array(x, dtype=np.float64)
        if self._x is None or v.shape != self._x.shape:
            self._sums = self.a @ v
        else:
            changed = np.flatnonzero(v != self._x)
            if len(changed) > self.FULL * len(v):
                self._sums = self.a @ v
            elif len(changed):
                cols = self._by_column
                touched = np.zeros(self.a.shape[0], dtype=bool)
                start, stop = cols.indptr[changed], cols.indptr[changed + 1]
                touched[cols.indices[_ranges(start, stop - start)]] = True
                rows = np.flatnonzero(touched)
                self._sums[rows] = self.a.sums_of_rows(rows, v)
        self._x = v
        return self._sums.copy()


def _stable_order(keys: NDArray[np.int64], bound: int) -> NDArray[np.int64]:
    """``argsort(keys, kind="stable")`` for keys in 0..bound-1; 16-bit keys sort by radix (10x faster)."""
    if bound <= 1 << 16:
        return np.argsort(keys.astype(np.uint16), kind="stable").astype(np.int64)
    return np.argsort(keys, kind="stable").astype(np.int64)


def _lex_order(major: NDArray[np.int64], minor: NDArray[np.int64], major_bound: int,
               minor_bound: int) -> NDArray[np.int64]:
    """The order sorting by ``major``, then ``minor``, then position (two stable passes)."""
    order = _stable_order(minor, minor_bound)
    return order[_stable_order(major[order], major_bound)]


def _indptr(sorted_rows: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    return _indptr_from_sizes(np.bincount(sorted_rows, minlength=n))


def _indptr_from_sizes(size: NDArray[np.int64]) -> NDArray[np.int64]:
    out = np.zeros(len(size) + 1, dtype=np.int64)
    np.cumsum(size, out=out[1:])
    return out


def _ranges(start: NDArray[np.int64], size: NDArray[np.int64]) -> NDArray[np.int64]:
    """The concatenation of ``arange(s, s + z)`` for each (s, z), without a Python loop."""
    total = int(size.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(size)
    step = np.ones(total, dtype=np.int64)
    nonempty = size > 0
    first = (ends - size)[nonempty]
    step[first] = start[nonempty] - np.concatenate([[0], (start + size - 1)[nonempty][:-1]])
    step[0] = start[nonempty][0]
    return np.cumsum(step)
