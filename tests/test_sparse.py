"""geo/sparse.py against scipy.sparse (the oracle, test-only): construction with repeated
pairs and empty shapes, products bit for bit, row/column selection, counts, transpose,
containment (``A @ A.T``) and the HiGHS constraint matrix of the exact model."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from reach_planner.geo.siting.exact import _columns
from reach_planner.geo.sparse import BoolCSR, RowSums


def random_pairs(rng: np.random.Generator, n: int, m: int, k: int):
    if not n or not m:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    r, c = rng.integers(0, n, k), rng.integers(0, m, k)
    return np.concatenate([r, r[: k // 5]]), np.concatenate([c, c[: k // 5]])  # repeats


def both(rng, n, m, k):
    r, c = random_pairs(rng, n, m, k)
    return BoolCSR.from_pairs(r, c, (n, m)), sparse.csr_matrix((np.ones(len(r), bool), (r, c)), shape=(n, m))


SHAPES = [(0, 0), (0, 5), (5, 0), (1, 1), (7, 3), (30, 40), (200, 150)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", range(5))
def test_construction_equals_scipys_canonical_csr(shape, seed):
    rng = np.random.default_rng(seed)
    a, s = both(rng, *shape, k=int(rng.integers(0, 3 * max(shape) + 1)))
    assert a.shape == s.shape and a.nnz == s.nnz
    assert np.array_equal(a.indptr, s.indptr) and np.array_equal(a.indices, s.indices)
    assert np.array_equal(a.to_dense(), s.toarray())
    assert np.array_equal(BoolCSR.from_dense(s.toarray()).indices, a.indices)


@pytest.mark.parametrize("seed", range(20))
def test_products_are_bit_identical_to_scipys(seed):
    rng = np.random.default_rng(10 + seed)
    n, m = int(rng.integers(1, 300)), int(rng.integers(1, 300))
    a, s = both(rng, n, m, int(rng.integers(0, 20 * n)))
    for _ in range(3):
        x = rng.random(m) * rng.choice([1e-9, 1.0, 1e7], m)  # rounding happens
        assert np.array_equal(a @ x, s.astype(np.float64) @ x)
        masked = x * (rng.random(m) < 0.5)  # greedy's "people not yet covered"
        assert np.array_equal(a @ masked, s @ masked)
    x = rng.random(m) * 1e3
    assert np.array_equal(a @ x, s @ x)


def test_a_product_adds_each_row_in_column_order_from_zero():
    a = BoolCSR.from_pairs([0, 0, 0], [0, 1, 2], (1, 3))
    x = np.array([1e16, 1.0, 1.0])
    assert (a @ x)[0] == (1e16 + 1.0) + 1.0 != 1e16 + 2.0


def test_selection_counts_and_transpose_equal_scipys():
    rng = np.random.default_rng(1)
    a, s = both(rng, 60, 80, 700)
    rows = rng.integers(0, 60, 25)  # with repeats
    assert np.array_equal(a.take_rows(rows).to_dense(), s[rows].toarray())
    assert np.array_equal(a.take_rows([]).to_dense(), np.zeros((0, 80), bool))
    assert np.array_equal(a.column_counts(rows), np.asarray(s[rows].sum(axis=0)).ravel())
    assert np.array_equal(a.column_counts(), np.diff(s.tocsc().indptr))
    for cols in (np.sort(rng.choice(80, 30, replace=False)), rng.permutation(80)[:30], np.arange(0)):
        got, want = a.take_columns(cols), s[:, cols]
        assert np.array_equal(got.to_dense(), want.toarray())
        assert np.array_equal(got.indptr, want.tocsr().indptr)
        assert all(np.all(np.diff(got.row(i)) > 0) for i in range(60))  # rows stay sorted
    with pytest.raises(ValueError, match="distinct"):
        a.take_columns([1, 1])
    t = a.transpose()
    assert np.array_equal(t.indptr, s.tocsc().indptr) and np.array_equal(t.indices, s.tocsc().indices)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="outside a 2 x 2"):
        BoolCSR.from_pairs([0, 2], [0, 0], (2, 2))
    with pytest.raises(ValueError, match="vector of shape"):
        BoolCSR.empty((2, 3)) @ np.ones(2)


@pytest.mark.parametrize("seed", range(12))
def test_containment_equals_the_overlap_product(seed):
    rng = np.random.default_rng(50 + seed)
    n, m = int(rng.integers(1, 80)), int(rng.integers(1, 40))
    dense = rng.random((n, m)) < rng.uniform(0.02, 0.4)
    dense[rng.integers(0, n, n // 4)] = dense[rng.integers(0, n, n // 4)]  # equal rows
    a, s = BoolCSR.from_dense(dense), sparse.csr_matrix(dense).astype(np.int32)
    ov = (s @ s.T).tocoo()
    size = np.diff(s.indptr)
    keep = (ov.data == size[ov.row]) & (ov.row != ov.col)
    want = set(zip(ov.row[keep].tolist(), ov.col[keep].tolist()))
    assert set(zip(*(x.tolist() for x in a.contained_in()))) == want


@pytest.mark.parametrize("shape", [(1, 1), (4, 6), (40, 25), (3, 0)])
def test_exact_model_matrix_equals_the_scipy_construction(shape):
    n, m = shape
    rng = np.random.default_rng(n * 100 + m)
    a, s = both(rng, n, m, 3 * n)
    cover = s.astype(np.float64)
    want = sparse.vstack([sparse.hstack([-cover.T, sparse.identity(m)]),
                          sparse.hstack([sparse.csr_matrix(np.ones((1, n))), sparse.csr_matrix((1, m))])]).tocsc()
    start, index, value = _columns(a)
    assert np.array_equal(start, want.indptr) and np.array_equal(index, want.indices)
    assert np.array_equal(value, want.data)


def test_row_sums_follow_a_changing_vector_bit_for_bit():
    rng = np.random.default_rng(8)
    a, s = both(rng, 400, 300, 6000)
    sums = RowSums(a)
    x = rng.random(300) * 1e4
    for step in range(40):
        where = rng.choice(300, (1, 5, 40, 300)[step % 4], replace=False)  # few to all changed
        x = x.copy()
        x[where] = rng.random(len(where)) * rng.choice([1e-6, 1.0, 1e6])
        got = sums(x)
        assert np.array_equal(got, s.astype(np.float64) @ x)
        got[:] = -1.0  # a caller may scribble on the answer
    assert np.array_equal(sums(x), s @ x)
    rows = np.array([0, 7, 399])
    assert np.array_equal(a.sums_of_rows(rows, x), (s @ x)[rows])
