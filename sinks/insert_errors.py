"""Why an INSERT failed: ClickHouse is away (wait for it), or ClickHouse refuses these rows (set them aside).

The sink must never skip data because ClickHouse is down, and must never stall every office because
one message holds a value ClickHouse will not take (a UInt8 of 300, a number of 1e300, a date that
does not parse). Those are different failures and are told apart here, conservatively: only errors
that are certainly about the values are "refused"; anything else (a lost connection, a full disk,
too many parts, a missing grant or table) is waited out, so an outage or a configuration mistake
never turns good data into dead letters.
"""

from __future__ import annotations

import struct

from clickhouse_connect.driver.exceptions import DatabaseError, DataError, OperationalError

REFUSED_VALUE_CODES = frozenset(
    {
        6,  # CANNOT_PARSE_TEXT
        26,  # CANNOT_PARSE_QUOTED_STRING
        27,  # CANNOT_PARSE_INPUT_ASSERTION_FAILED
        38,  # CANNOT_PARSE_DATE
        41,  # CANNOT_PARSE_DATETIME
        53,  # TYPE_MISMATCH
        69,  # ARGUMENT_OUT_OF_BOUND
        70,  # CANNOT_CONVERT_TYPE
        72,  # CANNOT_PARSE_NUMBER
        117,  # INCORRECT_DATA
        131,  # TOO_LARGE_STRING_SIZE
        190,  # SIZES_OF_ARRAYS_DONT_MATCH
        321,  # VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
        407,  # DECIMAL_OVERFLOW
    }
)
"""ClickHouse error codes (src/Common/ErrorCodes.cpp) that say a value in the block cannot be stored."""


def refuses_the_rows(exc: BaseException) -> bool:
    """True when `exc` says these rows can never be inserted as they are; False for anything to wait out.

    clickhouse-connect raises DataError when it cannot serialize a value for its column type (client
    side, before anything is sent), and plain ValueError/OverflowError/struct.error escape from the
    same serializers for some types. A server (or chDB) error is a refusal only for a value code.
    """
    if isinstance(exc, OperationalError):
        return False
    if isinstance(exc, DataError):
        return True
    if isinstance(exc, DatabaseError):
        return exc.code in REFUSED_VALUE_CODES
    return isinstance(exc, ValueError | OverflowError | TypeError | struct.error)
