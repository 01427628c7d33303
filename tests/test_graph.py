"""geo/graph.py against scipy.sparse.csgraph (the oracle, test-only): shortest paths bit for
bit, component labels, maximum flow totals; random graphs with repeated edges, isolated and
unreachable nodes, empty graphs; and the real terrain graph."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra, maximum_flow

from reach_planner.geo.graph import Graph, bipartite_max_flow, components, shortest_from


def random_edges(rng: np.random.Generator, n: int, e: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges with some (src, dst) pairs given twice (scipy sums them; three or more copies
    are summed in an order scipy does not fix) and weights over many magnitudes."""
    s, t = rng.integers(0, n, e), rng.integers(0, n, e)
    _, first = np.unique(s * n + t, return_index=True)
    twice = first[rng.random(len(first)) < 0.2]
    s, t = np.concatenate([s[first], s[twice]]), np.concatenate([t[first], t[twice]])
    w = rng.random(len(s)) * rng.choice([1e-12, 1.0, 100.0, 1e6], len(s))
    return s, t, w


def scipy_graph(n, s, t, w):
    return sparse.csr_matrix(sparse.coo_matrix((w, (s, t)), shape=(n, n)))


@pytest.mark.parametrize("seed", range(40))
def test_shortest_paths_equal_dijkstra_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    s, t, w = random_edges(rng, n, int(rng.integers(0, 4 * n)))
    source = int(rng.integers(0, n))
    for directed in (False, True):
        want = dijkstra(scipy_graph(n, s, t, w), directed=directed, indices=source)
        got = shortest_from(n, s, t, w, source, directed)
        assert np.array_equal(got, want)  # inf where unreachable, on both sides


def test_many_sources_equal_a_super_source():
    rng = np.random.default_rng(3)
    n = 300
    s, t, w = random_edges(rng, n, 900)
    start = np.full(n, np.inf)
    hit = rng.choice(n, 12, replace=False)
    start[hit] = rng.random(12) * 5
    rows, cols = np.concatenate([s, np.full(12, n)]), np.concatenate([t, hit])
    want = dijkstra(scipy_graph(n + 1, rows, cols, np.concatenate([w, start[hit]])), directed=False,
                    indices=n)[:n]
    assert np.array_equal(Graph.build(n, s, t).distances(w, start), want)


def test_edge_cases_of_the_search():
    assert np.array_equal(shortest_from(3, [], [], [], 1), [np.inf, 0.0, np.inf])
    assert np.array_equal(shortest_from(1, [0], [0], [2.0], 0), [0.0])  # a loop
    assert np.array_equal(shortest_from(3, [0, 1], [1, 2], [0.0, 0.0], 0), [0.0, 0.0, 0.0])
    assert np.array_equal(shortest_from(3, [0], [1], [1.0], 1, directed=True), [np.inf, 0.0, np.inf])
    with pytest.raises(ValueError, match="weights >= 0"):
        shortest_from(2, [0], [1], [-1.0], 0)
    with pytest.raises(ValueError, match="outside"):
        shortest_from(2, [0], [2], [1.0], 0)
    with pytest.raises(ValueError, match="source"):
        shortest_from(2, [0], [1], [1.0], 5)


def test_three_copies_of_an_edge_are_summed():
    got = shortest_from(2, [0, 0, 0], [1, 1, 1], [0.5, 0.25, 1.0], 0)
    assert got[1] == pytest.approx(1.75, abs=0)


@pytest.mark.parametrize("seed", range(40))
def test_components_equal_scipys_labels(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 200))
    e = int(rng.integers(0, 2 * n))
    s, t = rng.integers(0, n, e), rng.integers(0, n, e)
    want_k, want = connected_components(sparse.coo_matrix((np.ones(e), (s, t)), shape=(n, n)), directed=False)
    k, got = components(n, s, t)
    assert k == want_k and np.array_equal(got, want)


