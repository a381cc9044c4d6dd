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

from datetime import UTC, date, datetime, timedelta
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
from pantau.contract.models import CounterOpened, Event
from pantau.kafka import topics
from streams.breaches import BreachTracker, LiveBreachTicker
from streams.complaint_deadlines import ComplaintDeadlines
from streams.event_ids import EventIds, content_digest
from streams.housekeeping import Housekeeping
from streams.logic.complaints import ComplaintState
from streams.logic.ikm import IkmAccumulator, period_start_of_day
from streams.logic.ticket_lifecycle import COMPLETED_OUTCOMES, TicketEvent, TicketState
from streams.logic.windows import WINDOW_SIZES_S, WindowUpdate, update_for_complaint, updates_for_ticket
from streams.options import StreamOptions
from streams.signals import SignalDetectors
from streams.state import OfficeClock, Output, Store, Stores
from streams.survey_dedup import SurveyDedup
from streams.typed_state import TICKETS, TypedStore
from streams.windowing import WindowWriter, window_key

__all__ = ["EventProcessor", "Output", "Store", "Stores", "StreamOptions", "window_key"]

IKM_PERIODS = ("month", "quarter", "year")
_TICKET_TYPES = {"ticket.issued", "ticket.called", "service.started", "service.completed", "ticket.abandoned"}


