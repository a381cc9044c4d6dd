"""The optional second proof of `replay --wait`: the replay's rows are queryable in ClickHouse.

Kafka offsets prove every stage has committed; this asks ClickHouse through the same path `pantau sql`
takes (its own engine, or the query socket of the `pantau up` that holds the embedded store) whether
the replay's events are in `events` and its refused lines in `dead_letters`. When no path is open (the
embedded store is held by a plain `pantau sink`), the check is skipped with that reason, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from clickhouse_connect.driver.exceptions import ClickHouseError as DriverError

from pantau.clickhouse import ClickHouseTarget, EmbeddedTarget, clickhouse_session
from pantau.clickhouse.query_socket import query_via_socket
from pantau.errors import ClickHouseError, EmbeddedStoreBusyError
from producers.replay import ReplayLedger

_CHUNK = 500  # (office, event) pairs per query: keeps each query far below max_query_size


class LandedCheckSkipped(ClickHouseError):
    """ClickHouse cannot be asked right now; the message says why (the Kafka proof still holds)."""


@dataclass(frozen=True)
class LandedCounts:
    """Rows expected and found in `events` (distinct office_id, event_id) and `dead_letters`."""

    events_expected: int
    events_found: int
    dead_letters_expected: int
    dead_letters_found: int

    @property
    def complete(self) -> bool:
        return self.events_found >= self.events_expected and self.dead_letters_found >= self.dead_letters_expected


def count_landed(target: ClickHouseTarget, ledger: ReplayLedger, worker_refused: int = 0) -> LandedCounts:
    """Count the ledger's rows in ClickHouse; events the worker refused are not expected in `events`."""
    db = target.database
    found = 0
    for chunk in _chunks(sorted(ledger.event_keys), _CHUNK):
        pairs = ",".join(f"({_quote(office)},{_quote(event)})" for office, event in chunk)
        found += int(
            _query(
                target,
                f"SELECT count() FROM (SELECT DISTINCT office_id, event_id FROM {db}.events "
                f"WHERE (office_id, event_id) IN ({pairs}))",
            )[0][0]
        )
    dead = 0
    for positions in _chunks(ledger.refused_positions, _CHUNK):
        listed = ",".join(_quote(position) for position in positions)
        dead += int(
            _query(
                target,
                f"SELECT count() FROM (SELECT DISTINCT position FROM {db}.dead_letters "
                f"WHERE source = {_quote(ledger.source)} AND position IN ({listed}))",
            )[0][0]
        )
    return LandedCounts(max(0, len(ledger.event_keys) - worker_refused), found, len(ledger.refused_positions), dead)


def _query(target: ClickHouseTarget, sql: str) -> list[list[Any]]:
    try:
        with clickhouse_session(target) as client:
            return [list(row) for row in client.query(sql).result_rows]
    except EmbeddedStoreBusyError as exc:
        forwarded = query_via_socket(target.path, sql) if isinstance(target, EmbeddedTarget) else None
        if forwarded is None:
            raise LandedCheckSkipped(
                f"{exc}; it serves no query socket (only `pantau up` does), so the count check was skipped"
            ) from None
        return forwarded[1]
    except DriverError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ClickHouseError(f"count check failed on {target.describe()}: {message}") from None


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
