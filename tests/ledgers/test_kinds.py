"""Every import kind has its planner and its columns: the key-project kinds from ledgers'
catalogue (ledgers/fields.py), every other kind from its planner's FIELDS and IDENTITY,
taken in when ledgers starts (docs/design.md, "A new import kind")."""

from diaodu.core.imports import PLANNERS
from diaodu.ledgers import mapping as m
from diaodu.ledgers.models import ImportKind

KEY_PROJECT_KINDS = {"projects", "plans", "reports", "approvals"}


def test_each_kind_has_a_planner_and_its_columns_one_way():
    assert set(PLANNERS) == set(ImportKind.values)
    for kind, planner in PLANNERS.items():
        if kind in KEY_PROJECT_KINDS:
            assert planner.FIELDS == () and planner.IDENTITY == (), kind
            continue
        assert planner.FIELDS, f"{kind}: its planner declares its columns"
        declared = {spec.key: spec for spec in m.FIELDS[kind]}
        for key, label, kind_, *synonyms in planner.FIELDS:
            assert declared[key] == m.FieldSpec(key, label, kind_, (label, *synonyms)), key
        assert m.identity_of(kind) == (planner.IDENTITY or ("name", "code"))
        assert set(m.identity_of(kind)) & set(declared), kind


def test_an_app_declared_kind_maps_its_headers_and_knows_its_rows_by_its_identity():
    assert m.match_label("screening", "纠纷编号") == "ref"
    assert m.match_label("screening", "涉及金额（万元）") == "amount"
    assert m.spec_of("screening", "amount").kind == m.MONEY
    assert m.key_column("screening", {"name": 1, "ref": 4}) == 4
    assert m.match_label("grids", "常住人口") == "population"
    assert m.key_column("grids", {"name": 2}) == 2
