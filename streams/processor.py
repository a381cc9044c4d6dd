"""What the stream worker does with one event, without Faust: validate, fold into state, emit rows.

Faust agents hand each message to `EventProcessor.process` together with table-like stores
(`MutableMapping`s; Faust tables in the worker, dicts in tests) and send what it returns. All state an
office needs lives under keys of that office, and the events topic is keyed by office_id, so every
store access stays on the partition the event came from and the changelog restores it after a restart.

Outputs are rows of the ClickHouse tables with a `_version` that grows with every revision of a key,
so the sink's ReplacingMergeTree keeps the newest, and a re-processed event after a crash writes the
same rows again rather than new ones.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pantau.catalog import Catalog
from pantau.contract import (
    ComplaintFiled,
    ComplaintResolved,
    ComplaintResponded,
    DeadLetter,
    EventValidator,
    SurveySubmitted,
    dead_letter_message,
)
from pantau.contract.models import Event
from pantau.kafka import topics
from streams.logic.complaints import ComplaintState
from streams.logic.ikm import IkmAccumulator, period_start
from streams.logic.ticket_lifecycle import COMPLETED_OUTCOMES, TicketEvent, TicketState
from streams.logic.windows import (
    WINDOW_SIZES_S,
    WindowAccumulator,
    WindowUpdate,
    update_for_complaint,
    updates_for_ticket,
)

Store = MutableMapping[str, Any]
IKM_PERIODS = ("month", "quarter", "year")
_TICKET_TYPES = {"ticket.issued", "ticket.called", "service.started", "service.completed", "ticket.abandoned"}


@dataclass(frozen=True)
class Output:
    """A message to send: topic, key and a JSON-serializable row."""

    topic: topics.TopicSpec
    key: str
    value: dict[str, Any] | bytes


@dataclass
class Stores:
    """The worker's state, one store per concern, keyed by strings that start with the office_id."""

    tickets: Store
    windows: Store
    complaints: Store
    ikm: Store
    surveys_seen: Store


