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
* :func:`bipartite_max_flow` fills outlets greedily, then augments along the paths of
  breadth-first search trees of the residual graph (the searches vectorised, the paths
  walked in Python) until no path is left: a maximum flow, by the max-flow min-cut
  theorem. It is several times slower than scipy's compiled Dinic on hard instances.
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
    spare = np.asarray(capacity, dtype=np.int64).copy()
    if (sup < 0).any() or (spare < 0).any():
        raise ValueError("supplies and capacities must be >= 0")
    flow = _greedy_fill(sup, s, t, spare)
    if len(s):
        _augment(sup, s, t, spare, flow)
    return flow


def _greedy_fill(sup: NDArray[np.int64], s: NDArray[np.int64], t: NDArray[np.int64],
                 spare: NDArray[np.int64]) -> NDArray[np.int64]:
    """A first flow: each round, every left node with supply left offers all of it to the
    right node in reach with the most room; right nodes take offers in order of left node
    until full. Rounds go on while anything is taken. Updates sup and spare."""
    flow = np.zeros(len(s), dtype=np.int64)
    e = np.arange(len(s))
    degree = np.bincount(s, minlength=len(sup))
    while True:
        e = e[(sup[s[e]] > 0) & (spare[t[e]] > 0)]
        if not len(e):
            return flow
        best = e[np.lexsort((e, -spare[t[e]], s[e]))]
        best = best[np.r_[True, s[best][1:] != s[best][:-1]]]  # one edge per left node
        best = best[np.lexsort((s[best], degree[s[best]], t[best]))]  # fewest choices first
        offer = sup[s[best]]
        before = np.cumsum(offer) - offer
        first = _indptr(t[best], len(spare))[t[best]]
        queued = before - before[first]  # offered to the same right node by earlier left nodes
        take = np.clip(spare[t[best]] - queued, 0, offer)
        if not take.any():
            return flow
        flow[best] += take
        sup[s[best]] -= take
        np.subtract.at(spare, t[best], take)


def _augment(sup: NDArray[np.int64], s: NDArray[np.int64], t: NDArray[np.int64],
             spare: NDArray[np.int64], flow: NDArray[np.int64]) -> None:
    """Augmenting paths until none is left: a left node with supply -> edge -> right node
    -> back along an edge carrying flow -> left node -> … -> a right node with room.

    Each round searches breadth-first from the smaller of the two ends (left nodes with
    supply, right nodes with room) and augments along the search tree's path from every
    node of the other end it reached, so one round serves many paths."""
    net = _Residual(s, t, len(sup), len(spare))
    while True:
        from_left = bool(np.count_nonzero(sup) <= np.count_nonzero(spare))
        roots = sup > 0 if from_left else spare > 0
        edge_near, edge_far, reached = net.search(roots, flow, from_left)
        leaves = reached[(spare if from_left else sup)[reached] > 0]
        if not len(leaves):
            return
        net.push(leaves.tolist(), (edge_near, edge_far), roots, from_left, sup, spare, flow)


def _claim(e: NDArray[np.int64], node_of: NDArray[np.int64], edge_in: NDArray[np.int64]) -> NDArray[np.int64]:
    """Each node that edges ``e`` reach keeps the smallest of them (``edge_in``, so the
    search is deterministic without sorting); returns those nodes, once each."""
    nodes = node_of[e]
    np.minimum.at(edge_in, nodes, e)
    return nodes[edge_in[nodes] == e]


class _Residual:
    """The edges from either end, for the breadth-first searches of :func:`_augment`."""

    def __init__(self, s: NDArray[np.int64], t: NDArray[np.int64], n_left: int, n_right: int) -> None:
        self.s, self.t = s, t
        self.by = (np.argsort(s, kind="stable"), np.argsort(t, kind="stable"))
        self.ptr = (_indptr(s[self.by[0]], n_left), _indptr(t[self.by[1]], n_right))
        self.ends = (s.tolist(), t.tolist())

    def _edges(self, side: int, nodes: NDArray[np.int64]) -> NDArray[np.int64]:
        ptr = self.ptr[side]
        return self.by[side][_ranges(ptr[nodes], ptr[nodes + 1] - ptr[nodes])]

    def search(self, roots: NDArray[np.bool_], flow: NDArray[np.int64], from_left: bool):
        """Breadth-first from ``roots`` (left nodes if ``from_left``, else right nodes).
        Returns the edge that first reached each node of the roots' side and of the other
        side (-1: not reached). A path moves left -> right along any edge and right -> left
        only back along an edge that carries flow; from the right, the search follows the
        same moves backwards. Either way, the edge into a node of the other side gains flow
        along the path and the edge into a node of the roots' side loses it."""
        near, far = (0, 1) if from_left else (1, 0)
        none = len(self.s)  # "not reached" while searching: larger than every edge
        edge_near = np.full(len(self.ptr[near]) - 1, none, dtype=np.int64)
        edge_far = np.full(len(self.ptr[far]) - 1, none, dtype=np.int64)
        order: list[NDArray[np.int64]] = []  # far nodes as reached: shortest paths first
        near_of, far_of = (self.s, self.t) if from_left else (self.t, self.s)
        seen_near = roots.copy()
        frontier = np.flatnonzero(roots)
        while len(frontier):
            e = self._edges(near, frontier)
            heads = _claim(e[edge_far[far_of[e]] == none], far_of, edge_far)
            order.append(heads)
            e = self._edges(far, heads)
            e = e[(flow[e] > 0) & ~seen_near[near_of[e]]]  # right -> left undoes flow
            frontier = _claim(e, near_of, edge_near)
            seen_near[frontier] = True
        edge_near[edge_near == none] = -1
        edge_far[edge_far == none] = -1
        reached = np.concatenate(order) if order else np.zeros(0, dtype=np.int64)
        return edge_near, edge_far, reached

    def push(self, leaves: list[int], edge_in, roots, from_left: bool, sup, spare, flow) -> None:
        """Augment along the tree path of each leaf in turn, nearest first. Paths share
        edges: each takes what the ones before it left. A node whose edge to its parent
        ran dry (or whose root has nothing left) is dead, and so is every node whose path
        meets a dead one, so each tree node is walked through about once per round."""
        s_l, t_l = self.ends
        near_of, far_of = (s_l, t_l) if from_left else (t_l, s_l)
        edge_near, edge_far = edge_in[0].tolist(), edge_in[1].tolist()
        root_l = roots.tolist()
        dead: set[int] = set()
        for leaf in leaves:
            forward, backward, walked = [], [], []
            e = edge_far[leaf]
            while True:
                forward.append(e)
                node = near_of[e]
                if node in dead:
                    break
                walked.append(node)
                if root_l[node]:
                    break
                b = edge_near[node]
                backward.append(b)
                e = edge_far[far_of[b]]
            if node in dead:
                dead.update(walked)
                continue
            left, right = (node, leaf) if from_left else (leaf, node)
            amount = min(int(sup[left]), int(spare[right]), *(int(flow[b]) for b in backward))
            if amount > 0:
                flow[forward] += amount
                flow[backward] -= amount
                sup[left] -= amount
                spare[right] -= amount
            if (sup[left] if from_left else spare[right]) <= 0:
                dead.add(node)  # the root has nothing left
            for below, b in zip(walked, backward):
                if flow[b] <= 0:
                    dead.add(below)  # its edge to its parent ran dry
