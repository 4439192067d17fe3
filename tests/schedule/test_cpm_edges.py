"""CPM edges found by the mutation run (issue 23): the cycle's message, cycles among nodes
that are not all on it, Result.index, the status date and the garbage collector left as it
was. Pure: no database."""

import gc

import pytest

from diaodu.schedule import cpm
from diaodu.schedule.cpm import Activity, Link


def test_cycle_message_names_the_loop_back_to_its_start():
    acts = [Activity(k, 1) for k in "ABC"]
    with pytest.raises(cpm.CycleError) as error:
        cpm.schedule(acts, [Link("A", "B"), Link("B", "C"), Link("C", "A")])
    assert error.value.code == "cycle"
    loop = error.value.keys
    assert str(error.value) == "dependency cycle: " + " → ".join([*loop, loop[0]])


def test_a_cycle_behind_a_finished_branch_and_beside_an_outside_node_is_found():
    # X hangs off the cycle (visited, finished, then popped); Y is ordered before the cycle
    # (not among the unordered nodes); Z comes after the cycle (unordered but not on it).
    acts = [Activity(k, 1) for k in ["Y", "B", "X", "C", "D", "Z"]]
    links = [Link("Y", "B"), Link("B", "X"), Link("B", "C"), Link("C", "D"), Link("D", "B"),
             Link("D", "Z")]
    with pytest.raises(cpm.CycleError) as error:
        cpm.schedule(acts, links)
    assert set(error.value.keys) == {"B", "C", "D"}


def test_two_separate_cycles_report_one_whole_cycle():
    acts = [Activity(k, 1) for k in "ABCDE"]
    links = [Link("A", "B"), Link("B", "A"), Link("C", "D"), Link("D", "E"), Link("E", "C")]
    with pytest.raises(cpm.CycleError) as error:
        cpm.schedule(acts, links)
    assert set(error.value.keys) in ({"A", "B"}, {"C", "D", "E"})


def test_result_index_is_the_input_position():
    r = cpm.schedule([Activity("A", 2), Activity("B", 3)], [Link("A", "B")])
    assert r.index("A") == 0 and r.index("B") == 1
    with pytest.raises(ValueError):
        r.index("Z")


def network(**kw):
    return cpm.Network(durations=[2, 3], preds=[0], succs=[1], kinds=[cpm.FS], lags=[0], **kw)


def test_solve_starts_unstarted_work_no_earlier_than_the_status_date():
    assert cpm.solve(network()).es == [0, 2]
    assert cpm.solve(network(), status=5).es == [5, 7]
    assert cpm.solve(network(), start=1, status=0).es == [1, 3]


def test_solve_leaves_the_garbage_collector_as_it_found_it():
    assert gc.isenabled()
    cpm.solve(network())
    assert gc.isenabled()
    gc.disable()
    try:
        cpm.solve(network())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_solve_runs_the_backward_pass_from_the_target():
    result = cpm.solve(network(), target_finish=9)
    assert (result.finish, result.backward_from, result.target_float) == (5, 10, 5)
    assert result.total_float == [5, 5]


def test_a_cycle_is_found_after_roots_already_finished_by_an_earlier_search():
    # A (downstream, first) finishes alone; B's search finishes C and A; C is then a root
    # already done, to be skipped, before D's search finds D → F → D.
    acts = [Activity(k, 1) for k in "ABCDEF"]
    links = [Link("B", "C"), Link("E", "A"), Link("D", "B"), Link("C", "A"), Link("E", "F"),
             Link("F", "D"), Link("D", "F")]
    with pytest.raises(cpm.CycleError) as error:
        cpm.schedule(acts, links)
    assert set(error.value.keys) == {"D", "F"}


