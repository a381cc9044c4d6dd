"""`pantau up`'s staffing schedule: refreshes every interval, survives a failed refresh, stops when asked."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any, cast

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import OperationalError

from pantau.clickhouse.staffing_refresh import StaffingRefresh
from pantau.runtime.staffing_schedule import StaffingSchedule


def test_it_refreshes_on_schedule_keeps_going_after_a_failure_and_stops() -> None:
    calls: list[tuple[str, int]] = []

    def refresh(client: Any, database: str, weeks: int) -> StaffingRefresh:
        calls.append((database, weeks))
        if len(calls) == 2:
            raise OperationalError("ClickHouse away for a moment")
        return StaffingRefresh(3, 0, 1, datetime.now(UTC))

    stop = threading.Event()
    schedule = StaffingSchedule(cast(Client, object()), "pantau", 4, 0.05, stop, refresh=refresh)
    schedule.start()
    deadline = time.monotonic() + 10
    while len(calls) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    schedule.join(5)
    assert not schedule.is_alive()
    assert len(calls) >= 4 and set(calls) == {("pantau", 4)}
    assert schedule.refreshes == len(calls) - 1, "the failed refresh is not counted, the ones after it are"
