"""Time lookups over a transcript's cues: active cues, the current cue, next/previous navigation.

``CueIndex`` is built once per transcript and then answers, for a media time ``t_ms``:

* ``active_at(t_ms)``: every cue with ``start_ms <= t_ms < end_ms`` (overlaps allowed), in
  O(log n + k) through a centered interval tree;
* ``current_at(t_ms)``: the *current* cue, i.e. the latest-starting active cue (ties: the later
  index), in O(log n) for any overlap pattern: a sweep over all start/end events precomputes the
  elementary time segments and the current cue of each, so a lookup is a single bisection;
* ``next_change_after(t_ms)`` / ``change_points``: the exact times at which the current cue changes,
  so a view can schedule its next highlight update instead of polling;
* ``next_start_after`` / ``previous_start_before``: cue-to-cue navigation.

Following the WebVTT rules, a zero-length cue (``start_ms == end_ms``) is never active, and a cue
that ends before it starts is treated as zero-length; navigation still finds both.

Everything is stored in ``array`` objects rather than lists of tuples: 200,000 cues cost a few
megabytes, and the index keeps no reference to the ``Cue`` objects themselves.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from player.core.model import Cue

__all__ = ["CueIndex"]

# Nodes of the interval tree holding this many cues or fewer are leaves scanned linearly: it keeps
# the node count (and the build time) low without changing the query bound.
_LEAF_SIZE = 16
_NO_CUE = -1
_LEAF = -2


class CueIndex:
    """Read-only time index over cues sorted by ``start_ms`` (stable order; overlaps allowed).

    Cue indices returned by every method are positions in the sequence given to the constructor.
    Raises ``ValueError`` if the cues are not sorted by ``start_ms``.
    """

    __slots__ = (
        "_change_cues",
        "_change_times",
        "_ends",
        "_node_center",
        "_node_hi",
        "_node_left",
        "_node_lo",
        "_node_right",
        "_starts",
        "_tree_by_end",
        "_tree_by_start",
    )

    def __init__(self, cues: Sequence[Cue]) -> None:
        starts = array("q", [cue.start_ms for cue in cues])
        # A cue that ends before it starts is treated as zero-length (never active).
        ends = array("q", [max(cue.start_ms, cue.end_ms) for cue in cues])
        for i in range(1, len(starts)):
            if starts[i] < starts[i - 1]:
                raise ValueError(
                    f"cues must be sorted by start_ms: cue {i} starts at {starts[i]} ms, "
                    f"before cue {i - 1} at {starts[i - 1]} ms"
                )
        self._starts = starts
        self._ends = ends
        self._change_times, self._change_cues = _sweep_current(starts, ends)
        (
            self._node_center,
            self._node_left,
            self._node_right,
            self._node_lo,
            self._node_hi,
            self._tree_by_start,
            self._tree_by_end,
        ) = _build_interval_tree(starts, ends)

    def __len__(self) -> int:
        return len(self._starts)

    def __repr__(self) -> str:
        return f"CueIndex({len(self._starts)} cues, {len(self._change_times)} change points)"

    # --- current cue --------------------------------------------------------------------------

    def current_at(self, t_ms: int) -> int | None:
        """Index of the latest-starting cue active at ``t_ms`` (ties: the later index), or None."""
        seg = bisect_right(self._change_times, t_ms) - 1
        if seg < 0:
            return None
        cue = self._change_cues[seg]
        return None if cue == _NO_CUE else cue

    @property
    def change_points(self) -> Sequence[int]:
        """Sorted times (ms) at which ``current_at`` changes value; read-only view, no copy."""
        return memoryview(self._change_times).toreadonly()

    def next_change_after(self, t_ms: int) -> int | None:
        """The first time > ``t_ms`` at which ``current_at`` changes, or None if it never does."""
        k = bisect_right(self._change_times, t_ms)
        return self._change_times[k] if k < len(self._change_times) else None

    # --- active cues --------------------------------------------------------------------------

    def active_at(self, t_ms: int) -> tuple[int, ...]:
        """Indices of all cues with ``start_ms <= t_ms < end_ms``, in ascending order."""
        starts = self._starts
        ends = self._ends
        by_start = self._tree_by_start
        found: list[int] = []
        node = 0 if len(self._node_center) else _NO_CUE
        while node >= 0:
            lo = self._node_lo[node]
            hi = self._node_hi[node]
            left = self._node_left[node]
            if left == _LEAF:
                for pos in range(lo, hi):
                    i = by_start[pos]
                    if starts[i] > t_ms:
                        break
                    if ends[i] > t_ms:
                        found.append(i)
                break
            center = self._node_center[node]
            if t_ms < center:
                # Every cue here contains center > t_ms, so it is active iff it has started.
                for pos in range(lo, hi):
                    i = by_start[pos]
                    if starts[i] > t_ms:
                        break
                    found.append(i)
                node = left
            else:
                # Every cue here has started (start <= center <= t_ms): active iff not yet ended.
                by_end = self._tree_by_end
                for pos in range(lo, hi):
                    i = by_end[pos]
                    if ends[i] <= t_ms:
                        break
                    found.append(i)
                if t_ms == center:
                    break  # cues left of center end by t_ms; cues right of it start after t_ms
                node = self._node_right[node]
        found.sort()
        return tuple(found)

    # --- navigation ---------------------------------------------------------------------------

    def next_start_after(self, t_ms: int) -> int | None:
        """Index of the first cue with ``start_ms > t_ms`` (zero-length cues included), or None."""
        i = bisect_right(self._starts, t_ms)
        return i if i < len(self._starts) else None

    def previous_start_before(self, t_ms: int, *, grace_ms: int = 0) -> int | None:
        """Target of a "previous cue" command at ``t_ms``, or None if there is none.

        Like a media player's "previous track": if playback is more than ``grace_ms`` into the cue
        that started last (at or before ``t_ms``), the answer is that cue (restart it); otherwise
        it is the cue that starts before it. When several cues start at the same time the first
        of them is returned, as ``next_start_after`` does. Zero-length cues count.
        """
        if grace_ms < 0:
            raise ValueError(f"grace_ms must be >= 0, not {grace_ms}")
        starts = self._starts
        last = bisect_right(starts, t_ms) - 1
        if last < 0:
            return None
        last_start = starts[last]
        if t_ms - last_start > grace_ms:
            return bisect_left(starts, last_start)
        before = bisect_left(starts, last_start) - 1
        if before < 0:
            return None
        return bisect_left(starts, starts[before])


def _sweep_current(starts: array[int], ends: array[int]) -> tuple[array[int], array[int]]:
    """Elementary segments of the time line and the current cue of each.

    Returns ``(times, cues)``: from ``times[k]`` (inclusive) to ``times[k + 1]`` the current cue is
    ``cues[k]`` (``_NO_CUE`` for none). Consecutive segments with the same cue are merged, so
    ``times`` holds exactly the change points. Because cues are sorted by start (stable), the
    latest-starting active cue with ties to the later index is simply the largest active index:
    a max-heap of active indices with lazy deletion gives it in O(n log n) overall.
    """
    n = len(starts)
    live = [i for i in range(n) if ends[i] > starts[i]]
    by_end = sorted(live, key=ends.__getitem__)
    times = array("q")
    cues = array("i")
    ended = bytearray(n)
    heap: list[int] = []  # negated indices: heapq is a min-heap
    push = heapq.heappush
    pop = heapq.heappop
    si = 0
    ei = 0
    n_live = len(live)
    current = _NO_CUE
    while ei < n_live:
        t = ends[by_end[ei]]
        if si < n_live and starts[live[si]] < t:
            t = starts[live[si]]
        while ei < n_live and ends[by_end[ei]] == t:
            ended[by_end[ei]] = 1
            ei += 1
        while si < n_live and starts[live[si]] == t:
            push(heap, -live[si])
            si += 1
        while heap and ended[-heap[0]]:
            pop(heap)
        now = -heap[0] if heap else _NO_CUE
        if now != current:
            times.append(t)
            cues.append(now)
            current = now
    return times, cues


def _build_interval_tree(
    starts: array[int], ends: array[int]
) -> tuple[array[int], array[int], array[int], array[int], array[int], array[int], array[int]]:
    """A centered interval tree over the non-zero-length cues, flattened into arrays.

    Node ``k`` has a center time; it holds the cues containing the center (start <= center < end),
    stored twice from ``lo[k]`` to ``hi[k]``: in ``by_start`` ascending by start (= by index) and
    in ``by_end`` descending by end. Cues ending at or before the center go to the left child,
    cues starting after it to the right child. The center is the median start of the node's cues,
    so each child holds at most half of them (depth O(log n)) and every node holds at least one.
    Leaves (``left[k] == _LEAF``) hold up to ``_LEAF_SIZE`` cues in ``by_start`` order.
    """
    center = array("q")
    left = array("i")
    right = array("i")
    lo = array("i")
    hi = array("i")
    by_start = array("i")
    by_end = array("i")
    live = [i for i in range(len(starts)) if ends[i] > starts[i]]
    if not live:
        return center, left, right, lo, hi, by_start, by_end

    def new_node() -> int:
        center.append(0)
        left.append(_NO_CUE)
        right.append(_NO_CUE)
        lo.append(0)
        hi.append(0)
        return len(center) - 1

    stack: list[tuple[int, list[int]]] = [(new_node(), live)]
    while stack:
        node, items = stack.pop()
        lo[node] = len(by_start)
        if len(items) <= _LEAF_SIZE:
            left[node] = _LEAF
            by_start.extend(items)
            by_end.extend(items)  # unused for leaves; keeps both arrays aligned
            hi[node] = len(by_start)
            continue
        # items are ascending by index, hence by start.
        mid = starts[items[len(items) // 2]]
        split = bisect_right(items, mid, key=starts.__getitem__)
        here = [i for i in items[:split] if ends[i] > mid]
        lower = [i for i in items[:split] if ends[i] <= mid]
        upper = items[split:]
        center[node] = mid
        by_start.extend(here)
        by_end.extend(sorted(here, key=ends.__getitem__, reverse=True))
        hi[node] = len(by_start)
        if lower:
            child = new_node()
            left[node] = child
            stack.append((child, lower))
        if upper:
            child = new_node()
            right[node] = child
            stack.append((child, upper))
    return center, left, right, lo, hi, by_start, by_end
