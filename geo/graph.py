"""Graph searches in numpy: shortest paths, connected components, a bipartite maximum flow.

They replace ``scipy.sparse.csgraph`` (scipy left the app's runtime to keep the desktop
bundle small, issue 13). The searches are vectorised over edges, never a Python loop per node:

* :func:`shortest_from` relaxes, round after round, the edges of the nodes whose
  distance fell since they were last relaxed, those near the smallest open distance
  first (delta-stepping; ``np.minimum.at`` keeps the smallest offer). It stops at the
  fixed point where no edge improves a node.
  That fixed point is Dijkstra's answer bit for bit: with weights >= 0 and rounding
  monotone, both give each node the smallest left-to-right float sum over its paths.
* :func:`components` hooks the larger of two roots under the smaller along every edge
  and halves paths until nothing changes; a component's root is then its smallest node,
  and components are numbered in that order (scipy's numbering).
* :func:`bipartite_max_flow` fills outlets greedily, then runs push-relabel in waves:
  exact distance labels from one breadth-first search, then one sweep over all nodes of
  a level at a time, from the farthest level down; until no excess can reach room. A
  maximum flow, by the max-flow min-cut theorem; slower than scipy's compiled Dinic on
  hard instances (a few times, see bench/bench_graph.py).
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
        key = s * n + t
        ordered = key[np.argsort(key, kind="stable")]  # (fast on runs, as offsets give them)
        merge = None
        edge = np.arange(len(s), dtype=np.int64)
        if np.any(ordered[1:] == ordered[:-1]):
            uniq, inv = np.unique(key, return_inverse=True)
            merge = inv.ravel().astype(np.int64)
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
            w = np.bincount(self.merge, weights=w, minlength=int(self.merge.max()) + 1).astype(np.float64)
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
    cap = np.asarray(capacity, dtype=np.int64)
    if (sup < 0).any() or (cap < 0).any():
        raise ValueError("supplies and capacities must be >= 0")
    if len(s) != len(t):
        raise ValueError("src and dst must have the same length")
    flow = _greedy_fill(sup, s, t, cap.copy())
    if len(s):
        _Bipartite(s, t, len(sup), len(cap)).push_relabel(sup, cap, flow)
    return flow


def _greedy_fill(sup: NDArray[np.int64], s: NDArray[np.int64], t: NDArray[np.int64],
                 spare: NDArray[np.int64]) -> NDArray[np.int64]:
    """A first flow: each round, every left node with supply left offers all of it to the
    right node in reach with the most room; right nodes take offers from the left nodes
    with the fewest edges first, until full. Rounds go on while anything is taken.
    Updates sup and spare."""
    flow = np.zeros(len(s), dtype=np.int64)
    e = np.arange(len(s))
    degree = np.bincount(s, minlength=len(sup))
    while True:
        e = e[(sup[s[e]] > 0) & (spare[t[e]] > 0)]
        if not len(e):
            return flow
        best = e[np.lexsort((e, -spare[t[e]], s[e]))]
        best = best[np.r_[True, s[best][1:] != s[best][:-1]]]  # one edge per left node
        best = best[np.lexsort((s[best], degree[s[best]], t[best]))]
        take = _in_turn(t[best], sup[s[best]], spare)
        if not take.any():
            return flow
        flow[best] += take
        sup[s[best]] -= take
        np.subtract.at(spare, t[best], take)


def _in_turn(group: NDArray[np.int64], amount: NDArray[np.int64], room: NDArray[np.int64]
             ) -> NDArray[np.int64]:
    """What each item takes when the items of a group (sorted by group) take ``amount``
    in turn from the group's ``room`` until it runs out."""
    before = np.cumsum(amount) - amount
    first = _indptr(group, len(room))[group]
    return np.clip(room[group] - (before - before[first]), 0, amount)


