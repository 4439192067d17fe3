"""Critical-path method on integer working-day indices. Pure: no Django, plain data in and out.

Day arithmetic: an activity that starts on working day `es` and lasts `d` working days occupies
days es … es+d-1; its finish `ef` is the exclusive end es+d (a milestone, d = 0, has es = ef and
is dated on day es: it still takes that day when the project's finish or a deadline is read).
Every link type becomes one inequality between the two starts,

    FS: es[s] >= ef[p] + lag        SS: es[s] >= es[p] + lag
    FF: ef[s] >= ef[p] + lag        SF: ef[s] >= es[p] + lag

i.e. es[s] >= es[p] + w with a constant weight w per link, so both passes are one longest-path
sweep over a topological order — the reason the engine is fast in plain Python. The sweeps run
over one flat list of (pred, succ, weight) integers in that order, forwards then backwards: a
loop per link and none per activity, and no object per link (bench/cpm.py, docs/schedule.md).

Actuals: a finished activity is fixed at its actual start and finish; an in-progress one starts
at its actual start and cannot finish before the status day plus its remaining work. Activities
not started cannot start before the status day. Constraints: start no earlier than (SNET),
finish no later than (FNLT), must finish on (MFO).
"""

import gc
from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import add, attrgetter, sub

FS, SS, FF, SF = "FS", "SS", "FF", "SF"
LINK_KINDS = (FS, SS, FF, SF)
SNET, FNLT, MFO = "snet", "fnlt", "mfo"
CONSTRAINT_KINDS = (SNET, FNLT, MFO)


class ScheduleError(ValueError):
    """Input the engine refuses. `code` is stable; `keys` names the activities concerned."""

    def __init__(self, code: str, message: str, keys: Sequence[Hashable] = ()):
        super().__init__(message)
        self.code = code
        self.keys = list(keys)


class CycleError(ScheduleError):
    def __init__(self, keys: Sequence[Hashable]):
        names = " → ".join(str(k) for k in [*keys, keys[0]])
        super().__init__("cycle", f"dependency cycle: {names}", keys)


@dataclass(frozen=True, slots=True)
class Activity:
    key: Hashable
    duration: int
    # Working-day indices. actual_finish is the last working day (inclusive), like a date.
    actual_start: int | None = None
    actual_finish: int | None = None
    percent: int = 0
    constraint: str = ""
    # SNET: the first allowed working day; FNLT / MFO: the last allowed working day.
    constraint_day: int | None = None


@dataclass(frozen=True, slots=True)
class Link:
    predecessor: Hashable
    successor: Hashable
    kind: str = FS
    lag: int = 0


@dataclass
class Result:
    """Column per quantity, in the order of the input activities (`keys`)."""

    keys: list[Hashable]
    es: list[int]
    ef: list[int]
    ls: list[int]
    lf: list[int]
    total_float: list[int]
    free_float: list[int]
    critical: list[bool]
    # Exclusive end of the project (the day after its last day) and of the backward pass.
    finish: int
    backward_from: int
    critical_path: list[Hashable] = field(default_factory=list)

    def index(self, key: Hashable) -> int:
        return self.keys.index(key)

    def row(self, key: Hashable) -> dict:
        i = self.keys.index(key)
        return {"es": self.es[i], "ef": self.ef[i], "ls": self.ls[i], "lf": self.lf[i],
                "total_float": self.total_float[i], "free_float": self.free_float[i],
                "critical": self.critical[i]}

    @property
    def target_float(self) -> int:
        """Working days between the forecast finish and the backward pass's end (the target);
        negative = the target is missed by that many working days."""
        return self.backward_from - self.finish


def _find_cycle(n: int, out_v: list[list[int]], remaining: set[int]) -> list[int]:
    """One cycle among `remaining` (the nodes Kahn's algorithm could not order)."""
    colour = dict.fromkeys(remaining, 0)  # 0 new, 1 on the stack, 2 done
    for root in remaining:
        if colour[root]:
            continue
        stack = [(root, iter(out_v[root]))]
        path = [root]
        colour[root] = 1
        while stack:
            node, successors = stack[-1]
            for nxt in successors:
                if nxt not in colour:
                    continue
                if colour[nxt] == 1:
                    return path[path.index(nxt):]
                if colour[nxt] == 0:
                    colour[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, iter(out_v[nxt])))
                    break
            else:
                colour[node] = 2
                path.pop()
                stack.pop()
    raise AssertionError("no cycle among the unordered nodes")  # pragma: no cover


