"""Macro expansion and variable interpolation match the plugin's and Grafana's documented output."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboards.expand import render_sql
from dashboards.interpolation import Selection, apply_conditional_all, replace_variables
from dashboards.macros import MacroError, TimeRange, expand_macros, parse_args

# The plugin's own doc examples use these instants.
RANGE = TimeRange(datetime.fromtimestamp(1415792726, UTC), datetime.fromtimestamp(1447328726, UTC), 20.0)


def test_time_filter_as_documented_by_the_plugin() -> None:
    assert expand_macros("WHERE $__timeFilter(time)", RANGE) == (
        "WHERE time >= toDateTime(1415792726) AND time <= toDateTime(1447328726)"
    )


def test_ms_variants_date_filter_and_interval() -> None:
    assert expand_macros("$__timeFilter_ms(t)", RANGE) == (
        "t >= fromUnixTimestamp64Milli(1415792726000) AND t <= fromUnixTimestamp64Milli(1447328726000)"
    )
    assert expand_macros("$__dateFilter(d)", RANGE) == "d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')"
    assert expand_macros("$__dateTimeFilter(d, t)", RANGE).startswith("(d >= toDate('2014-11-12')")
    assert expand_macros("$__timeInterval(t)", RANGE) == "toStartOfInterval(toDateTime(t), INTERVAL 20 second)"
    assert expand_macros("$__timeInterval_ms(t)", RANGE) == (
        "toStartOfInterval(toDateTime64(t, 3), INTERVAL 20000 millisecond)"
    )
    assert expand_macros("x / $__interval_s", RANGE) == "x / 20"
    assert expand_macros("$__fromTime AND $__toTime_ms", RANGE) == (
        "toDateTime(1415792726) AND fromUnixTimestamp64Milli(1447328726000)"
    )


def test_arguments_keep_nested_parentheses() -> None:
    assert parse_args("(toDate(a, 'UTC'), b) rest") == (["toDate(a, 'UTC')", "b"], len("(toDate(a, 'UTC'), b)"))
    assert expand_macros("$__timeFilter(toDateTime(x))", RANGE).startswith("toDateTime(x) >= toDateTime(")
    with pytest.raises(MacroError):
        expand_macros("$__timeFilter(a, b)", RANGE)
    with pytest.raises(MacroError):
        expand_macros("$__timeFilter(a", RANGE)


def test_conditional_all_is_one_equals_one_on_all_and_the_condition_otherwise() -> None:
    sql = "WHERE $__conditionalAll(region IN (${region:singlequote}), $region) AND x"
    everything = {"region": Selection(is_all=True, options=("Bali", "Papua"), multi=True)}
    one = {"region": Selection(values=("Bali",), multi=True)}
    assert apply_conditional_all(sql, everything) == "WHERE 1=1 AND x"
    assert apply_conditional_all(sql, one) == "WHERE region IN (${region:singlequote}) AND x"
    assert render_sql(sql, one, RANGE) == "WHERE region IN ('Bali') AND x"


def test_variable_formats_follow_grafana() -> None:
    two = {"v": Selection(values=("a", "o'b"), multi=True)}
    assert replace_variables("${v:singlequote}", two, RANGE) == "'a','o\\'b'"
    assert replace_variables("${v:sqlstring}", two, RANGE) == "'a','o''b'"
    assert replace_variables("${v:csv} [[v]]", two, RANGE) == "a,o'b 'a','o'b'"
    single = {"v": Selection(values=("x",))}
    assert replace_variables("$v ${v}", single, RANGE) == "x x"
    every = {"v": Selection(is_all=True, options=("p", "q"), multi=True)}
    assert replace_variables("${v:singlequote}", every, RANGE) == "'p','q'"
    custom = {"v": Selection(is_all=True, options=("p",), all_value=".*", multi=True)}
    assert replace_variables("${v:singlequote}", custom, RANGE) == ".*"
    assert replace_variables("$unknown $__from", {}, RANGE) == "$unknown 1415792726000"
