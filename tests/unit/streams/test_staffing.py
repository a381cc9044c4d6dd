"""Erlang C against published values, and its edge cases (no arrivals, too few counters, huge loads)."""

from __future__ import annotations

import math

import pytest

from streams.logic.staffing import counters_needed, erlang_b, offered_load, p_wait, service_level


@pytest.mark.parametrize(
    ("load", "counters", "expected"),
    [(10, 11, 0.6821), (10, 12, 0.4494), (2, 3, 0.4444), (2, 4, 0.1739), (1, 2, 0.3333)],
)
def test_p_wait_matches_published_erlang_c_tables(load: float, counters: int, expected: float) -> None:
    assert p_wait(load, counters) == pytest.approx(expected, abs=5e-5)


def test_p_wait_agrees_with_the_textbook_formula_where_it_does_not_overflow() -> None:
    for load, counters in [(0.5, 1), (3.3, 5), (17.2, 20), (40.0, 48)]:
        top = load**counters / math.factorial(counters) * counters / (counters - load)
        bottom = sum(load**k / math.factorial(k) for k in range(counters)) + top
        assert p_wait(load, counters) == pytest.approx(top / bottom, rel=1e-9)


def textbook_service_level(load: float, counters: int, target_wait_s: float, mean_service_s: float) -> float:
    top = load**counters / math.factorial(counters) * counters / (counters - load)
    waiting = top / (sum(load**k / math.factorial(k) for k in range(counters)) + top)
    return 1 - waiting * math.exp(-(counters - load) * target_wait_s / mean_service_s)


def test_the_advice_is_the_fewest_counters_that_meet_the_target() -> None:
    """100 tickets an hour of 3 minutes each is 5 Erlangs; 80 % within 20 s, checked by brute force."""
    load = offered_load(100, 180)
    assert load == 5.0
    levels = {c: textbook_service_level(load, c, 20, 180) for c in range(6, 15)}
    expected = min(c for c, level in levels.items() if level >= 0.80)
    assert expected == 8 and levels[7] < 0.80 <= levels[8]
    assert counters_needed(load, 20, 180, 0.80) == expected
    assert service_level(load, expected, 20, 180) == pytest.approx(levels[expected], rel=1e-9)
    assert p_wait(load, 6) == pytest.approx(0.5875, abs=5e-5)  # the published Erlang C table value


def test_too_few_counters_never_catch_up() -> None:
    assert p_wait(4.0, 4) == 1.0 and p_wait(4.0, 3) == 1.0
    assert service_level(4.0, 4, 1800, 600) == 0.0


def test_no_arrivals_need_no_counters_and_nobody_waits() -> None:
    assert offered_load(0, 600) == 0.0
    assert counters_needed(0.0, 1800, 600, 0.9) == 0
    assert p_wait(0.0, 1) == 0.0 and service_level(0.0, 1, 1800, 600) == 1.0


def test_tiny_loads_need_one_counter() -> None:
    assert counters_needed(0.01, 1800, 600, 0.9) == 1


def test_huge_loads_stay_finite_and_the_advice_is_just_above_the_load() -> None:
    load = 5000.0  # a^c / c! would overflow a float ~30 times over
    assert 0.0 < erlang_b(load, 5100) < 1.0
    needed = counters_needed(load, 1800, 600, 0.9)
    assert load < needed <= load * 1.02
    assert service_level(load, needed, 1800, 600) >= 0.9 > service_level(load, needed - 1, 1800, 600)


def test_more_counters_never_lower_the_service_level() -> None:
    levels = [service_level(9.5, c, 600, 900) for c in range(10, 25)]
    assert levels == sorted(levels) and levels[-1] > 0.999


@pytest.mark.parametrize(
    "call",
    [
        lambda: offered_load(-1, 600),
        lambda: offered_load(10, math.inf),
        lambda: erlang_b(-2, 3),
        lambda: counters_needed(3, 1800, 600, 1.0),
        lambda: counters_needed(3, 1800, 0, 0.9),
        lambda: counters_needed(1e9, 1800, 600, 0.9),
    ],
)
def test_impossible_inputs_are_clear_errors(call: object) -> None:
    with pytest.raises(ValueError):
        call()  # type: ignore[operator]