def _weights_and_indegree(dur: list[int], preds: list[int], succs: list[int],
                          kinds: list[str], lags: list[int]) -> tuple[list[int], list[int]]:
    """Each link's weight w (module docstring) — the lag, plus the predecessor's duration when
    the link leaves its finish, minus the successor's when it enters its finish — and each
    activity's number of predecessors, in one pass over the links. A plain loop: it reads a
    duration only where the type needs one, twice as fast as mapping coefficients in C."""
    indeg = [0] * len(dur)
    weights: list[int] = []
    append = weights.append
    for p, s, kind, lag in zip(preds, succs, kinds, lags, strict=True):
        indeg[s] += 1
        if kind == FS:
            append(lag + dur[p])
        elif kind == SS:
            append(lag)
        elif kind == FF:
            append(lag + dur[p] - dur[s])
        elif kind == SF:
            append(lag - dur[s])
        else:
            raise ScheduleError("link_kind", f"unknown link type: {kind}")
    return weights, indeg


def schedule(activities: Sequence[Activity], links: Sequence[Link], *, start: int = 0,
             status: int | None = None, target_finish: int | None = None) -> Result:
    """Forward and backward pass.

    start: the first working day any activity may start on. status: the data date (today);
    None schedules as if nothing were late. target_finish: the last working day the project
    must finish on (倒排工期); the backward pass starts there instead of at the forecast finish.
    """
    # The passes allocate hundreds of thousands of small objects and free none of them:
    # the cyclic collector would only rescan them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _schedule(activities, links, start, status, target_finish)
    finally:
        if collecting:
            gc.enable()


