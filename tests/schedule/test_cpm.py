"""The pure critical-path engine: hand-checked networks, bad input, and properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diaodu.schedule import cpm
from diaodu.schedule.cpm import FF, FS, SF, SS, Activity, Link


def textbook():
    """Five activities, all four link types, lags (hand-computed in the test below).

    A(3) ─FS+1→ B(4) ─FF+2→ D(5) ─FS→ E(0)
    A ─SS+1→ C(2) ─SF+6→ D
    """
    activities = [Activity("A", 3), Activity("B", 4), Activity("C", 2), Activity("D", 5),
                  Activity("E", 0)]
    links = [Link("A", "B", FS, 1), Link("A", "C", SS, 1), Link("B", "D", FF, 2),
             Link("C", "D", SF, 6), Link("D", "E", FS, 0)]
    return activities, links


def test_textbook_network_with_all_four_link_types():
    r = cpm.schedule(*textbook())
    # es / ef (exclusive end), by hand:
    # A 0-3; B: FS+1 → 4-8; C: SS+1 → 1-3; D: FF+2 from B → ef ≥ 10, SF+6 from C → ef ≥ 7;
    # D 5-10; E at 10.
    assert [r.row(k)["es"] for k in "ABCDE"] == [0, 4, 1, 5, 10]
    assert [r.row(k)["ef"] for k in "ABCDE"] == [3, 8, 3, 10, 10]
    # Backward from 10: D ls 5; B lf ≤ lf(D) − 2 = 8; C ls ≤ lf(D) − 6 = 4; A ls 0.
    assert [r.row(k)["ls"] for k in "ABCDE"] == [0, 4, 4, 5, 10]
    assert [r.row(k)["total_float"] for k in "ABCDE"] == [0, 0, 3, 0, 0]
    # C's free float: D finishes at 10, C's SF link needs only es(C) + 6 = 7.
    assert [r.row(k)["free_float"] for k in "ABCDE"] == [0, 0, 3, 0, 0]
    assert r.critical_path == ["A", "B", "D", "E"]
    assert r.finish == 11  # the closing milestone is dated on day 10


def test_classic_finish_to_start_network():
    # The usual classroom example: start → A(3) → {B(2), C(4)} → D(1).
    activities = [Activity(k, d) for k, d in (("A", 3), ("B", 2), ("C", 4), ("D", 1))]
    links = [Link("A", "B"), Link("A", "C"), Link("B", "D"), Link("C", "D")]
    r = cpm.schedule(activities, links)
    assert r.finish == 8
    assert r.row("B") == {"es": 3, "ef": 5, "ls": 5, "lf": 7, "total_float": 2,
                          "free_float": 2, "critical": False}
    assert r.critical_path == ["A", "C", "D"]


def test_target_finish_gives_positive_then_negative_float():
    activities, links = textbook()
    relaxed = cpm.schedule(activities, links, target_finish=12)  # last allowed day 12 → end 13
    assert relaxed.target_float == 2
    assert relaxed.row("A")["total_float"] == 2 and relaxed.row("C")["total_float"] == 5
    assert relaxed.critical_path == ["A", "B", "D", "E"]  # the longest path still shows
    tight = cpm.schedule(activities, links, target_finish=7)  # the milestone must be by day 7
    assert tight.target_float == -3
    assert tight.row("A")["total_float"] == -3
    assert tight.row("A")["ls"] == -3  # should have started three working days before day 0


def test_actuals_fix_finished_work_and_push_remaining_work_past_the_status_day():
    activities = [Activity("A", 5, actual_start=0, actual_finish=8),  # took 9 days
                  Activity("B", 10, actual_start=9, percent=50),  # half done on day 20
                  Activity("C", 3)]
    links = [Link("A", "B"), Link("B", "C")]
    r = cpm.schedule(activities, links, status=20)
    assert (r.row("A")["es"], r.row("A")["ef"]) == (0, 9)
    assert r.row("A")["total_float"] == 0 and not r.row("A")["critical"]
    # Five working days remain from day 20.
    assert (r.row("B")["es"], r.row("B")["ef"]) == (9, 25)
    assert r.row("C")["es"] == 25 and r.finish == 28


def test_not_started_work_cannot_start_before_the_status_day():
    r = cpm.schedule([Activity("A", 2), Activity("B", 2)], [Link("A", "B")], status=10)
    assert r.row("A")["es"] == 10 and r.row("B")["es"] == 12


def test_constraints():
    acts = [Activity("A", 2), Activity("B", 3, constraint=cpm.SNET, constraint_day=6),
            Activity("C", 1, constraint=cpm.FNLT, constraint_day=7)]
    r = cpm.schedule(acts, [Link("A", "B"), Link("A", "C")])
    assert r.row("B")["es"] == 6
    assert r.row("C")["lf"] == 8 and r.row("C")["total_float"] == 5
    # Must finish on day 4: starts on day 2 whatever its predecessor says.
    mfo = [Activity("A", 4), Activity("B", 3, constraint=cpm.MFO, constraint_day=4)]
    r = cpm.schedule(mfo, [Link("A", "B")])
    assert r.row("B")["es"] == 2
    assert r.row("A")["total_float"] < 0  # the predecessor now runs late


def test_cycle_names_its_activities():
    acts = [Activity(k, 1) for k in "ABCD"]
    links = [Link("A", "B"), Link("B", "C"), Link("C", "D"), Link("D", "B")]
    with pytest.raises(cpm.CycleError) as error:
        cpm.schedule(acts, links)
    assert set(error.value.keys) == {"B", "C", "D"}
    assert "B" in str(error.value)


@pytest.mark.parametrize(("activities", "links", "code"), [
    ([Activity("A", -1)], [], "negative_duration"),
    ([Activity("A", 1, actual_start=5, actual_finish=3)], [], "finish_before_start"),
    ([Activity("A", 1, actual_finish=3)], [], "finish_without_start"),
    ([Activity("A", 1)], [Link("A", "Z")], "unknown_activity"),
    ([Activity("A", 1), Activity("B", 1)], [Link("A", "B", "XX")], "link_kind"),
    ([Activity("A", 1), Activity("A", 2)], [], "duplicate"),
])
def test_bad_input_is_refused(activities, links, code):
    with pytest.raises(cpm.ScheduleError) as error:
        cpm.schedule(activities, links)
    assert error.value.code == code


def test_empty_network():
    r = cpm.schedule([], [], start=5)
    assert r.finish == 5 and r.critical_path == []


def test_columnar_and_object_input_agree():
    activities, links = textbook()
    keys = [a.key for a in activities]
    net = cpm.Network(durations=[a.duration for a in activities],
                      preds=[keys.index(x.predecessor) for x in links],
                      succs=[keys.index(x.successor) for x in links],
                      kinds=[x.kind for x in links], lags=[x.lag for x in links], keys=keys)
    a, b = cpm.solve(net), cpm.schedule(activities, links)
    assert (a.es, a.ls, a.free_float, a.critical_path) == (b.es, b.ls, b.free_float,
                                                           b.critical_path)


# Random acyclic networks: links only go from a lower to a higher activity number.
@st.composite
def networks(draw, max_size=25):
    n = draw(st.integers(1, max_size))
    durations = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
                          .filter(lambda p: p[0] < p[1]), max_size=3 * n, unique=True))
    kinds = draw(st.lists(st.sampled_from([FS, SS, FF, SF]), min_size=len(pairs),
                          max_size=len(pairs)))
    lags = draw(st.lists(st.integers(-5, 10), min_size=len(pairs), max_size=len(pairs)))
    activities = [Activity(i, d) for i, d in enumerate(durations)]
    links = [Link(p, s, k, lag) for (p, s), k, lag in zip(pairs, kinds, lags, strict=True)]
    return activities, links


_COEF = {FS: (1, 0), SS: (0, 0), FF: (1, -1), SF: (0, -1)}


def _weight(link, dur):
    a, b = _COEF[link.kind]
    return link.lag + a * dur[link.predecessor] + b * dur[link.successor]


def _relaxed_starts(activities, links):
    """Reference: relax every link until nothing changes (Bellman-Ford on a DAG). An activity
    with an actual start keeps it whatever its predecessors say."""
    dur = {a.key: a.duration for a in activities}
    fixed = {a.key: a.actual_start for a in activities if a.actual_start is not None}
    es = {k: fixed.get(k, 0) for k in dur}
    changed = True
    while changed:
        changed = False
        for x in links:
            c = es[x.predecessor] + _weight(x, dur)
            if x.successor not in fixed and c > es[x.successor]:
                es[x.successor] = c
                changed = True
    return [es[a.key] for a in activities]


def _relaxed_late_starts(activities, links, es, finish, end):
    """Reference for the backward pass and free float, by the definitions: an activity starts
    no later than its successors allow (or than the end allows), and its free float is the
    room before the earliest of what follows it — a successor or the forecast finish."""
    dur = {a.key: a.duration for a in activities}
    span = {k: d or 1 for k, d in dur.items()}
    es = dict(zip(dur, es, strict=True))
    ls = {k: end - span[k] for k in dur}
    changed = True
    while changed:
        changed = False
        for x in links:
            c = ls[x.successor] - _weight(x, dur)
            if c < ls[x.predecessor]:
                ls[x.predecessor] = c
                changed = True
    free = {k: min([finish - span[k]] + [es[x.successor] - _weight(x, dur)
                                         for x in links if x.predecessor == k]) - es[k]
            for k in dur}
    return [ls[k] for k in dur], [free[k] for k in dur]


@settings(max_examples=150, deadline=None)
@given(networks())
def test_forward_pass_matches_a_brute_force_relaxation(network):
    activities, links = network
    assert cpm.schedule(activities, links).es == _relaxed_starts(activities, links)


@settings(max_examples=150, deadline=None)
@given(networks(), st.data())
def test_actual_starts_are_kept_and_the_rest_follows_them(network, data):
    activities, links = network
    started = data.draw(st.sets(st.integers(0, len(activities) - 1), max_size=3))
    activities = [Activity(a.key, a.duration, actual_start=data.draw(st.integers(0, 40)))
                  if a.key in started else a for a in activities]
    r = cpm.schedule(activities, links)
    assert r.es == _relaxed_starts(activities, links)
    assert all(r.es[i] == activities[i].actual_start for i in started)


@settings(max_examples=150, deadline=None)
@given(networks(), st.integers(-15, 15))
def test_backward_pass_and_free_float_match_the_definitions(network, target_shift):
    """With the forecast finish and with a target before or after it (negative float)."""
    activities, links = network
    forecast = cpm.schedule(activities, links)
    target = forecast.finish - 1 + target_shift
    r = cpm.schedule(activities, links, target_finish=target)
    ls, free = _relaxed_late_starts(activities, links, r.es, r.finish, target + 1)
    assert (r.ls, r.free_float) == (ls, free)
    assert r.total_float == [a - b for a, b in zip(ls, r.es, strict=True)]
    assert r.target_float == target_shift


@settings(max_examples=150, deadline=None)
@given(networks())
def test_float_is_never_negative_without_constraints(network):
    r = cpm.schedule(*network)
    assert all(f >= 0 for f in r.total_float)
    assert all(0 <= ff <= tf for ff, tf in zip(r.free_float, r.total_float, strict=True))


@settings(max_examples=150, deadline=None)
@given(networks())
def test_forward_and_backward_pass_agree_on_the_critical_path(network):
    r = cpm.schedule(*network)
    critical = [i for i, c in enumerate(r.critical) if c]
    assert critical, "every schedule has a critical path"
    assert all(r.es[i] == r.ls[i] and r.ef[i] == r.lf[i] for i in critical)
    # The project finishes when a critical activity finishes (a milestone holds its day).
    assert max(r.ef[i] + (r.ef[i] == r.es[i]) for i in critical) == r.finish
    assert r.backward_from == r.finish


@settings(max_examples=150, deadline=None)
@given(networks(), st.data())
def test_adding_a_link_never_makes_the_project_shorter(network, data):
    activities, links = network
    n = len(activities)
    if n < 2:
        return
    p = data.draw(st.integers(0, n - 2))
    s = data.draw(st.integers(p + 1, n - 1))
    extra = Link(p, s, data.draw(st.sampled_from([FS, SS, FF, SF])), data.draw(st.integers(-5, 10)))
    before = cpm.schedule(activities, links).finish
    assert cpm.schedule(activities, [*links, extra]).finish >= before
