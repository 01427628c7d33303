"""Graph searches in numpy: shortest paths, connected components, a bipartite maximum flow.

They replace ``scipy.sparse.csgraph`` (scipy left the app's runtime to keep the desktop
bundle small, issue 13). Each is vectorised over edges, never a Python loop per node:

* :func:`shortest_from` relaxes, round after round, the edges of the nodes whose
  distance fell in the last round (a label-correcting search; ``np.minimum.at`` keeps
  the smallest offer). It stops at the fixed point where no edge improves a node.
  That fixed point is Dijkstra's answer bit for bit: with weights >= 0 and rounding
  monotone, both give each node the smallest left-to-right float sum over its paths.
* :func:`components` hooks the larger of two roots under the smaller along every edge
  and halves paths until nothing changes; a component's root is then its smallest node,
  and components are numbered in that order (scipy's numbering).
* :func:`bipartite_max_flow` fills outlets greedily, then augments along shortest
  residual paths found by breadth-first search until no path is left (a maximum flow,
  by the max-flow min-cut theorem).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reach_planner.geo.sparse import _indptr, _ranges

BUCKET_EDGES = 1.0  # delta-stepping: the bucket width in typical edge weights


@dataclass(frozen=True, eq=False)
class Graph:
    """A graph's edges in compressed form: built once, searched with any edge weights.

    As in scipy's sparse graphs, repeated (src, dst) edges are one edge whose weight is
    their sum, and an undirected graph lets each edge be used both ways."""

    n: int
    ptr: NDArray[np.int64]  # the arcs leaving node u are ptr[u]:ptr[u + 1]
    head: NDArray[np.int64]  # where each arc goes
    edge: NDArray[np.int64]  # the (merged) edge each arc runs along
    merge: NDArray[np.int64] | None  # given edge -> merged edge; None when none repeats
    edges: int  # how many edges were given

    @classmethod
    def build(cls, n: int, src: ArrayLike, dst: ArrayLike, directed: bool = False) -> Graph:
        s, t = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
        if len(s) != len(t):
            raise ValueError("src and dst must have the same length")
        if len(s) and (min(s.min(), t.min()) < 0 or max(s.max(), t.max()) >= n):
            raise ValueError(f"an edge names a node outside 0..{n - 1}")
        uniq, inv = np.unique(s * n + t, return_inverse=True)
        merge = None if len(uniq) == len(s) else inv.ravel().astype(np.int64)
        if merge is None:
            edge = np.arange(len(s), dtype=np.int64)
        else:
            s, t, edge = uniq // n, uniq % n, np.arange(len(uniq), dtype=np.int64)
        if not directed:
            s, t, edge = np.concatenate([s, t]), np.concatenate([t, s]), np.concatenate([edge, edge])
        order = np.argsort(s, kind="stable")
        return cls(n, _indptr(s[order], n), t[order], edge[order], merge, len(np.asarray(src)))

    def distances(self, weight: ArrayLike, start: ArrayLike) -> NDArray[np.float64]:
        """Least ``start[s]`` + path weight over all nodes s with a finite start (inf: none)."""
        w = np.asarray(weight, dtype=np.float64)
        if w.shape != (self.edges,):
            raise ValueError(f"need one weight per edge ({self.edges}), got shape {w.shape}")
        if len(w) and not np.all(w >= 0):
            raise ValueError("shortest paths need weights >= 0 (and no NaN)")
        if self.merge is not None:
            w = np.bincount(self.merge, weights=w, minlength=int(self.merge.max()) + 1)
        cost = w[self.edge]
        dist = np.array(start, dtype=np.float64)
        dirty = np.isfinite(dist)  # distance fell since its arcs were last relaxed
        step = BUCKET_EDGES * float(np.median(cost)) if len(cost) else 1.0
        while dirty.any():
            # Delta-stepping: relax only the nodes near the smallest open distance, so a
            # node far out is rarely relaxed with a distance that later falls again.
            frontier = np.flatnonzero(dirty & (dist <= dist[dirty].min() + step))
            dirty[frontier] = False
            size = self.ptr[frontier + 1] - self.ptr[frontier]
            arcs = _ranges(self.ptr[frontier], size)
            offer = np.repeat(dist[frontier], size) + cost[arcs]
            to = self.head[arcs]
            better = offer < dist[to]
            to, offer = to[better], offer[better]
            np.minimum.at(dist, to, offer)
            dirty[to] = True
        return dist


def shortest_from(n: int, src: ArrayLike, dst: ArrayLike, weight: ArrayLike, source: int,
                  directed: bool = False) -> NDArray[np.float64]:
    """Least total weight from ``source`` to every node (inf where unreachable)."""
    if not 0 <= source < n:
        raise ValueError(f"source {source} is not a node of a graph of {n}")
    start = np.full(n, np.inf)
    start[source] = 0.0
    return Graph.build(n, src, dst, directed).distances(weight, start)


def components(n: int, src: ArrayLike, dst: ArrayLike) -> tuple[int, NDArray[np.int64]]:
    """(count, label per node) of the undirected graph; labels run 0, 1, … in order of each
    component's smallest node, as scipy's ``connected_components`` numbers them."""
    u, v = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    parent = np.arange(n, dtype=np.int64)
    while len(u):
        pu, pv = parent[u], parent[v]
        split = pu != pv
        u, v, pu, pv = u[split], v[split], pu[split], pv[split]  # joined trees stay joined
        if not len(u):
            break
        np.minimum.at(parent, np.maximum(pu, pv), np.minimum(pu, pv))  # a root goes under a smaller node
        while True:  # pointer jumping until every node points at its root
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
    is_root = parent == np.arange(n)
    rank = np.cumsum(is_root) - 1  # roots numbered in index order
    return int(is_root.sum()), rank[parent].astype(np.int64)


def bipartite_max_flow(supply: ArrayLike, src: ArrayLike, dst: ArrayLike, capacity: ArrayLike
                       ) -> NDArray[np.int64]:
    """Integer flow on each edge (src -> dst) of a maximum flow from a source feeding each
    left node ``i`` at most ``supply[i]`` to a sink taking at most ``capacity[j]`` from each
    right node ``j``. Edges themselves are not limited.

    The total is the maximum; the split over edges is one maximum flow among possibly
    many (it need not be the one another algorithm, e.g. scipy's Dinic, returns)."""
    sup = np.asarray(supply, dtype=np.int64).copy()
    s, t = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    spare = np.asarray(capacity, dtype=np.int64).copy()
    if (sup < 0).any() or (spare < 0).any():
        raise ValueError("supplies and capacities must be >= 0")
    flow = _greedy_fill(sup, s, t, spare)
    if len(s):
        _augment(sup, s, t, spare, flow)
    return flow


def _greedy_fill(sup: NDArray[np.int64], s: NDArray[np.int64], t: NDArray[np.int64],
                 spare: NDArray[np.int64]) -> NDArray[np.int64]:
    """A first flow: in round r each left node offers what it has left to its r-th edge;
    each right node takes offers in order of left node until full. Updates sup and spare."""
    flow = np.zeros(len(s), dtype=np.int64)
    order = np.lexsort((np.arange(len(s)), s))
    rank = np.empty(len(s), dtype=np.int64)
    rank[order] = np.arange(len(s)) - _indptr(s[order], len(sup))[s[order]]
    by_rank = np.argsort(rank, kind="stable")
    ptr = _indptr(rank[by_rank], int(rank.max()) + 1 if len(s) else 0)
    for r in range(len(ptr) - 1):
        e = by_rank[ptr[r]:ptr[r + 1]]
        e = e[(sup[s[e]] > 0) & (spare[t[e]] > 0)]
        if not len(e):
            continue
        e = e[np.lexsort((s[e], t[e]))]
        offer = sup[s[e]]
        before = np.cumsum(offer) - offer
        first = _indptr(t[e], len(spare))[t[e]]
        queued = before - before[first]  # offered to the same right node by earlier left nodes
        take = np.clip(spare[t[e]] - queued, 0, offer)
        flow[e] += take
        sup[s[e]] -= take
        np.subtract.at(spare, t[e], take)
    return flow


def _augment(sup: NDArray[np.int64], s: NDArray[np.int64], t: NDArray[np.int64],
             spare: NDArray[np.int64], flow: NDArray[np.int64]) -> None:
    """Augmenting paths until none is left: left nodes with supply -> edge -> right node
    -> back along an edge carrying flow -> left node -> … -> a right node with room."""
    n_left, n_right = len(sup), len(spare)
    by_left = np.argsort(s, kind="stable")
    left_ptr = _indptr(s[by_left], n_left)
    by_right = np.argsort(t, kind="stable")
    right_ptr = _indptr(t[by_right], n_right)
    while True:
        reach_edge, back_edge, root = _search(sup, s, t, spare, flow, by_left, left_ptr,
                                              by_right, right_ptr)
        targets = np.flatnonzero((reach_edge >= 0) & (spare > 0))
        if not len(targets):
            return
        _push_paths(targets, reach_edge, back_edge, root, sup, s, t, spare, flow)


def _search(sup, s, t, spare, flow, by_left, left_ptr, by_right, right_ptr):
    """Breadth-first search of the residual graph from every left node with supply.
    Returns the edge that first reached each right node and each left node (-1: not
    reached) and whether a left node is a root."""
    n_left, n_right = len(sup), len(spare)
    reach_edge = np.full(n_right, -1, dtype=np.int64)
    back_edge = np.full(n_left, -1, dtype=np.int64)
    root = sup > 0
    seen = root.copy()
    frontier = np.flatnonzero(root)
    while len(frontier):
        e = by_left[_ranges(left_ptr[frontier], left_ptr[frontier + 1] - left_ptr[frontier])]
        e = e[reach_edge[t[e]] < 0]
        heads, first = np.unique(t[e], return_index=True)
        reach_edge[heads] = e[first]
        e = by_right[_ranges(right_ptr[heads], right_ptr[heads + 1] - right_ptr[heads])]
        e = e[(flow[e] > 0) & ~seen[s[e]]]
        tails, first = np.unique(s[e], return_index=True)
        back_edge[tails] = e[first]
        seen[tails] = True
        frontier = tails
    return reach_edge, back_edge, root


def _push_paths(targets, reach_edge, back_edge, root, sup, s, t, spare, flow) -> None:
    """Augment along the search tree's path to each target, in turn (paths share edges,
    so each takes what its predecessors left)."""
    s_l, t_l, reach_l, back_l, root_l = s.tolist(), t.tolist(), reach_edge.tolist(), \
        back_edge.tolist(), root.tolist()
    for j in targets.tolist():
        forward, backward = [], []
        e = reach_l[j]
        while True:
            forward.append(e)
            i = s_l[e]
            if root_l[i]:
                break
            b = back_l[i]
            backward.append(b)
            e = reach_l[t_l[b]]
        amount = min(int(spare[j]), int(sup[i]), *(int(flow[b]) for b in backward))
        if amount <= 0:
            continue
        flow[forward] += amount
        flow[backward] -= amount
        sup[i] -= amount
        spare[j] -= amount