def test_components_of_a_long_chain_and_of_nothing():
    n = 5000
    perm = np.random.default_rng(0).permutation(n)
    k, labels = components(n, perm[:-1], perm[1:])
    assert k == 1 and not labels.any()
    k, labels = components(4, [], [])
    assert k == 4 and labels.tolist() == [0, 1, 2, 3]


def scipy_max_flow(sup, s, t, cap) -> int:
    nl, nr = len(sup), len(cap)
    size = nl + nr + 2
    rows = np.concatenate([np.zeros(nl, int), 1 + s, 1 + nl + np.arange(nr)])
    cols = np.concatenate([1 + np.arange(nl), 1 + nl + t, np.full(nr, size - 1)])
    caps = np.concatenate([sup, sup[s], cap]).astype(np.int32)
    return maximum_flow(sparse.csr_matrix((caps, (rows, cols)), shape=(size, size)), 0, size - 1).flow_value


def check_flow(flow, sup, s, t, cap) -> None:
    assert flow.dtype == np.int64 and (flow >= 0).all()
    assert (np.bincount(s, flow, len(sup)) <= sup).all()
    assert (np.bincount(t, flow, len(cap)) <= cap).all()


@pytest.mark.parametrize("seed", range(60))
def test_max_flow_total_equals_scipys_and_the_flow_is_valid(seed):
    rng = np.random.default_rng(200 + seed)
    nl, nr = int(rng.integers(1, 40)), int(rng.integers(1, 25))
    key = np.unique(rng.integers(0, nl * nr, int(rng.integers(0, 3 * nl))))
    s, t = key // nr, key % nr  # edges run only where given
    sup = rng.integers(0, 60, nl) * (rng.random(nl) < 0.9)
    cap = rng.integers(0, 80, nr)
    flow = bipartite_max_flow(sup, s, t, cap)
    check_flow(flow, sup, s, t, cap)
    assert flow.sum() == scipy_max_flow(sup, s, t, cap)


@pytest.mark.parametrize("seed", range(4))
def test_max_flow_on_national_sized_random_instances(seed):
    rng = np.random.default_rng(9 + seed)
    nl, nr = 6000, 1500
    t = rng.integers(0, nr, 40_000)
    s = np.clip((t * nl // nr) + rng.integers(-30, 30, len(t)), 0, nl - 1)  # local reach, chains
    key = np.unique(s * nr + t)
    s, t = key // nr, key % nr
    sup, cap = rng.integers(0, 300, nl), np.full(nr, (600, 900, 1200, 3000)[seed])  # tight to loose
    flow = bipartite_max_flow(sup, s, t, cap)
    check_flow(flow, sup, s, t, cap)
    assert flow.sum() == scipy_max_flow(sup, s, t, cap)


def test_max_flow_edge_cases():
    assert bipartite_max_flow([5], [], [], [3]).tolist() == []
    assert bipartite_max_flow([5, 5], [0, 1], [0, 0], [7]).sum() == 7
    assert bipartite_max_flow([0], [0], [0], [7]).tolist() == [0]
    with pytest.raises(ValueError, match=">= 0"):
        bipartite_max_flow([-1], [0], [0], [1])


def test_terrain_graph_distances_equal_scipys_dijkstra():
    from reach_planner.geo.terrain import terrain_graph

    tg = terrain_graph(20.0)
    n = tg.grid.size
    rng = np.random.default_rng(0)
    start = np.full(n, np.inf)
    hit = rng.choice(n, 40, replace=False)
    start[hit] = rng.random(40) * 10
    for w in (tg._cost, tg.length):
        rows = np.concatenate([tg._src, np.full(len(hit), n)])
        cols = np.concatenate([tg._dst, hit])
        g = scipy_graph(n + 1, rows, cols, np.concatenate([w, start[hit]]))
        want = dijkstra(g, directed=False, indices=n)[:n]
        assert np.array_equal(tg._graph.distances(w, start), want)
