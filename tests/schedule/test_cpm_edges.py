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
