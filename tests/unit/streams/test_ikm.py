"""IKM per PermenPANRB 14/2017: the regulation's figures, grades, minimum sample and local periods."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.logic.ikm import (
    IkmAccumulator,
    ikm_from_nrr,
    ikm_from_sums,
    min_sample,
    mutu,
    mutu_label,
    next_period_start,
    period_start,
    round_ikm,
)
from tests.unit.streams.factories import table_columns

survey = st.lists(st.integers(1, 4), min_size=9, max_size=9)


def accumulator(*surveys: list[int], served: int = 0) -> IkmAccumulator:
    acc = IkmAccumulator()
    for scores in surveys:
        acc.add_survey(scores)
    acc.add_served(served)
    return acc


def test_a_perfect_survey_scores_99_9_grade_a() -> None:
    ikm = accumulator([4] * 9, [4] * 9).ikm()

    assert ikm == 99.9 and mutu(99.9) == "A" and mutu_label("A") == "Sangat Baik"


def test_all_threes_score_74_925_grade_c_shown_as_74_93() -> None:
    ikm = ikm_from_sums([3] * 9, respondents=1)

    assert ikm == 74.925
    assert round_ikm(ikm) == 74.93
    assert mutu(ikm) == "C" and mutu_label("C") == "Kurang Baik"


def test_all_ones_score_24_975_grade_d() -> None:
    assert ikm_from_nrr([1.0] * 9) == 24.975 and mutu(24.975) == "D"


def test_a_published_nrr_table_gives_its_ikm() -> None:
    nrr = [3.2, 3.1, 2.9, 3.8, 3.0, 3.3, 3.4, 2.8, 3.0]  # sum 28.5

    assert ikm_from_nrr(nrr) == pytest.approx(28.5 * 0.111 * 25) and ikm_from_nrr(nrr) == 79.0875


@pytest.mark.parametrize(
    ("ikm", "grade"),
    [
        (88.31, "A"),
        (88.305, "A"),  # shown as 88.31
        (88.3049, "B"),
        (76.61, "B"),
        (76.6049, "C"),
        (65.0, "C"),
        (64.995, "C"),  # shown as 65.00
        (64.99, "D"),
    ],
)
def test_grades_follow_the_displayed_two_decimal_value(ikm: float, grade: str) -> None:
    assert mutu(ikm) == grade


def test_weight_is_configurable() -> None:
    assert ikm_from_sums([4] * 9, 1, weight=1 / 9) == pytest.approx(100.0)


@given(st.lists(survey, min_size=1, max_size=30))
def test_ikm_stays_between_24_975_and_99_9(surveys: list[list[int]]) -> None:
    ikm = accumulator(*surveys).ikm()

    assert ikm is not None and 24.975 <= ikm <= 99.9


@pytest.mark.parametrize(
    ("population", "sample"),
    [(0, 0), (1, 1), (10, 10), (100, 80), (1000, 278), (10_000, 370), (1_000_000, 384)],
)
def test_krejcie_morgan_minimum_sample_rounded_up(population: int, sample: int) -> None:
    assert min_sample(population) == sample


def test_a_row_with_too_few_respondents_is_flagged() -> None:
    acc = accumulator([4, 4, 3, 3, 4, 4, 4, 3, 3], [3] * 9, served=100)

    row = acc.to_row("MPP-JKT-01", "month", date(2026, 10, 1))

    assert row is not None and list(row) == table_columns("ikm")
    assert (row["respondents"], row["served"], row["min_sample"], row["below_min_sample"]) == (2, 100, 80, 1)
    assert row["nrr_u1"] == 3.5 and row["nrr_u3"] == 3.0
    assert row["ikm"] == 81.8625  # NRR sum 29.5 x 0.111 x 25 and row["mutu"] == "B"


def test_no_respondents_no_row() -> None:
    assert accumulator(served=50).to_row("MPP-JKT-01", "month", date(2026, 10, 1)) is None


def test_merged_months_equal_the_quarter_accumulated_at_once() -> None:
    october, november = accumulator([4] * 9, served=10), accumulator([2] * 9, [3] * 9, served=20)
    quarter = accumulator([4] * 9, [2] * 9, [3] * 9, served=30)

    october.merge(november)

    assert october.to_row("O", "quarter", date(2026, 10, 1)) == quarter.to_row("O", "quarter", date(2026, 10, 1))
    assert IkmAccumulator.from_dict(october.to_dict()) == october


def test_answers_outside_1_to_4_are_refused() -> None:
    with pytest.raises(ValueError, match="from 1 to 4"):
        IkmAccumulator().add_survey([5] * 9)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("month", date(2026, 11, 1)),
        ("quarter", date(2026, 10, 1)),
        ("semester", date(2026, 7, 1)),
        ("year", date(2026, 1, 1)),
    ],
)
def test_periods_start_in_the_office_local_calendar(kind: str, expected: date) -> None:
    moment = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 23:30 on 31 October in WIB, 01:30 on 1 November in WIT

    assert period_start(moment, ZoneInfo("Asia/Jayapura"), kind) == expected  # type: ignore[arg-type]
    assert period_start(moment, "Asia/Jakarta", "month") == date(2026, 10, 1)


@pytest.mark.parametrize(
    ("period", "kind", "expected"),
    [
        (date(2026, 12, 1), "month", date(2027, 1, 1)),
        (date(2026, 10, 1), "quarter", date(2027, 1, 1)),
        (date(2026, 1, 1), "semester", date(2026, 7, 1)),
        (date(2026, 1, 1), "year", date(2027, 1, 1)),
    ],
)
def test_next_period_start(period: date, kind: str, expected: date) -> None:
    assert next_period_start(period, kind) == expected  # type: ignore[arg-type]
