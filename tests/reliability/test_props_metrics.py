"""Properties of the metric maths in streams/logic/, for any input rather than hand-picked examples."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.contract import EventValidator
from streams.logic.ikm import IkmAccumulator, ikm_from_sums, mutu
from streams.logic.quantiles import QuantileSketch, nearest_rank
from streams.logic.ticket_lifecycle import TicketState
from streams.logic.windows import WindowAccumulator, WindowUpdate
from streams.logic.working_days import WorkingDayCalendar, national_holidays
from tests.reliability.strategies import CATALOG, OFFICE_IDS, valid_events

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ALPHA = 0.01

# Positive durations across twelve orders of magnitude: fewer buckets than the sketch's bound, so the
# stated accuracy holds for every value (folding the lowest buckets is a documented, separate trade-off).
durations = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False, allow_infinity=False)
whole_seconds = st.integers(min_value=0, max_value=10**7).map(float)  # sums of these are exact
quantile_levels = st.floats(min_value=0.0, max_value=1.0)


def sketch_of(values: list[float]) -> QuantileSketch:
    sketch = QuantileSketch(ALPHA)
    for value in values:
        sketch.add(value)
    return sketch


# -- DDSketch ------------------------------------------------------------------------------------------


@PROPERTY
@given(st.lists(durations, min_size=1, max_size=300), st.lists(quantile_levels, min_size=1, max_size=5))
def test_sketch_quantiles_are_within_the_relative_accuracy_of_the_exact_ones(
    values: list[float], qs: list[float]
) -> None:
    sketch = sketch_of(values)
    ordered = sorted(values)

    for q in qs:
        exact = ordered[nearest_rank(q, len(ordered)) - 1]  # the nearest-rank quantile DOMAIN.md defines
        estimate = sketch.quantile(q)
        assert estimate is not None
        assert abs(estimate - exact) <= ALPHA * exact * (1 + 1e-9), (q, exact, estimate)


@PROPERTY
@given(st.lists(st.lists(whole_seconds, max_size=40), min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_merging_sketches_in_any_order_equals_the_sketch_of_all_values(parts: list[list[float]], random: Any) -> None:
    merged = QuantileSketch(ALPHA)
    for part in parts:
        merged.merge(sketch_of(part))
    shuffled = parts[:]
    random.shuffle(shuffled)
    merged_shuffled = QuantileSketch(ALPHA)
    for part in shuffled:
        merged_shuffled.merge(sketch_of(part))

    everything = sketch_of([value for part in parts for value in part])
    assert merged == merged_shuffled == everything
    assert merged.quantiles((0.5, 0.9, 0.95)) == everything.quantiles((0.5, 0.9, 0.95))


@PROPERTY
@given(st.lists(st.lists(durations, max_size=40), min_size=2, max_size=5), st.randoms(use_true_random=False))
def test_merge_order_never_changes_buckets_or_quantiles_of_any_durations(parts: list[list[float]], random: Any) -> None:
    forward = QuantileSketch(ALPHA)
    for part in parts:
        forward.merge(sketch_of(part))
    backward = QuantileSketch(ALPHA)
    for part in random.sample(parts, k=len(parts)):
        backward.merge(sketch_of(part))

    assert forward.buckets() == backward.buckets() == sketch_of([v for part in parts for v in part]).buckets()
    assert forward.quantiles((0.0, 0.5, 0.9, 1.0)) == backward.quantiles((0.0, 0.5, 0.9, 1.0))
    assert math.isclose(forward.sum, backward.sum, rel_tol=1e-9)  # float addition order is all that differs


@PROPERTY
@given(st.lists(durations, max_size=100))
def test_a_sketch_survives_its_serialized_form(values: list[float]) -> None:
    sketch = sketch_of(values)

    assert QuantileSketch.from_base64(sketch.to_base64()) == sketch


# -- window accumulator --------------------------------------------------------------------------------

START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
window_updates = st.builds(
    WindowUpdate,
    office_id=st.just(OFFICE_IDS[0]),
    service_code=st.just("KTP"),
    window_start=st.just(START),
    window_s=st.just(300),
    wait_s=st.none() | st.floats(min_value=0.0, max_value=1e6),
    breached=st.booleans(),
    abandoned=st.integers(min_value=0, max_value=1),
    complaints=st.integers(min_value=0, max_value=1),
)


@PROPERTY
@given(st.lists(window_updates, max_size=30), window_updates)
def test_applying_then_taking_back_an_update_restores_the_window(
    history: list[WindowUpdate], update: WindowUpdate
) -> None:
    accumulator = WindowAccumulator()
    for earlier in history:
        accumulator.apply(earlier, 1)
    before = accumulator.to_row(OFFICE_IDS[0], "KTP", START, 300)

    accumulator.apply(update, 1)
    accumulator.apply(update, -1)
    after = accumulator.to_row(OFFICE_IDS[0], "KTP", START, 300)

    for column in ("served", "abandoned", "breaches", "complaints"):
        assert after[column] == before[column]
    assert accumulator.wait_sketch.buckets() == _sketch_of_updates(history).buckets()
    tolerance = 1e-6 * (1 + abs(update.wait_s or 0))  # a + x - x is a up to float rounding
    assert math.isclose(after["wait_sum_s"], before["wait_sum_s"], rel_tol=1e-9, abs_tol=tolerance)
    for column in ("wait_p50_s", "wait_p90_s", "wait_p95_s"):
        # min and max become bounds after a removal (quantiles.py), so a percentile may move, within alpha
        if before[column] is None:
            assert after[column] is None
        else:
            assert abs(after[column] - before[column]) <= 2.5 * ALPHA * before[column] + 1e-9


def _sketch_of_updates(history: list[WindowUpdate]) -> QuantileSketch:
    accumulator = WindowAccumulator()
    for update in history:
        accumulator.apply(update, 1)
    return accumulator.wait_sketch


# -- ticket lifecycle ----------------------------------------------------------------------------------

near_moments = st.datetimes(min_value=datetime(2026, 11, 2, 0), max_value=datetime(2026, 11, 2, 6)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)
one_ticket = valid_events(
    ids=st.just("T1"),
    moment=near_moments,
    office_ids=st.just(OFFICE_IDS[0]),
    event_types=st.sampled_from(
        ["ticket.issued", "ticket.called", "service.started", "service.completed", "ticket.abandoned"]
    ),
    extras=False,
)


def lifecycle(events: list[Any]) -> dict[str, Any] | None:
    state = TicketState(OFFICE_IDS[0], "T1")
    for event in events:
        state.apply(event)
    return state.fact(CATALOG)


@PROPERTY
@given(
    st.lists(one_ticket, min_size=1, max_size=12, unique_by=lambda event: event["event_id"]),  # CONTRACT §1
    st.randoms(use_true_random=False),
)
def test_a_ticket_row_is_the_same_for_any_order_and_any_duplicates(raw: list[dict[str, Any]], random: Any) -> None:
    validator = EventValidator(CATALOG)
    events = [validator.validate(event) for event in raw]
    noisy = events + random.choices(events, k=len(events))
    random.shuffle(noisy)

    assert lifecycle(noisy) == lifecycle(events)


# -- IKM -----------------------------------------------------------------------------------------------

surveys = st.lists(st.lists(st.integers(min_value=1, max_value=4), min_size=9, max_size=9), min_size=1, max_size=50)


@PROPERTY
@given(surveys)
def test_ikm_lies_between_all_ones_and_all_fours(answers: list[list[int]]) -> None:
    accumulator = IkmAccumulator()
    for survey in answers:
        accumulator.add_survey(survey)

    ikm = accumulator.ikm()
    exact = accumulator.ikm("0.111111111111111111111111")  # a weight of 1/9 to 24 digits

    # With the regulation's 0.111 the scale is 24.975 (all 1) to 99.9 (all 4); with 1/9 it is 25 to 100.
    assert ikm is not None and 24.975 <= ikm <= 99.9
    assert exact is not None and 25 - 1e-9 <= exact <= 100 + 1e-9
    assert ikm == ikm_from_sums(accumulator.score_sums, accumulator.respondents)


GRADE_ORDER = {"D": 0, "C": 1, "B": 2, "A": 3}


@PROPERTY
@given(st.floats(min_value=0.0, max_value=100.0), st.floats(min_value=0.0, max_value=100.0))
def test_mutu_never_falls_as_ikm_rises(a: float, b: float) -> None:
    low, high = sorted((a, b))

    assert GRADE_ORDER[mutu(low)] <= GRADE_ORDER[mutu(high)]


# -- working days --------------------------------------------------------------------------------------

zones = st.sampled_from(["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"])
filing_times = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)
extra_days = st.lists(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 6, 30)), max_size=10)


@PROPERTY
@given(filing_times, st.integers(min_value=1, max_value=60), zones, extra_days, extra_days)
def test_a_deadline_never_lands_on_a_weekend_or_holiday(
    filed: datetime, days: int, zone: str, extra: list[date], cancelled: list[date]
) -> None:
    calendar = WorkingDayCalendar(extra_holidays=extra, cancelled_holidays=cancelled)

    deadline = calendar.add_working_days(filed, days, zone)

    local_due = deadline.astimezone(ZoneInfo(zone))
    local_filed = filed.astimezone(ZoneInfo(zone)).date()
    assert local_due.weekday() < 5
    assert local_due.date() not in extra or local_due.date() in cancelled
    assert local_due.date() not in national_holidays(local_due.year) or local_due.date() in cancelled
    assert calendar.working_days_between(local_filed, local_due.date()) == days
    assert deadline > filed