class _Bipartite:
    """The edges from either side, and synchronous push-relabel waves over them."""

    def __init__(self, s: NDArray[np.int64], t: NDArray[np.int64], n_left: int, n_right: int) -> None:
        self.s, self.t = s, t
        self.by_left, self.by_right = np.argsort(s, kind="stable"), np.argsort(t, kind="stable")
        self.left_ptr, self.right_ptr = _indptr(s[self.by_left], n_left), _indptr(t[self.by_right], n_right)

    def of_left(self, nodes: NDArray[np.int64]) -> NDArray[np.int64]:
        return self.by_left[_ranges(self.left_ptr[nodes], self.left_ptr[nodes + 1] - self.left_ptr[nodes])]

    def of_right(self, nodes: NDArray[np.int64]) -> NDArray[np.int64]:
        return self.by_right[_ranges(self.right_ptr[nodes], self.right_ptr[nodes + 1] - self.right_ptr[nodes])]

    def push_relabel(self, sup: NDArray[np.int64], cap: NDArray[np.int64], flow: NDArray[np.int64]) -> None:
        """Left nodes hold their unsent supply as excess; right nodes may take more than
        their capacity for a while. Each wave labels every node with its exact distance to a
        right node with room (breadth-first, backwards through the residual graph), then
        sweeps from the farthest level down: a left node pushes all it holds along one edge
        to a right node one level nearer, a right node over capacity hands the surplus back
        to left nodes one level nearer by undoing their flow. Waves go on while some excess
        can still reach room; the surplus left at right nodes then goes back to left nodes.
        No left node with supply can then reach room: the flow is maximal (min cut)."""
        inflow = np.bincount(self.t, weights=flow, minlength=len(cap)).astype(np.int64)
        while True:
            lab_l, lab_r, lefts, rights = self._levels(flow, inflow, cap)
            if not (((sup > 0) & (lab_l >= 0)).any() or ((inflow > cap) & (lab_r >= 0)).any()):
                break
            for k in range(len(lefts) - 1, -1, -1):  # lefts[k] at 2k + 1, rights[k] at 2k
                if k + 1 < len(rights):
                    over = rights[k + 1][inflow[rights[k + 1]] > cap[rights[k + 1]]]
                    e = self.of_right(over)
                    self._hand_back(e[(flow[e] > 0) & (lab_l[self.s[e]] == 2 * k + 1)], sup, cap, flow, inflow)
                holding = lefts[k][sup[lefts[k]] > 0]
                e = self.of_left(holding)
                e = e[lab_r[self.t[e]] == 2 * k]
                e = e[np.r_[True, self.s[e][1:] != self.s[e][:-1]]] if len(e) else e  # one edge each
                flow[e] += sup[self.s[e]]
                np.add.at(inflow, self.t[e], sup[self.s[e]])
                sup[self.s[e]] = 0
        e = self.of_right(np.flatnonzero(inflow > cap))
        self._hand_back(e[flow[e] > 0], sup, cap, flow, inflow)

    def _hand_back(self, e: NDArray[np.int64], sup: NDArray[np.int64], cap: NDArray[np.int64],
                   flow: NDArray[np.int64], inflow: NDArray[np.int64]) -> None:
        """Right nodes over capacity undo flow on edges ``e`` (grouped by right node), in turn."""
        give = _in_turn(self.t[e], flow[e], np.maximum(inflow - cap, 0))
        flow[e] -= give
        np.subtract.at(inflow, self.t[e], give)
        np.add.at(sup, self.s[e], give)

    def _levels(self, flow: NDArray[np.int64], inflow: NDArray[np.int64], cap: NDArray[np.int64]
                ) -> tuple[NDArray[np.int64], NDArray[np.int64], list[NDArray[np.int64]], list[NDArray[np.int64]]]:
        """Distance of each node to a right node with room (-1: none), and the nodes by level."""
        lab_l, lab_r = np.full(len(self.left_ptr) - 1, -1), np.full(len(cap), -1)
        front = np.flatnonzero(inflow < cap)
        lab_r[front] = 0
        lefts: list[NDArray[np.int64]] = []
        rights = [front]
        d = 0
        while len(front):
            lefts.append(_unlabelled(self.s[self.of_right(front)], lab_l))
            lab_l[lefts[-1]] = d + 1
            e = self.of_left(lefts[-1])
            front = _unlabelled(self.t[e[flow[e] > 0]], lab_r)
            lab_r[front] = d + 2
            rights.append(front)
            d += 2
        return lab_l, lab_r, lefts, rights


def _unlabelled(nodes: NDArray[np.int64], label: NDArray[np.int64]) -> NDArray[np.int64]:
    """The nodes not labelled yet, once each, ascending."""
    nodes = nodes[label[nodes] < 0]
    if len(nodes) < 64:
        return np.unique(nodes)
    mark = np.zeros(len(label), dtype=bool)
    mark[nodes] = True
    return np.flatnonzero(mark)
