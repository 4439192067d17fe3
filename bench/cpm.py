"""CPM engine against networkx's longest path on the same random DAG (DESIGN §7).

    uv run python bench/cpm.py

Each size builds one acyclic network with shuffled activity numbers (so no input order helps
either side) and a mix of FS/SS/FF/SF links with lags and leads, as plain columns — the shape in
which the services read activities and links from the database. Timed, best of a few runs:
- ours: `cpm.solve` from those columns — adjacency, topological order, forward and backward
  pass, total and free float, critical path;
- networkx from the same columns: a DiGraph with the same links turned into the same
  start-to-start weights, plus one edge per end activity to a sink weighted by the days it holds,
  then `dag_longest_path_length` — the project length only, no backward pass.
The goal is judged on that like-for-like pair (both sides start from the same link rows). The
line before it also prints networkx's longest path alone on a graph built beforehand, which
leaves its graph construction out but not ours, so that ratio is lower. Both must agree on the
project length. The object API (`cpm.schedule`, one Activity and one Link object per row, as
the services call it) is timed too and printed for information.
"""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import networkx as nx

from diaodu.schedule import cpm

KINDS = (cpm.FS, cpm.FS, cpm.FS, cpm.SS, cpm.FF, cpm.SF)


def network(n: int, m: int, seed: int = 410102) -> cpm.Network:
    rng = random.Random(seed)
    label = list(range(n))
    rng.shuffle(label)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < m:
        a = rng.randrange(n - 1)
        b = min(n - 1, a + 1 + int(rng.expovariate(1 / 50)))
        pairs.add((label[a], label[b]))
    links = list(pairs)
    rng.shuffle(links)
    return cpm.Network(
        durations=[rng.randint(0, 30) for _ in range(n)],
        preds=[p for p, _ in links], succs=[s for _, s in links],
        kinds=[rng.choice(KINDS) for _ in links], lags=[rng.randint(-2, 5) for _ in links])


def nx_graph(net: cpm.Network) -> nx.DiGraph:
    dur = net.durations
    coef = {cpm.FS: (1, 0), cpm.SS: (0, 0), cpm.FF: (1, -1), cpm.SF: (0, -1)}
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(dur)))
    graph.add_weighted_edges_from(
        (p, s, lag + coef[k][0] * dur[p] + coef[k][1] * dur[s])
        for p, s, k, lag in zip(net.preds, net.succs, net.kinds, net.lags, strict=True))
    ends = [i for i in range(len(dur)) if not graph.out_degree(i)]
    # A milestone (duration 0) is dated on its day, as in the engine.
    graph.add_weighted_edges_from((i, "end", dur[i] or 1) for i in ends)
    return graph


def interleaved(runs: int, **timed):
    """Best time and last value of each function. The runs take the functions in turn, so a
    slow spell of the machine falls on every side alike."""
    best = dict.fromkeys(timed, float("inf"))
    values: dict = {}
    for _ in range(runs):
        for name, fn in timed.items():
            values[name] = None  # the previous run's value is freed here, outside the timing
            t0 = time.perf_counter()
            values[name] = fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best, values


def run(name: str, n: int, m: int, goal_s: float | None, runs: int) -> None:
    net = network(n, m)
    graph = nx_graph(net)
    activities = [cpm.Activity(key=i, duration=d) for i, d in enumerate(net.durations)]
    links = [cpm.Link(p, s, k, lag) for p, s, k, lag in
             zip(net.preds, net.succs, net.kinds, net.lags, strict=True)]
    best, value = interleaved(
        runs,
        ours=lambda: cpm.solve(net),
        networkx=lambda: nx.dag_longest_path_length(nx_graph(net)),
        nx_prebuilt=lambda: nx.dag_longest_path_length(graph),
        objects=lambda: cpm.schedule(activities, links))
    finish = value["ours"].finish
    assert value["networkx"] == value["nx_prebuilt"] == value["objects"].finish == finish, value

    ours_s, nx_s = best["ours"], best["networkx"]
    ratio = nx_s / ours_s
    print(f"{name}: {n} activities, {m} links, project {finish} working days, "
          f"{sum(value['ours'].critical)} critical; object API {best['objects']:.3f}s; "
          f"networkx longest path alone on a prebuilt graph {best['nx_prebuilt']:.3f}s "
          f"(ratio {best['nx_prebuilt'] / ours_s:.1f})")
    goal = "ratio>=4" if goal_s is None else f"ours<={goal_s}s and ratio>=4"
    met = ratio >= 4 and (goal_s is None or ours_s <= goal_s)
    print(f"BENCH {name}: ours={ours_s:.3f}s networkx={nx_s:.3f}s ratio={ratio:.1f} "
          f"goal {goal}: {'met' if met else 'missed'}")


if __name__ == "__main__":
    run("cpm_10k", 10_000, 30_000, None, runs=15)
    run("cpm_100k", 100_000, 300_000, 0.6, runs=3)