def _schedule(activities, links, start, status, target_finish) -> Result:
    keys = list(map(attrgetter("key"), activities))
    position = {k: i for i, k in enumerate(keys)}
    if len(position) != len(keys):
        seen: set = set()
        dupes = [k for k in keys if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
        raise ScheduleError("duplicate", f"duplicate activity: {dupes[0]}", dupes[:1])
    try:
        preds = list(map(position.__getitem__, map(attrgetter("predecessor"), links)))
        succs = list(map(position.__getitem__, map(attrgetter("successor"), links)))
    except KeyError as missing:
        raise ScheduleError("unknown_activity", f"unknown activity in link: {missing}",
                            [missing.args[0]]) from None
    network = Network(
        durations=list(map(attrgetter("duration"), activities)), preds=preds, succs=succs,
        kinds=list(map(attrgetter("kind"), links)), lags=list(map(attrgetter("lag"), links)),
        keys=keys)
    for i, a in enumerate(activities):
        if a.actual_start is not None or a.actual_finish is not None:
            network.actuals[i] = (a.actual_start, a.actual_finish, a.percent)
        if a.constraint:
            network.constraints[i] = (a.constraint, a.constraint_day)
    return _solve(network, start, status, target_finish)


@dataclass
class Network:
    """Columnar input: activity i has durations[i]; link j goes preds[j] → succs[j] (indices)."""

    durations: list[int]
    preds: list[int]
    succs: list[int]
    kinds: list[str]
    lags: list[int]
    keys: list[Hashable] | None = None
    # index → (actual start, actual finish or None, percent complete)
    actuals: dict[int, tuple[int | None, int | None, int]] = field(default_factory=dict)
    # index → (constraint kind, working day)
    constraints: dict[int, tuple[str, int | None]] = field(default_factory=dict)


def solve(network: Network, *, start: int = 0, status: int | None = None,
          target_finish: int | None = None) -> Result:
    """schedule() on columnar input (no per-activity objects): for large generated networks."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _solve(network, start, status, target_finish)
    finally:
        if collecting:
            gc.enable()


def _solve(net: Network, start, status, target_finish) -> Result:
    dur = list(net.durations)
    n = len(dur)
    keys: list[Hashable] = net.keys if net.keys is not None else list(range(n))
    if n and min(dur) < 0:
        bad = [keys[i] for i in range(n) if dur[i] < 0]
        raise ScheduleError("negative_duration", f"negative duration: {bad[0]}", bad)

    # Nodes whose start is not decided by their predecessors: actuals and MFO constraints.
    lower = start if status is None else max(start, status)
    es = [lower] * n
    forced: dict[int, int] = {}
    done = set()
    for i, (actual_start, actual_finish, percent) in net.actuals.items():
        d = dur[i]
        if actual_start is None:
            raise ScheduleError("finish_without_start",
                                f"actual finish without actual start: {keys[i]}", [keys[i]])
        if actual_finish is not None:
            if actual_finish < actual_start:
                raise ScheduleError("finish_before_start",
                                    f"actual finish before actual start: {keys[i]}", [keys[i]])
            done.add(i)
            # A milestone finished on the day it started keeps zero length.
            if d or actual_finish > actual_start:
                d = actual_finish - actual_start + 1
        elif status is not None:
            remaining = -(-d * (100 - percent) // 100)
            d = max(d, status + remaining - actual_start)
        forced[i] = actual_start
        dur[i] = d
    # Days an activity holds on the calendar: a milestone is dated on its start day.
    span = [d or 1 for d in dur]
    late_limits: dict[int, int] = {}
    for i, (kind, day) in net.constraints.items():
        if kind not in CONSTRAINT_KINDS:
            raise ScheduleError("constraint_kind", f"unknown constraint: {kind}", [keys[i]])
        if day is None or i in forced:
            continue
        if kind == SNET:
            es[i] = max(lower, day)
        else:
            late_limits[i] = day + 1 - span[i]
            if kind == MFO:
                forced[i] = day + 1 - span[i]

    preds, succs = net.preds, net.succs
    weights, indeg = _weights_and_indegree(dur, preds, succs, net.kinds, net.lags)
    # Each activity's outgoing links flattened as [pred, succ, weight, pred, succ, weight, …]:
    # one list per activity, no object per link. list.extend copies zip's triple and hands it
    # back for reuse, so the build allocates nothing per link and runs in C. With random
    # activity numbers the passes are bound by memory: fewer, denser objects make them fast.
    out: list[list[int]] = [[] for _ in range(n)]
    triples = zip(preds, succs, weights, strict=True)
    # A deque of length 0 drains the map in C and keeps nothing.
    deque(map(list.extend, map(out.__getitem__, preds), triples), 0)

    order, queue = _forward(out, indeg, es, forced)
    if len(order) != n:
        ordered = set(order)
        out_v = [flat[1::3] for flat in out]
        cycle = _find_cycle(n, out_v, {i for i in range(n) if i not in ordered})
        raise CycleError([keys[i] for i in cycle])

    ef = list(map(add, es, dur))
    finish = max(map(add, es, span), default=start)
    end = finish if target_finish is None else target_finish + 1

    ls = [end - s for s in span]
    for i, limit in late_limits.items():
        ls[i] = min(ls[i], limit)
    # Free float is measured against the successors and the forecast finish (not a target),
    # so it never goes negative; total float carries the target.
    latest_free_start = [finish - s for s in span]
    _backward(queue, es, ls, latest_free_start)
    free = list(map(sub, latest_free_start, es))
    lf = list(map(add, ls, dur))
    total = list(map(sub, ls, es))
    for i in done:
        total[i] = free[i] = 0
    # The least float among activities not finished (a finished one has none left).
    if done:
        least_float = min((total[i] for i in range(n) if i not in done), default=0)
    else:
        least_float = min(total, default=0)
    # Critical: the longest path (least float) and every activity without float, so a far
    # target still shows what drives the finish and a missed one shows all that is late.
    limit = max(least_float, 0)
    critical = [t <= limit for t in total]
    for i in done:
        critical[i] = False
    # The path by start, then finish: two stable sorts on C keys, no tuple per activity.
    on_path = list(compress(range(n), critical))
    on_path.sort(key=ef.__getitem__)
    on_path.sort(key=es.__getitem__)
    path = list(map(keys.__getitem__, on_path))
    return Result(keys=keys, es=es, ef=ef, ls=ls, lf=lf, total_float=total, free_float=free,
                  critical=critical, finish=finish, backward_from=end, critical_path=path)


def _forward(out: list[list[int]], indeg: list[int], es: list[int],
             forced: dict[int, int]) -> tuple[list[int], list[int]]:
    """Kahn's algorithm and the forward pass in one sweep over one flat queue of links.

    An activity's links join the queue when its last predecessor has pushed into it, so its
    start is final before they are read: one loop over links and none per activity (the list
    iterator sees what is appended while it runs). Returns the topological order and the
    queue, whose links are grouped by predecessor in that order; an order shorter than the
    network means a cycle."""
    order = [i for i in range(len(out)) if not indeg[i]]
    queue: list[int] = []
    for u in order:
        if u in forced:
            es[u] = forced[u]
        queue.extend(out[u])
    ready, extend = order.append, queue.extend
    # The triples come off one iterator; strict=True would slow every step measurably.
    triples = iter(queue)
    for u, v, w in zip(triples, triples, triples, strict=False):
        c = es[u] + w
        if c > es[v]:
            es[v] = c
        d = indeg[v] - 1
        indeg[v] = d
        if not d:
            ready(v)
            if v in forced:
                es[v] = forced[v]
            extend(out[v])
    return order, queue


def _backward(queue: list[int], es: list[int], ls: list[int],
              latest_free_start: list[int]) -> None:
    """Latest starts, and for free float the latest start that delays no successor's early
    start (its start less the link's weight) nor the forecast finish, in place. The forward
    queue read backwards meets every link after all the links of its successor, so ls[succ]
    is final when it is read."""
    triples = reversed(queue)
    for w, v, u in zip(triples, triples, triples, strict=False):
        c = ls[v] - w
        if c < ls[u]:
            ls[u] = c
        c = es[v] - w
        if c < latest_free_start[u]:
            latest_free_start[u] = c
