"""window_metrics out of the worker: late facts applied for a horizon, and a count of what came later.

A window takes updates until the office clock passes its end plus the late horizon
(`late_horizon_s`, PANTAU_STREAM_LATE_HORIZON_DAYS, 7 days by default; see `classify_lateness`), so
a file exported one ticket at a time, or a day backfilled within the week, lands in its windows
exactly. An update that comes later is not applied: the window's row stays as it was published,
and the update is counted in a `late_event` signal of that window instead, so nothing is lost
silently (the ticket row itself is always written; sinks/SCHEMA.md says how to recompute such a
window from `tickets`). Once closed, a window can never change, so its accumulator is dropped from
the state at the next sweep: memory stays bounded by the horizon.

A revision that moves a ticket's wait from a closed window to an open one adds it to the open one
while the closed one keeps the old contribution; the closed window's late count says it is off.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pantau.kafka import topics
from streams.logic.windows import WindowAccumulator, WindowUpdate, classify_lateness, window_end
from streams.options import StreamOptions
from streams.signals import LATE_EVENT, signal_output
from streams.state import OfficeClock, Output, Stores
from streams.typed_state import TypedStore


def _decode_window(stored: Any) -> tuple[WindowAccumulator, int]:
    return WindowAccumulator.from_dict(stored), int(stored.get("_version", 0))


def _encode_window(window: tuple[WindowAccumulator, int]) -> dict[str, Any]:
    accumulator, version = window
    return {**accumulator.to_dict(), "_version": version}


def window_key(update: WindowUpdate) -> str:
    """The window table key: office|service|window_s|epoch seconds of the start."""
    return f"{update.office_id}|{update.service_code}|{update.window_s}|{int(update.window_start.timestamp())}"


class WindowWriter:
    """Applies window updates within grace, counts the rest, and renders window_metrics rows."""

    def __init__(self, options: StreamOptions) -> None:
        self._options = options

    def apply(self, changes: list[tuple[WindowUpdate, int]], clock: OfficeClock, stores: Stores) -> list[Output]:
        """Apply (update, +1/-1) pairs; rows of the windows changed and late_event signals of the others."""
        grace_s = self._options.late_horizon_s
        # Each window is loaded and saved once however many of the changes it takes (a revision
        # takes a wait back and adds the new one, often in the same window).
        touched: dict[str, tuple[WindowUpdate, WindowAccumulator, int]] = {}
        late: list[str] = []
        for update, sign in changes:
            key = window_key(update)
            if classify_lateness(update.window_start, clock.latest, update.window_s, grace_s) == "too_late":
                late.append(key)
                continue
            if key in touched:
                _, accumulator, version = touched[key]
            else:
                accumulator, version = self._open(key, update, clock, stores)
            accumulator.apply(update, 1 if sign > 0 else -1)
            touched[key] = (update, accumulator, version + 1)
        outputs = [self._save(key, *entry, stores) for key, entry in touched.items()]
        return outputs + [self._count_late(key, clock, stores) for key in late]

    def _open(
        self, key: str, update: WindowUpdate, clock: OfficeClock, stores: Stores
    ) -> tuple[WindowAccumulator, int]:
        """The window's accumulator and version from the store; a new window books its removal."""
        if key not in stores.windows:
            closes = window_end(update.window_start, update.window_s) + timedelta(seconds=self._options.late_horizon_s)
            clock.schedule(stores.sweep, closes, "windows", key)
            return WindowAccumulator(), 0
        return WINDOWS.load(stores.windows, key)

    def _save(
        self, key: str, update: WindowUpdate, accumulator: WindowAccumulator, version: int, stores: Stores
    ) -> Output:
        """Write the window back and return its row."""
        WINDOWS.save(stores.windows, key, (accumulator, version))
        row = accumulator.to_row(update.office_id, update.service_code, update.window_start, update.window_s)
        return Output(topics.WINDOW_METRICS, key, {**row, "_version": version})

    def rows(self, keys: list[str], stores: Stores) -> list[Output]:
        """The current window_metrics rows of these keys (windows no longer in the state are skipped)."""
        outputs = []
        for key in keys:
            if key not in stores.windows:
                continue
            accumulator, version = WINDOWS.load(stores.windows, key)
            office_id, service_code, window_s, start = key.split("|")
            row = accumulator.to_row(office_id, service_code, datetime.fromtimestamp(int(start), tz=UTC), int(window_s))
            outputs.append(Output(topics.WINDOW_METRICS, key, {**row, "_version": version}))
        return outputs

    def _count_late(self, key: str, clock: OfficeClock, stores: Stores) -> Output:
        """One more update too late for window `key`: its late_event signal, re-sent with the new count.

        The count is kept for the late horizon after its first late update, so the version only grows.
        """
        assert clock.latest is not None  # an update is only too late against a known clock
        stored = stores.late.get(key)
        if stored is None:
            stored = {"count": 0, "detected_at": clock.latest.isoformat()}
            clock.schedule(stores.sweep, clock.latest + timedelta(seconds=self._options.late_horizon_s), "late", key)
        count = int(stored["count"]) + 1
        stores.late[key] = {**stored, "count": count}
        office_id, service_code, window_s, start = key.split("|")
        window_start = datetime.fromtimestamp(int(start), tz=UTC)
        return signal_output(
            f"{LATE_EVENT}:{office_id}:{service_code}:{window_s}:{start}",
            LATE_EVENT,
            office_id,
            f"{service_code}|{window_s}|{start}",
            datetime.fromisoformat(stored["detected_at"]),
            count,
            service_code=service_code,
            subject_id=window_start.isoformat(),
            value=float(count),
            threshold=self._options.late_horizon_s,
            detail=f"{count} update(s) after the {window_s} s window from {window_start:%Y-%m-%dT%H:%MZ} closed",
        )


WINDOWS: TypedStore[tuple[WindowAccumulator, int]] = TypedStore(_decode_window, _encode_window)
"""The windows store: office|service|window_s|start -> the window's accumulator and its row version."""
