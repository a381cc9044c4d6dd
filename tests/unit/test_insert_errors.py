"""Which insert failures set rows aside (their values) and which are waited out (ClickHouse itself)."""

from __future__ import annotations

import struct

import pytest
from clickhouse_connect.driver.exceptions import DatabaseError, DataError, OperationalError, ProgrammingError

from sinks.insert_errors import refuses_the_rows


@pytest.mark.parametrize(
    "exc",
    [
        DataError("Unable to create native array for column `wait_breached`"),
        DatabaseError("Cannot parse input", code=27),
        DatabaseError("Value out of range", code=321),
        OverflowError("int too big to convert"),
        struct.error("ubyte format requires 0 <= number <= 255"),
        ValueError("invalid literal"),
    ],
)
def test_value_errors_refuse_the_rows(exc: BaseException) -> None:
    assert refuses_the_rows(exc)


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("connection refused"),
        DatabaseError("Too many parts", code=252),
        DatabaseError("Memory limit exceeded", code=241),
        DatabaseError("Not enough privileges", code=497),
        DatabaseError("Table pantau.tickets does not exist", code=60),
        DatabaseError("no code given"),
        ProgrammingError("Unable to open the chdb engine"),
        RuntimeError("a bug of ours"),
    ],
)
def test_outages_and_configuration_errors_are_waited_out(exc: BaseException) -> None:
    assert not refuses_the_rows(exc)
