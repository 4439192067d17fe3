"""The audit hash covers every stored field (issue 23): each one tampered alone, on a chain of
plain rows, breaks verification at that row. Pure: no database (tests/core/test_audit_chain.py
holds the triggers and the stored chain)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from diaodu.core.audit_chain import GENESIS, canonical, digest, place, prepare, verify

AT = datetime(2022, 4, 12, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))


def event(seq: int, prev_hash: str, **values) -> dict:
    row = {"seq": seq, "at": AT + timedelta(minutes=seq), "actor_id": 7, "actor_name": "调度员",
           "unit_id": 3, "action": "report.submit", "object_type": "investment.progressreport",
           "object_id": str(40 + seq), "object_repr": f"2022年3月 第{seq}期",
           "changes": {"amount": "499.99", "flags": ["jump"]}, "ip": "10.0.0.8",
           "request_id": f"req-{seq}", "prev_hash": prev_hash, **values}
    row["hash"] = digest(row)
    return row


def chain(n: int = 3) -> list[dict]:
    rows, previous = [], GENESIS
    for seq in range(1, n + 1):
        rows.append(event(seq, previous))
        previous = rows[-1]["hash"]
    return rows


def test_an_untouched_chain_verifies_to_its_head():
    rows = chain()
    assert verify(rows) == (3, rows[-1]["hash"], [])
    assert verify([]) == (0, GENESIS, [])


TAMPERED = {
    "at": AT + timedelta(microseconds=1),
    "actor_id": 8, "actor_name": "调度员2", "unit_id": 4, "action": "report.approve",
    "object_type": "investment.plan", "object_id": "999", "object_repr": "另一期",
    "changes": {"amount": "500.00", "flags": ["jump"]}, "ip": "10.0.0.9", "request_id": "req-x",
}


@pytest.mark.parametrize("field", sorted(TAMPERED))
def test_each_hashed_field_tampered_alone_breaks_its_row(field):
    rows = chain()
    rows[1] = {**rows[1], field: TAMPERED[field]}
    count, _head, problems = verify(rows)
    assert count == 3
    assert problems == ["seq 2: content does not match its hash (altered)"]


@pytest.mark.parametrize(("field", "empty"), [
    ("actor_id", None), ("actor_name", ""), ("unit_id", None), ("object_type", ""),
    ("object_id", ""), ("object_repr", ""), ("changes", {}), ("ip", ""), ("request_id", ""),
])
def test_blanking_a_field_breaks_its_row(field, empty):
    rows = chain()
    rows[0] = {**rows[0], field: empty}
    assert verify(rows)[2] == ["seq 1: content does not match its hash (altered)"]


def test_the_same_moment_in_another_zone_hashes_the_same():
    row = event(1, GENESIS)
    assert digest({**row, "at": row["at"].astimezone(UTC)}) == row["hash"]
    assert b'"2022-04-12T01:31:15.123456+00:00"' in canonical(row)


def test_an_ip_address_is_hashed_in_its_normal_form():
    row = event(1, GENESIS, ip="2001:db8::1")
    assert digest({**row, "ip": "2001:0db8:0000::0001"}) == row["hash"]
    assert b'"2001:db8::1"' in canonical(row)


def test_missing_optional_values_hash_as_blanks():
    row = event(1, GENESIS)
    blank = {**row, "actor_name": None, "object_type": None, "object_id": None,
             "object_repr": None, "changes": None, "ip": None, "request_id": None}
    assert canonical(blank) == canonical({**row, "actor_name": "", "object_type": "",
                                          "object_id": "", "object_repr": "", "changes": {},
                                          "ip": "", "request_id": ""})


def test_canonical_form_is_compact_sorted_and_keeps_chinese():
    row = event(1, GENESIS, changes={"b": 1, "a": ("x", "y")})
    text = canonical(row).decode()
    assert text.startswith('[1,"2022-04-12T01:31:15.123456+00:00",7,"调度员",3,')
    assert '{"a":["x","y"],"b":1}' in text
    assert " " not in text.replace("2022年3月 第1期", "")
    assert text.endswith(f'"{GENESIS}"]')


def test_prepare_and_place_give_the_same_hash_as_digest():
    row = event(5, "ab" * 32)
    assert place(prepare(row), 5, "ab" * 32) == row["hash"]
    assert place(prepare(row), 6, "ab" * 32) != row["hash"]
    assert place(prepare(row), 5, "cd" * 32) != row["hash"]


def test_a_deleted_row_is_named_as_missing():
    rows = chain(4)
    del rows[1:3]
    assert verify(rows)[2] == ["seq 2–3: missing (deleted rows)",
                               "seq 4: does not follow the previous event "
                               "(a row before it was changed or deleted)"]


def test_rows_out_of_order_are_named():
    rows = chain(3)
    problems = verify([rows[0], rows[2], rows[1]])[2]
    assert "seq 3: missing" not in problems
    assert problems[0] == "seq 2–2: missing (deleted rows)"
    assert "seq 2: out of order" in problems


def test_a_rehashed_row_still_breaks_the_next_link():
    rows = chain()
    forged = {**rows[1], "changes": {"amount": "1.00"}}
    forged["hash"] = digest(forged)
    rows[1] = forged
    assert verify(rows)[2] == ["seq 3: does not follow the previous event "
                               "(a row before it was changed or deleted)"]


def test_verify_continues_from_a_checkpoint():
    rows = chain(4)
    assert verify(rows[2:], after_seq=2, after_hash=rows[1]["hash"]) == (2, rows[3]["hash"], [])
    problems = verify(rows[2:], after_seq=2, after_hash=GENESIS)[2]
    assert problems == ["seq 3: does not follow the previous event "
                        "(a row before it was changed or deleted)"]
    assert verify(rows[2:])[2][0] == "seq 1–2: missing (deleted rows)"


# The hashes of two fixed events, computed once: the canonical form may never change, or every
# chain already stored stops verifying. Any change to what a blank field hashes to, to the
# time format, the IP form or the JSON options changes these.
FULL_EVENT_HASH = "c4ba3c51caf6d2da703dc3f447175ab5c29ad8cfc762bed2ca66255401aa5ca0"
BLANK_EVENT_HASH = "9a5e3169300aed5f330e06791443a579bfecc3bcd376de0a4ee76cb91fc5b838"


def test_the_canonical_form_is_pinned():
    full = event(1, GENESIS)
    blank = {"seq": 2, "at": AT, "actor_id": None, "actor_name": None, "unit_id": None,
             "action": "system.start", "object_type": None, "object_id": None,
             "object_repr": None, "changes": None, "ip": None, "request_id": None,
             "prev_hash": full["hash"]}
    assert digest(full) == FULL_EVENT_HASH
    assert digest(blank) == BLANK_EVENT_HASH


def test_prepare_cuts_the_place_whatever_its_width():
    row = event(12345, "ef" * 32)
    assert place(prepare(row), 12345, "ef" * 32) == row["hash"]


@pytest.mark.parametrize(("field", "value"), [("seq", 2), ("prev_hash", "ab" * 32)])
def test_the_place_is_hashed_too(field, value):
    # A row moved to another place or re-linked changes its own hash, not only the next link.
    row = event(1, GENESIS)
    assert digest({**row, field: value}) != row["hash"]


@pytest.mark.parametrize(("a", "b"), [("actor_name", "object_repr"), ("object_type", "object_id"),
                                      ("actor_id", "unit_id"), ("object_id", "request_id")])
def test_values_swapped_between_fields_break_the_hash(a, b):
    # Field order is part of the hash: the same values under other names hash differently.
    row = event(1, GENESIS, actor_id=7, unit_id=3, object_id="41", request_id="req-1")
    assert digest({**row, a: row[b], b: row[a]}) != row["hash"]


def test_the_encoding_is_utf8_not_escaped():
    row = event(1, GENESIS)
    assert "调度员".encode() in canonical(row)
    assert b"\\u" not in canonical(row)