class EventProcessor:
    """Turns raw events into facts, metric rows, breaches and signals; pure apart from the stores it is given."""

    def __init__(self, catalog: Catalog, nik_key: bytes, source: str, options: StreamOptions | None = None) -> None:
        """`options`: the worker passes `StreamOptions.from_settings(settings)`; None takes the defaults."""
        self._catalog = catalog
        options = options or StreamOptions()
        self._validator = EventValidator(catalog, timedelta(seconds=options.future_tolerance_s))
        self._nik_key = nik_key
        self._source = source
        self._live_lag_s = options.live_max_ahead_s
        self._breaches = BreachTracker(catalog)
        self._ticker = LiveBreachTicker(catalog)
        self._signals = SignalDetectors(catalog, options)
        self._windows = WindowWriter(options)
        self._deadlines = ComplaintDeadlines(catalog, options)
        self._housekeeping = Housekeeping(self._breaches, self._deadlines, options)
        self._survey_ids = SurveyDedup(options.survey_dedup_s)
        self._event_ids = EventIds(options.late_horizon_s)

    def process(self, raw: bytes, position: str, stores: Stores, received_at: datetime) -> list[Output]:
        """Validate one raw event and return every message it causes (a dead letter if invalid).

        `received_at`: when the event reached Pantau; the worker passes the Kafka timestamp of its
        message (the broker's append time on Pantau's events topic), so a redelivered event is
        judged exactly as the first time (occurred_in_future, live or history).
        """
        event = self._validator.validate(raw, received_at=received_at)
        if isinstance(event, DeadLetter):
            return [self._dead_letter(event, position, received_at)]
        return self.apply(event, stores, received_at, position, raw)

    def apply(
        self,
        event: Event,
        stores: Stores,
        received_at: datetime | None = None,
        position: str = "",
        raw: bytes | None = None,
    ) -> list[Output]:
        """Every message a valid event causes (a conflicting_duplicate dead letter if its event_id was taken).

        The office clock moves first, so live breaches that came due before this event are found
        while their tickets are still in the queue (the event may be the one that ends a wait);
        sweeps run last, after the event had its chance to refresh a ticket about to expire.
        """
        encoded = event.model_dump(mode="json")
        digest = content_digest(event, encoded)
        conflict = self._event_ids.conflict(event, digest, raw, stores)
        if conflict is not None:
            return [self._dead_letter(conflict, position, received_at or event.occurred_at, event.office_id)]
        clock = OfficeClock.load(stores.clocks, event.office_id)
        arrived_live = received_at is not None and (received_at - event.occurred_at).total_seconds() <= self._live_lag_s
        clock.observe(event.occurred_at, arrived_live)
        assert clock.latest is not None
        self._event_ids.remember(event, digest, position, clock, stores)
        outputs = self._breaches.check(event.office_id, clock.latest, stores)
        if event.type in _TICKET_TYPES:
            outputs += self._ticket(event, encoded, clock, stores)  # type: ignore[arg-type]
        elif isinstance(event, ComplaintFiled | ComplaintResponded | ComplaintResolved):
            outputs += self._complaint(event, clock, stores)
        elif isinstance(event, SurveySubmitted):
            outputs += self._survey(event, clock, stores)
        elif isinstance(event, CounterOpened):
            outputs += self._signals.late_opening(event, stores)
        outputs += self._housekeeping.sweep(clock, stores)
        clock.save(stores.clocks)
        return outputs

    def _dead_letter(
        self, dead_letter: DeadLetter, position: str, received_at: datetime, office_id: str = ""
    ) -> Output:
        message = dead_letter_message(dead_letter, self._source, position, received_at, office_id)
        return Output(topics.DEAD_LETTERS, self._source, message)

    def tick(self, now: datetime, stores: Stores) -> list[Output]:
        """Live breaches by the wall clock `now` (aware), for a timer in live mode; never writes the stores.

        Returns a live_wait sla_breaches message for every ticket waiting past its target at `now`
        that neither the event path nor an earlier tick of this processor has sent. Safe to call
        outside stream iteration and as often as wanted; rows are identical whoever sends them.
        """
        return self._ticker.tick(now, stores)

    def _ticket(self, event: TicketEvent, encoded: dict[str, Any], clock: OfficeClock, stores: Stores) -> list[Output]:
        """`encoded`: the event's contract JSON, kept as its form in the stored state."""
        key = f"{event.office_id}|{event.ticket_id}"
        stored = stores.tickets.get(key)
        state = TICKETS.load(stores.tickets, key) if stored else TicketState(event.office_id, event.ticket_id)
        if not state.apply(event):  # unchanged (a duplicate or a losing tie): nothing to save
            return self._replay_ticket(key, state, stores)
        state.remember_json(event, encoded)
        touched_before = state.touched_at if stored else None
        assert clock.latest is not None
        state.touch(clock.latest)
        emission = state.emit(self._catalog)
        TICKETS.save(stores.tickets, key, state)
        self._housekeeping.schedule_ticket(state, touched_before, clock, stores)
        self._breaches.sync(state, stores)
        outputs = self._signals.queue_jumps(event, state, stores)
        if emission is None:
            return outputs
        row, previous = emission.row, emission.previous
        outputs += [Output(topics.TICKETS, key, {**row, "_version": emission.revision})]
        outputs += self._breaches.for_emission(emission)
        changes: list[tuple[WindowUpdate, int]] = []
        for window_s in WINDOW_SIZES_S:
            if previous is not None:
                changes += [(update, -1) for update in updates_for_ticket(previous, window_s)]
            changes += [(update, 1) for update in updates_for_ticket(row, window_s)]
        outputs += self._windows.apply(changes, clock, stores)
        if row["wait_s"] is not None and (previous is None or previous["wait_s"] is None):
            assert clock.latest is not None
            outputs += self._signals.compliance_burn(row, clock.latest, stores)
        newly_completed = row["outcome"] in COMPLETED_OUTCOMES and (
            previous is None or previous["outcome"] not in COMPLETED_OUTCOMES
        )
        if newly_completed:
            outputs += self._ikm(event.office_id, row["ended_at"], stores, served=1)
        return outputs

    def _replay_ticket(self, key: str, state: TicketState, stores: Stores) -> list[Output]:
        """Re-send the current rows for an event already in the state.

        After a crash, events past the last committed offset come again while the state may already
        hold them, and their rows may not have reached Kafka. Re-sending the current rows with their
        current versions is harmless (the sink keeps one row per key and version) and loses nothing.
        Signals decided by the event are not re-sent: they are the same or none.
        """
        outputs = self._breaches.replay(state, stores)
        if state.revision == 0 or state.last_emitted is None:
            return outputs
        row = state.last_emitted
        outputs.append(Output(topics.TICKETS, key, {**row, "_version": state.revision}))
        for window_s in WINDOW_SIZES_S:
            keys = [window_key(update) for update in updates_for_ticket(row, window_s)]
            outputs += self._windows.rows(keys, stores)
        if row["outcome"] in COMPLETED_OUTCOMES:
            outputs += self._ikm_rows(state.office_id, row["ended_at"], stores)
        return outputs

    def _complaint(
        self, event: ComplaintFiled | ComplaintResponded | ComplaintResolved, clock: OfficeClock, stores: Stores
    ) -> list[Output]:
        key = f"{event.office_id}|{event.complaint_id}"
        stored = stores.complaints.get(key)
        state = ComplaintState.from_dict(stored) if stored else ComplaintState(event.office_id, event.complaint_id)
        was_filed = state.filed_at is not None
        office = self._catalog.office(event.office_id)
        if not state.apply(event, self._nik_key):
            return self._replay_complaint(key, state, stored, stores)
        version = int(stored.get("_version", 0) if stored else 0) + 1
        # The row is as of the office's clock (a late event does not make an overdue complaint look
        # on time); that moment is kept so a replay re-sends exactly this row.
        assert clock.latest is not None
        now = clock.latest.isoformat()
        stores.complaints[key] = {**state.to_dict(), "_version": version, "_as_of": now, "_touched": now}
        self._deadlines.after_event(key, state, clock, stores)
        row = state.row(now=clock.latest, tz=office.zone)
        if row is None:
            return []
        outputs = [Output(topics.COMPLAINTS, key, {**row, "_version": version})]
        if not was_filed and state.filed_at is not None:
            changes = [
                (update_for_complaint(event.office_id, state.service_code, state.filed_at, window_s), 1)
                for window_s in WINDOW_SIZES_S
            ]
            outputs += self._windows.apply(changes, clock, stores)
        return outputs

    def _replay_complaint(
        self, key: str, state: ComplaintState, stored: dict[str, Any] | None, stores: Stores
    ) -> list[Output]:
        """Re-send the complaint's current row and its filing windows for an event already in the state.

        As with tickets: after a crash the state may hold events whose rows never reached Kafka.
        """
        if stored is None or "_as_of" not in stored or state.filed_at is None:
            return []
        office = self._catalog.office(state.office_id)
        row = state.row(now=datetime.fromisoformat(stored["_as_of"]), tz=office.zone)
        if row is None:
            return []
        outputs = [Output(topics.COMPLAINTS, key, {**row, "_version": stored["_version"]})]
        keys = [
            window_key(update_for_complaint(state.office_id, state.service_code, state.filed_at, window_s))
            for window_s in WINDOW_SIZES_S
        ]
        return outputs + self._windows.rows(keys, stores)

    def _survey(self, event: SurveySubmitted, clock: OfficeClock, stores: Stores) -> list[Output]:
        key = f"{event.office_id}|{event.survey_id}"
        seen = key in stores.surveys_seen
        scores = event.scores.as_tuple()
        row = {
            "office_id": event.office_id,
            "survey_id": event.survey_id,
            "service_code": event.service_code,
            "submitted_at": event.occurred_at.astimezone(UTC),
            **{f"u{index}": score for index, score in enumerate(scores, start=1)},
            "_version": 1,
        }
        if seen:
            # IKM sums are not idempotent: count each survey once, but re-send what it caused.
            return [Output(topics.SURVEYS, key, row), *self._ikm_rows(event.office_id, event.occurred_at, stores)]
        assert clock.latest is not None
        if self._survey_ids.too_old_to_check(event, clock.latest):
            return [Output(topics.SURVEYS, key, row), self._survey_ids.late_survey(event, clock.latest)]
        stores.surveys_seen[key] = event.event_id
        self._survey_ids.forget_later(event, clock, stores)
        return [Output(topics.SURVEYS, key, row), *self._ikm(event.office_id, event.occurred_at, stores, scores=scores)]

    def _ikm_periods(self, office_id: str, at: datetime) -> list[tuple[str, date, str]]:
        """(kind, first day, store key) of the month, quarter and year holding `at` in the office's calendar."""
        local = at.astimezone(self._catalog.office(office_id).zone).date()
        periods = [(kind, period_start_of_day(local, kind)) for kind in IKM_PERIODS]  # type: ignore[arg-type]
        return [(kind, period, f"{office_id}|{kind}|{period.isoformat()}") for kind, period in periods]

    def _ikm_rows(self, office_id: str, at: datetime, stores: Stores) -> list[Output]:
        """The current IKM rows of the periods holding `at`, unchanged (for replays)."""
        outputs = []
        for kind, period, key in self._ikm_periods(office_id, at):
            if key not in stores.ikm:
                continue
            accumulator, version = IKM_SUMS.load(stores.ikm, key)
            row = accumulator.to_row(office_id, kind, period)  # type: ignore[arg-type]
            if row is not None:
                outputs.append(Output(topics.IKM, key, {**row, "_version": version}))
        return outputs

    def _ikm(
        self, office_id: str, at: datetime, stores: Stores, served: int = 0, scores: tuple[int, ...] | None = None
    ) -> list[Output]:
        outputs = []
        for kind, period, key in self._ikm_periods(office_id, at):
            accumulator, version = IKM_SUMS.load(stores.ikm, key) if key in stores.ikm else (IkmAccumulator(), 0)
            version += 1
            if scores is not None:
                accumulator.add_survey(scores)
            accumulator.add_served(served)
            IKM_SUMS.save(stores.ikm, key, (accumulator, version))
            row = accumulator.to_row(office_id, kind, period)  # type: ignore[arg-type]
            if row is not None:
                outputs.append(Output(topics.IKM, key, {**row, "_version": version}))
        return outputs


def _decode_ikm(stored: Any) -> tuple[IkmAccumulator, int]:
    return IkmAccumulator.from_dict(stored), int(stored.get("_version", 0))


def _encode_ikm(sums: tuple[IkmAccumulator, int]) -> dict[str, Any]:
    accumulator, version = sums
    return {**accumulator.to_dict(), "_version": version}


IKM_SUMS: TypedStore[tuple[IkmAccumulator, int]] = TypedStore(_decode_ikm, _encode_ikm)
"""The ikm store: office|period kind|first day -> the period's sums and their row version."""