class EventProcessor:
    """Turns raw events into facts and metric rows; pure apart from the stores it is given."""

    def __init__(self, catalog: Catalog, nik_key: bytes, source: str) -> None:
        self._catalog = catalog
        self._validator = EventValidator(catalog)
        self._nik_key = nik_key
        self._source = source

    def process(self, raw: bytes, position: str, stores: Stores, received_at: datetime) -> list[Output]:
        """Validate one raw event and return every message it causes (a dead letter if invalid)."""
        event = self._validator.validate(raw)
        if isinstance(event, DeadLetter):
            message = dead_letter_message(event, self._source, position, received_at)
            return [Output(topics.DEAD_LETTERS, self._source, message)]
        return self.apply(event, stores)

    def apply(self, event: Event, stores: Stores) -> list[Output]:
        if event.type in _TICKET_TYPES:
            return self._ticket(event, stores)  # type: ignore[arg-type]
        if isinstance(event, ComplaintFiled | ComplaintResponded | ComplaintResolved):
            return self._complaint(event, stores)
        if isinstance(event, SurveySubmitted):
            return self._survey(event, stores)
        return []  # counter events: punctuality signals arrive with the fairness processor

    def _ticket(self, event: TicketEvent, stores: Stores) -> list[Output]:
        key = f"{event.office_id}|{event.ticket_id}"
        stored = stores.tickets.get(key)
        state = TicketState.from_dict(stored) if stored else TicketState(event.office_id, event.ticket_id)
        if not state.apply(event):
            return self._replay_ticket(key, state, stores)
        emission = state.emit(self._catalog)
        stores.tickets[key] = state.to_dict()
        if emission is None:
            return []
        outputs = [Output(topics.TICKETS, key, {**emission.row, "_version": emission.revision})]
        changes: list[tuple[WindowUpdate, int]] = []
        for window_s in WINDOW_SIZES_S:
            if emission.previous is not None:
                changes += [(update, -1) for update in updates_for_ticket(emission.previous, window_s)]
            changes += [(update, 1) for update in updates_for_ticket(emission.row, window_s)]
        outputs += self._apply_windows(changes, stores)
        newly_completed = emission.row["outcome"] in COMPLETED_OUTCOMES and (
            emission.previous is None or emission.previous["outcome"] not in COMPLETED_OUTCOMES
        )
        if newly_completed:
            outputs += self._ikm(event.office_id, emission.row["ended_at"], stores, served=1)
        return outputs

    def _replay_ticket(self, key: str, state: TicketState, stores: Stores) -> list[Output]:
        """Re-send the current rows for an event already in the state.

        After a crash, events past the last committed offset come again while the state may already
        hold them, and their rows may not have reached Kafka. Re-sending the current rows with their
        current versions is harmless (the sink keeps one row per key and version) and loses nothing.
        """
        if state.revision == 0 or state.last_emitted is None:
            return []
        row = state.last_emitted
        outputs = [Output(topics.TICKETS, key, {**row, "_version": state.revision})]
        for window_s in WINDOW_SIZES_S:
            keys = [window_key(update) for update in updates_for_ticket(row, window_s)]
            outputs += self._window_rows(keys, stores)
        return outputs

    def _complaint(
        self, event: ComplaintFiled | ComplaintResponded | ComplaintResolved, stores: Stores
    ) -> list[Output]:
        key = f"{event.office_id}|{event.complaint_id}"
        stored = stores.complaints.get(key)
        state = ComplaintState.from_dict(stored) if stored else ComplaintState(event.office_id, event.complaint_id)
        was_filed = state.filed_at is not None
        if not state.apply(event, self._nik_key):
            return []
        version = int(stored.get("_version", 0) if stored else 0) + 1
        stores.complaints[key] = {**state.to_dict(), "_version": version}
        office = self._catalog.office(event.office_id)
        row = state.row(now=event.occurred_at, tz=office.zone)
        if row is None:
            return []
        outputs = [Output(topics.COMPLAINTS, key, {**row, "_version": version})]
        if not was_filed and state.filed_at is not None:
            changes = [
                (update_for_complaint(event.office_id, state.service_code, state.filed_at, window_s), 1)
                for window_s in WINDOW_SIZES_S
            ]
            outputs += self._apply_windows(changes, stores)
        return outputs

    def _survey(self, event: SurveySubmitted, stores: Stores) -> list[Output]:
        key = f"{event.office_id}|{event.survey_id}"
        if key in stores.surveys_seen:
            return []  # IKM sums are not idempotent: count each survey once
        stores.surveys_seen[key] = event.event_id
        scores = event.scores.as_tuple()
        row = {
            "office_id": event.office_id,
            "survey_id": event.survey_id,
            "service_code": event.service_code,
            "submitted_at": event.occurred_at.astimezone(UTC),
            **{f"u{index}": score for index, score in enumerate(scores, start=1)},
            "_version": 1,
        }
        return [Output(topics.SURVEYS, key, row), *self._ikm(event.office_id, event.occurred_at, stores, scores=scores)]

    def _ikm(
        self, office_id: str, at: datetime, stores: Stores, served: int = 0, scores: tuple[int, ...] | None = None
    ) -> list[Output]:
        zone = self._catalog.office(office_id).zone
        outputs = []
        for kind in IKM_PERIODS:
            period = period_start(at, zone, kind)  # type: ignore[arg-type]
            key = f"{office_id}|{kind}|{period.isoformat()}"
            stored = stores.ikm.get(key)
            accumulator = IkmAccumulator.from_dict(stored) if stored else IkmAccumulator()
            version = int(stored.get("_version", 0) if stored else 0) + 1
            if scores is not None:
                accumulator.add_survey(scores)
            accumulator.add_served(served)
            stores.ikm[key] = {**accumulator.to_dict(), "_version": version}
            row = accumulator.to_row(office_id, kind, period)  # type: ignore[arg-type]
            if row is not None:
                outputs.append(Output(topics.IKM, key, {**row, "_version": version}))
        return outputs

    def _apply_windows(self, changes: list[tuple[WindowUpdate, int]], stores: Stores) -> list[Output]:
        touched: list[str] = []
        for update, sign in changes:
            key = window_key(update)
            stored = stores.windows.get(key)
            accumulator = WindowAccumulator.from_dict(stored) if stored else WindowAccumulator()
            accumulator.apply(update, 1 if sign > 0 else -1)
            version = int(stored.get("_version", 0) if stored else 0) + 1
            stores.windows[key] = {**accumulator.to_dict(), "_version": version}
            if key not in touched:
                touched.append(key)
        return self._window_rows(touched, stores)

    def _window_rows(self, keys: list[str], stores: Stores) -> list[Output]:
        outputs = []
        for key in keys:
            stored = stores.windows.get(key)
            if stored is None:
                continue
            office_id, service_code, window_s, start = key.split("|")
            row = WindowAccumulator.from_dict(stored).to_row(
                office_id, service_code, datetime.fromtimestamp(int(start), tz=UTC), int(window_s)
            )
            outputs.append(Output(topics.WINDOW_METRICS, key, {**row, "_version": stored["_version"]}))
        return outputs


def window_key(update: WindowUpdate) -> str:
    """The window table key: office|service|window_s|epoch seconds of the start."""
    return f"{update.office_id}|{update.service_code}|{update.window_s}|{int(update.window_start.timestamp())}"
