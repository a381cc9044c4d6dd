"""`pantau up` refreshes the staffing advice on a schedule, so the panel and the report never go stale."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError as DriverError

from pantau.clickhouse.staffing_refresh import StaffingRefresh, refresh_staffing

log = logging.getLogger(__name__)


class StaffingSchedule(threading.Thread):
    """Refreshes `staffing` every `interval_s` (the first time after one interval) until `stop` is set.

    A failed refresh is logged and tried again at the next interval: the advice is a report, and its
    failure must never stop the pipeline that lands the data.
    """

    def __init__(
        self,
        client: Client,
        database: str,
        weeks: int,
        interval_s: float,
        stop: threading.Event,
        refresh: Callable[[Client, str, int], StaffingRefresh] = refresh_staffing,
    ) -> None:
        super().__init__(name="pantau-staffing", daemon=True)
        self._client = client
        self._database = database
        self._weeks = weeks
        self._interval_s = interval_s
        self._halt = stop
        self._refresh = refresh
        self.refreshes = 0
        self.error: BaseException | None = None  # read by `pantau up` after the join; always None here

    def run(self) -> None:
        while not self._halt.wait(self._interval_s):
            try:
                outcome = self._refresh(self._client, self._database, self._weeks)
            except (DriverError, ValueError) as exc:
                log.warning("staffing refresh failed (%s); trying again in %.0f s", exc, self._interval_s)
                continue
            self.refreshes += 1
            log.info("staffing refreshed: %d cells, %d understaffed", outcome.cells, outcome.understaffed)
