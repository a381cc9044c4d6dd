"""Exact nearest-rank percentiles in ClickHouse SQL (DOMAIN.md: the p-quantile of n sorted values is
the value at rank ceil(p x n), 1-based, so the p90 of {32, 40} is 40 and the p50 of {1, 2, 3, 4} is 2).

No ClickHouse quantile function is that: `quantile` samples and interpolates, `quantileExact(p)` takes
0-based index floor(p x n), which is one rank too high whenever p x n is an integer (p90 of 1..10 gives
10, not 9), and `quantileExactLow`/`High` differ from `quantileExact` only at the median. So the values
are gathered, sorted and indexed at ceil(P x n / 100), computed in integers so that no float error
moves a rank (0.9 x 10 must be exactly 9).
"""

from __future__ import annotations


def nearest_rank(value: str, percent: int, condition: str | None = None) -> str:
    """SQL for the exact nearest-rank `percent` percentile of the non-NULL `value`s of the group
    (only rows where `condition` holds, when given); NULL when there are none.

    `value` and `condition` are SQL expressions; `percent` is an integer 1..100 (50, 90, 95).
    """
    if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 100:
        raise ValueError(f"percent must be an integer from 1 to 100, got {percent!r}")
    kept = f"{value} IS NOT NULL" if condition is None else f"{value} IS NOT NULL AND ({condition})"
    count = f"countIf({kept})"
    return (
        f"if({count} = 0, NULL, "
        f"arraySort(groupArrayIf({value}, {kept}))[toUInt64(intDiv({count} * {percent} + 99, 100))])"
    )
