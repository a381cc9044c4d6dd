"""Complaint rows that change with time alone: overdue flags when a deadline passes, and removal after resolution.

A complaint nobody answers must show `response_overdue = 1` once its deadline (working days, office
calendar) is behind the office clock, without waiting for another event of that complaint: the
overdue panel and the report read the flag. So every complaint event books a sweep at the next
moment one of its flags would flip (`ComplaintState.next_change_at`); when the office clock passes
it, the row is computed again at the clock and sent with the next version if it changed.

A resolved complaint whose flags are final leaves the state `complaint_keep_s` of office time after
its last event arrived (arrival, not event time, so a backfilled month of resolved complaints is
not dropped the moment it arrives). A late event for it after that starts a new state.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pantau.catalog import Catalog
from pantau.kafka import topics
from streams.logic.complaints import ComplaintState
from streams.options import StreamOptions
from streams.state import OfficeClock, Output, Stores


class ComplaintDeadlines:
    """Books and runs the time-driven updates of complaint rows."""

    def __init__(self, catalog: Catalog, options: StreamOptions) -> None:
        self._catalog = catalog
        self._keep = timedelta(seconds=options.complaint_keep_s)

    def after_event(self, key: str, state: ComplaintState, clock: OfficeClock, stores: Stores) -> None:
        """Book the complaint's next flag change, or its removal once resolved with final flags."""
        assert clock.latest is not None
        self._book(key, state, clock.latest, clock, stores)

    def due(self, key: str, clock: OfficeClock, stores: Stores) -> list[Output]:
        """The complaint's row again if a flag flipped by the clock; its removal when its time has come."""
        stored = stores.complaints.get(key)
        if stored is None or clock.latest is None or "_as_of" not in stored:
            return []
        now = clock.latest
        state = ComplaintState.from_dict(stored)
        zone = self._catalog.office(state.office_id).zone
        if state.filed_at is None:
            self._remove_if_done(key, state, stored, now, stores)
            return []
        before = state.row(now=datetime.fromisoformat(stored["_as_of"]), tz=zone)
        after = state.row(now=now, tz=zone)
        outputs: list[Output] = []
        if after is not None and after != before:
            version = int(stored["_version"]) + 1
            stored = {**stored, "_version": version, "_as_of": now.isoformat()}
            stores.complaints[key] = stored
            outputs.append(Output(topics.COMPLAINTS, key, {**after, "_version": version}))
        self._remove_if_done(key, state, stored, now, stores)
        if key in stores.complaints:
            self._book(key, state, now, clock, stores)
        return outputs

    def _remove_if_done(
        self, key: str, state: ComplaintState, stored: dict[str, Any], now: datetime, stores: Stores
    ) -> None:
        if state.resolved_at is None or now - _touched(stored) < self._keep:
            return
        if state.next_change_at(now, self._catalog.office(state.office_id).zone) is None:
            del stores.complaints[key]

    def _book(self, key: str, state: ComplaintState, now: datetime, clock: OfficeClock, stores: Stores) -> None:
        zone = self._catalog.office(state.office_id).zone
        change = state.next_change_at(now, zone)
        if change is not None:
            clock.schedule(stores.sweep, change, "complaints", key)
        elif state.resolved_at is not None:
            clock.schedule(stores.sweep, _touched(stores.complaints[key]) + self._keep, "complaints", key)


def _touched(stored: dict[str, Any]) -> datetime:
    """The office clock when the complaint's last event arrived (`_as_of` for states written before `_touched`)."""
    return datetime.fromisoformat(str(stored.get("_touched") or stored["_as_of"]))