def test_the_cycle_reported_is_the_first_loop_closed_following_the_links_in_order():
    # R → B → C, then C's links in the order given: back to B (the short loop), then to R.
    # The search reports the loop it closes first, B → C → B, not the longer way round
    # through R, and the same input always gives the same message.
    acts = [Activity(k, 1) for k in "RBC"]
    links = [Link("R", "B"), Link("B", "C"), Link("C", "B"), Link("C", "R")]
    with pytest.raises(cpm.CycleError) as error:
        cpm.schedule(acts, links)
    assert error.value.keys == ["B", "C"]
    assert str(error.value) == "dependency cycle: B → C → B"


def test_a_cycle_is_searched_among_the_unordered_activities_only():
    # X → Y is ordered (Y after its one predecessor) and leads into the loop B → C → D;
    # the loop is searched from its own first activity, B, not walked into from Y at C.
    acts = [Activity(k, 1) for k in "YXBCD"]
    links = [Link("X", "Y"), Link("Y", "C"), Link("B", "C"), Link("C", "D"), Link("D", "B")]
    with pytest.raises(cpm.CycleError) as error:
        cpm.schedule(acts, links)
    assert error.value.keys == ["B", "C", "D"]


def test_schedule_leaves_the_garbage_collector_as_it_found_it():
    acts, links = [Activity("A", 1), Activity("B", 1)], [Link("A", "B")]
    assert gc.isenabled()
    cpm.schedule(acts, links)
    assert gc.isenabled()
    gc.disable()
    try:
        cpm.schedule(acts, links)
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- refused input: the code, the message and exactly the activities concerned ---------------

def refused(activities, links=()):
    with pytest.raises(cpm.ScheduleError) as error:
        cpm.schedule(activities, list(links))
    return error.value.code, str(error.value), error.value.keys


def test_a_duplicate_names_the_first_key_entered_twice():
    acts = [Activity(k, 1) for k in ["A", "B", "C", "B", "A"]]
    assert refused(acts) == ("duplicate", "duplicate activity: B", ["B"])
    assert refused([Activity(k, 1) for k in "AABB"])[2] == ["A"]


def test_an_unknown_activity_in_a_link_is_named():
    acts = [Activity("A", 1)]
    assert refused(acts, [Link("A", "Z")]) == (
        "unknown_activity", "unknown activity in link: 'Z'", ["Z"])
    assert refused(acts, [Link("Q", "A")])[2] == ["Q"]


def test_negative_durations_are_all_named_and_a_milestone_is_not_one():
    acts = [Activity("M", 0), Activity("B", -1), Activity("C", 2), Activity("D", -3)]
    assert refused(acts) == ("negative_duration", "negative duration: B", ["B", "D"])


def test_actuals_out_of_order_are_named():
    assert refused([Activity("A", 1), Activity("B", 1, actual_finish=3)]) == (
        "finish_without_start", "actual finish without actual start: B", ["B"])
    assert refused([Activity("A", 1), Activity("B", 2, actual_start=5, actual_finish=4)]) == (
        "finish_before_start", "actual finish before actual start: B", ["B"])


def test_an_unknown_link_type_or_constraint_is_named():
    acts = [Activity("A", 1), Activity("B", 1)]
    assert refused(acts, [Link("A", "B", "XX")]) == (
        "link_kind", "unknown link type: XX", [])
    odd = [Activity("A", 1), Activity("B", 1, constraint="asap", constraint_day=3)]
    assert refused(odd) == ("constraint_kind", "unknown constraint: asap", ["B"])


# --- actuals ---------------------------------------------------------------------------------

def test_work_finished_the_day_it_started_took_one_day_and_a_milestone_none():
    acts = [Activity("A", 3, actual_start=5, actual_finish=5),  # planned 3, done in 1
            Activity("M", 0, actual_start=6, actual_finish=6),  # a milestone reached on day 6
            Activity("N", 0, actual_start=6, actual_finish=8),  # a "milestone" that took 3
            Activity("B", 2)]
    r = cpm.schedule(acts, [Link("A", "M"), Link("M", "N"), Link("N", "B")], status=7)
    assert (r.row("A")["es"], r.row("A")["ef"]) == (5, 6)
    assert (r.row("M")["es"], r.row("M")["ef"]) == (6, 6)
    assert (r.row("N")["es"], r.row("N")["ef"]) == (6, 9)
    assert (r.row("B")["es"], r.row("B")["ef"]) == (9, 11)


