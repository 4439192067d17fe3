"""The streets' monthly grid-governance ranking: KPIs from the scenarios, the versioned scheme,
competition ranking, the 第一方阵 and the movement since the month before."""

from decimal import Decimal

import pytest

from diaodu.cityops import selectors, services
from diaodu.cityops.models import Event
from diaodu.core.errors import Forbidden, UserError

from .conftest import at

pytestmark = pytest.mark.django_db


def _closed(actor, grid, dept, *, day, late=False, satisfaction=3):
    e = services.event_report(actor=actor, grid=grid, category="S0502", detail="占道",
                              now=at(f"{day} 09:00"))
    services.event_accept(actor=None, event=e, now=at(f"{day} {'11:30' if late else '09:10'}"))
    services.event_dispatch(actor=None, event=e, lead_unit=dept,
                            now=at(f"{day} {'11:40' if late else '09:20'}"))
    services.event_handle(actor=None, event=e, result="已处理", now=at(f"{day} 14:30"))
    services.event_verify(actor=None, event=e, passed=True, now=at(f"{day} 15:00"))
    services.event_close(actor=None, event=e, now=at(f"{day} 15:30"))
    return services.event_evaluate(actor=None, event=e, satisfaction=satisfaction,
                                   now=at(f"{day} 16:00"))


def test_ranking_and_movement(categories, worker_a, worker_b, grid_a, grid_b, city_dept,
                              district_ops, street_a, street_b):
    _closed(worker_a, grid_a, city_dept, day="2023-02-14", late=True, satisfaction=1)
    _closed(worker_b, grid_b, city_dept, day="2023-02-14")
    _closed(worker_a, grid_a, city_dept, day="2023-03-14")
    _closed(worker_b, grid_b, city_dept, day="2023-03-14", late=True, satisfaction=1)
    assert Event.objects.filter(overdue_steps=1).count() == 2
    services.scheme_create(actor=district_ops, top_group_size=1,
                           weights={"on_time": 40, "verification": 20, "satisfaction": 40})
    assert services.ranking_compute(actor=district_ops, year=2023, month=2) == 2
    assert services.ranking_compute(actor=district_ops, year=2023, month=3) == 2
    table = selectors.street_ranking(user=district_ops, year=2023, month=3)
    assert [(r.street, r.rank, r.top_group, r.movement) for r in table] == [
        (street_a, 1, True, 1), (street_b, 2, False, -1)]
    assert table[0].score == Decimal("100.0") and table[1].score == Decimal("20.0")
    assert table[1].gap == Decimal("80.0")


def test_scheme_versions_and_refusals(db, district_ops, ops_a):
    first = services.scheme_active()
    assert sum(first.weights.values()) == 100
    with pytest.raises(UserError) as error:
        services.scheme_create(actor=district_ops, top_group_size=3,
                               weights={"on_time": 50, "verification": 40})
    assert "90" in error.value.message
    with pytest.raises(UserError):
        services.scheme_create(actor=district_ops, top_group_size=3,
                               weights={"on_time": 50, "unknown": 50})
    with pytest.raises(Forbidden):
        services.scheme_create(actor=ops_a, top_group_size=3, weights={"on_time": 100})
    second = services.scheme_create(actor=district_ops, top_group_size=3,
                                    weights={"on_time": 100})
    assert second.version == first.version + 1 and second.is_active
    first.refresh_from_db()
    assert not first.is_active


def test_a_new_scheme_is_audited_with_the_active_one_before_it(db, district_ops):
    from diaodu.cityops.models import GridScoringScheme
    from diaodu.core.models import AuditEvent

    first = services.scheme_active()
    second = services.scheme_create(actor=district_ops, top_group_size=2, note=" 侧重时效 ",
                                    weights={"on_time": 100})
    events = {e.object_id: e for e in AuditEvent.objects.filter(action="grid_scheme.create")}
    assert set(events) == {str(first.pk), str(second.pk)}
    assert events[str(first.pk)].changes == {"weights": [None, first.weights],
                                             "top_group_size": [None, 5]}
    assert events[str(second.pk)].changes == {"weights": [first.weights, {"on_time": 100}],
                                              "top_group_size": [5, 2]}
    assert events[str(second.pk)].actor == district_ops
    assert (second.note, second.created_by) == ("侧重时效", district_ops)
    assert list(GridScoringScheme.objects.values_list("version", "is_active")) == [
        (2, True), (1, False)]
