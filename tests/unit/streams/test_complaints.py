"""Complaints: any order, deadlines in working days, overdue at a given now, pungli, rate, no personal data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.privacy import pseudonymize_nik
from streams.logic.complaints import ComplaintPolicy, ComplaintState, complaint_rate, is_pungli
from tests.unit.streams.factories import OFFICE, event, table_columns

WIB = ZoneInfo("Asia/Jakarta")
KEY = b"test-key"
FILED_AT = datetime(2026, 11, 6, 10, 0, tzinfo=WIB)  # Friday: response due Wed 11 Nov, follow-up Fri 13 Nov
NIK = "3171234567890123"


def filed(**fields: Any) -> Any:
    body: dict[str, Any] = {
        "category": "waktu",
        "channel": "lapor",
        "service_code": "KTP",
        "reporter_nik": NIK,
        "text": f"Antrean lama. NIK {NIK}, hubungi 0812-3456-7890",
    }
    body.update(fields)
    return event("complaint.filed", "C1-f", FILED_AT, complaint_id="C1", **body)


def responded(days: float) -> Any:
    return event("complaint.responded", "C1-r", FILED_AT + timedelta(days=days), complaint_id="C1")


def resolved(days: float) -> Any:
    return event("complaint.resolved", "C1-x", FILED_AT + timedelta(days=days), complaint_id="C1")


def run(events: list[Any], policy: ComplaintPolicy | None = None) -> ComplaintState:
    state = ComplaintState(OFFICE, "C1")
    for item in events:
        state.apply(item, KEY, policy or ComplaintPolicy())
    return state


def test_a_filed_complaint_becomes_a_row_without_personal_data() -> None:
    row = run([filed()]).row(now=FILED_AT + timedelta(hours=1), tz=WIB)

    assert row is not None
    assert list(row) == table_columns("complaints")
    assert row["reporter_ref"] == pseudonymize_nik(NIK, KEY)
    assert row["text_redacted"] == "Antrean lama. NIK [NIK], hubungi [TELEPON]"
    assert NIK not in json.dumps(row, default=str)
    assert row["response_due_at"] == datetime(2026, 11, 11, 23, 59, 59, 999000, tzinfo=WIB).astimezone(UTC)
    assert row["followup_due_at"] == datetime(2026, 11, 13, 23, 59, 59, 999000, tzinfo=WIB).astimezone(UTC)
    assert (row["response_overdue"], row["followup_overdue"], row["pungli"]) == (0, 0, 0)


@settings(max_examples=40, deadline=None)
@given(st.permutations([filed(), responded(2), resolved(4)]), st.lists(st.integers(0, 2), max_size=3))
def test_order_and_repetition_do_not_change_the_row(order: list[Any], repeats: list[int]) -> None:
    now = FILED_AT + timedelta(days=30)

    row = run(order + [order[index] for index in repeats]).row(now, WIB)

    assert row == run([filed(), responded(2), resolved(4)]).row(now, WIB)


def test_response_and_resolution_before_filing_are_held_until_it_arrives() -> None:
    state = run([responded(1), resolved(2)])

    assert state.row(FILED_AT, WIB) is None
    state.apply(filed(), KEY)
    row = state.row(FILED_AT + timedelta(days=3), WIB)
    assert row is not None and row["responded_at"] == (FILED_AT + timedelta(days=1)).astimezone(UTC)


@pytest.mark.parametrize(
    ("events", "now", "overdue"),
    [
        ([], datetime(2026, 11, 11, 23, 0, tzinfo=WIB), (0, 0)),  # still within 3 working days
        ([], datetime(2026, 11, 12, 0, 1, tzinfo=WIB), (1, 0)),  # response due passed
        ([responded(5)], datetime(2026, 11, 12, 9, 0, tzinfo=WIB), (0, 0)),  # answered Wed 11 Nov 10:00
        ([responded(6)], datetime(2026, 11, 30, tzinfo=WIB), (1, 1)),  # answered Thu: late, stays late
        ([resolved(4)], datetime(2026, 11, 30, tzinfo=WIB), (0, 0)),  # resolution counts as the response
        ([responded(1)], datetime(2026, 11, 14, 0, 1, tzinfo=WIB), (0, 1)),  # not resolved by Fri 13 Nov
    ],
)
def test_overdue_flags_at_a_given_now(events: list[Any], now: datetime, overdue: tuple[int, int]) -> None:
    row = run([filed(), *events]).row(now, WIB)

    assert row is not None and (row["response_overdue"], row["followup_overdue"]) == overdue


def test_follow_up_deadline_follows_the_configured_kind_of_the_category() -> None:
    policy = ComplaintPolicy(followup_kind_by_category={"perilaku_petugas": "supervision"})

    state = run([filed(category="perilaku_petugas")], policy)

    due = state.followup_due_at(WIB, policy)
    assert due == datetime(2026, 11, 26, 23, 59, 59, 999000, tzinfo=WIB).astimezone(UTC)  # 14 working days


def test_next_change_is_the_earliest_pending_deadline() -> None:
    state = run([filed()])

    assert state.next_change_at(FILED_AT, WIB) == state.response_due_at(WIB)
    state.apply(responded(1), KEY)
    assert state.next_change_at(FILED_AT, WIB) == state.followup_due_at(WIB)


@pytest.mark.parametrize(
    ("category", "text", "expected"),
    [
        ("pungli", None, True),
        ("Biaya", "", True),
        ("perilaku_petugas", "Petugas meminta uang pelicin Rp 100.000", True),
        ("lainnya", "Ada PUNGUTAN  LIAR di loket 3", True),
        ("lainnya", "saya dipungli petugas parkir", True),
        ("waktu", "Antrean lama sekali, biaya resmi Rp 0", False),
    ],
)
def test_pungli_by_category_or_words(category: str, text: str | None, expected: bool) -> None:
    assert is_pungli(category, text) is expected


def test_a_pungli_complaint_is_flagged_in_its_row() -> None:
    row = run([filed(category="lainnya", text="diminta uang pelicin")]).row(FILED_AT, WIB)

    assert row is not None and row["pungli"] == 1


@pytest.mark.parametrize(("complaints", "completed", "rate"), [(3, 1500, 2.0), (0, 10, 0.0), (2, 0, None)])
def test_complaint_rate_per_thousand_completed_services(complaints: int, completed: int, rate: float | None) -> None:
    assert complaint_rate(complaints, completed) == rate


def test_state_round_trips_through_json() -> None:
    state = run([filed(), responded(1)])

    restored = ComplaintState.from_dict(json.loads(json.dumps(state.to_dict())))

    now = FILED_AT + timedelta(days=10)
    assert restored.row(now, WIB) == state.row(now, WIB)
    assert NIK not in json.dumps(state.to_dict())


def test_a_reporter_nik_without_digits_gives_no_pseudonym() -> None:
    row = run([filed(reporter_nik="tidak ada")]).row(FILED_AT, WIB)

    assert row is not None and row["reporter_ref"] == ""