def test_remaining_work_rounds_up_to_whole_days():
    # 3 days, 33% done: 2.01 days remain, so 3 whole days from the status day (12): 12-14.
    acts = [Activity("B", 3, actual_start=10, percent=33), Activity("C", 1)]
    r = cpm.schedule(acts, [Link("B", "C")], status=12)
    assert (r.row("B")["es"], r.row("B")["ef"]) == (10, 15)
    assert r.row("C")["es"] == 15
    # 3 days, 34% done: 1.98 remain → 2 days: ends on day 13 (exclusive 14).
    acts = [Activity("B", 3, actual_start=10, percent=34), Activity("C", 1)]
    assert cpm.schedule(acts, [Link("B", "C")], status=12).row("C")["es"] == 14


def test_a_started_activity_keeps_its_actual_start_whatever_its_constraint():
    acts = [Activity("A", 2),
            Activity("B", 4, actual_start=1, constraint=cpm.MFO, constraint_day=10),
            Activity("C", 2, constraint=cpm.SNET, constraint_day=8)]
    r = cpm.schedule(acts, [Link("A", "C")], status=3)
    # Started on day 1, four days' work, none reported done: it runs to day 3 + 4 = 7, and
    # is not moved to 10 + 1 − 6 = 5 by its must-finish-on constraint.
    assert (r.row("B")["es"], r.row("B")["ef"]) == (1, 7)
    # A constraint on a started activity does not stop the next one from being applied.
    assert r.row("C")["es"] == 8
    # Nor does a constraint without a day.
    acts = [Activity("A", 2, constraint=cpm.SNET), Activity("C", 2, constraint=cpm.SNET,
                                                              constraint_day=8)]
    assert cpm.schedule(acts, [Link("A", "C")]).row("C")["es"] == 8


def test_when_everything_is_finished_nothing_is_critical():
    acts = [Activity("A", 2, actual_start=0, actual_finish=1),
            Activity("B", 2, actual_start=2, actual_finish=3)]
    r = cpm.schedule(acts, [Link("A", "B")], status=10)
    assert r.critical == [False, False] and r.critical_path == []
    assert r.total_float == [0, 0] and r.finish == 4


def test_the_least_float_is_taken_among_unfinished_work():
    # A is finished (float 0 by definition); B and C run on with a target far off: B (the
    # longer) still drives the finish and is critical, C with more float is not.
    acts = [Activity("A", 2, actual_start=0, actual_finish=1), Activity("B", 5),
            Activity("C", 2)]
    r = cpm.schedule(acts, [Link("A", "B"), Link("A", "C")], status=2, target_finish=19)
    assert r.total_float == [0, 13, 16]
    assert r.critical == [False, True, False] and r.critical_path == ["B"]


def test_the_critical_path_runs_by_start_then_finish_whatever_the_input_order():
    acts = [Activity("C", 1), Activity("A", 3), Activity("S", 0), Activity("B", 2)]
    links = [Link("S", "A"), Link("A", "B"), Link("B", "C")]
    r = cpm.schedule(acts, links)
    # S (a milestone) and A both start on day 0: S, which ends there, comes first.
    assert r.critical_path == ["S", "A", "B", "C"]


@pytest.mark.parametrize("columns", [
    {"kinds": [cpm.FS, cpm.FS]}, {"lags": [0, 3]}, {"succs": [1, 0]}, {"preds": [0, 1]}])
def test_columns_of_unequal_length_are_refused_not_cut_short(columns):
    # One link 0 → 1 with a column too long: no link may be read from part of its columns.
    net = {"durations": [2, 3], "preds": [0], "succs": [1], "kinds": [cpm.FS], "lags": [0]}
    with pytest.raises(ValueError):
        cpm.solve(cpm.Network(**{**net, **columns}))
