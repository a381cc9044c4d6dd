"""Reading event files for replay: JSONL (one event per line) and CSV exports of queue systems.

CSV mapping (documented in README): the header names contract fields (`event_id, type, office_id,
occurred_at, v, ticket_id, service_code, ...`); `u1`..`u9` (or `scores.u1`..) columns form `scores`;
empty cells mean "absent"; `v` and scores that look like integers become integers, anything else stays a
string so validation can refuse it with a reason. Blank lines are layout, not events, and are skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

_SCORE_COLUMNS = {f"u{i}" for i in range(1, 10)}
_INTEGER_COLUMNS = {"v"}


@dataclass(frozen=True)
class InputLine:
    """One record of an input file: its position (1-based line or row number) and raw bytes."""

    position: int
    payload: bytes
    size: int  # bytes consumed from the file, for progress


def read_events(path: Path) -> Iterator[InputLine]:
    """Yield the file's records; CSV when the name ends in .csv, JSONL otherwise."""
    if path.suffix.lower() == ".csv":
        yield from _read_csv(path)
    else:
        yield from _read_jsonl(path)


def _read_jsonl(path: Path) -> Iterator[InputLine]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            payload = line.rstrip(b"\r\n")
            if payload.strip():
                yield InputLine(number, payload, len(line))


def _read_csv(path: Path) -> Iterator[InputLine]:
    with path.open("r", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            if not any((value or "").strip() for value in row.values()):
                continue
            payload = orjson.dumps(csv_row_to_event(row))
            # Approximate progress: CSV rows re-encoded as one line each.
            yield InputLine(reader.line_num, payload, len(_row_text(row)))


def csv_row_to_event(row: dict[str, Any]) -> dict[str, Any]:
    """Map one CSV row to a contract-v1 JSON object (see the module docstring)."""
    event: dict[str, Any] = {}
    scores: dict[str, Any] = {}
    for column, value in row.items():
        if column is None or value is None or value == "":
            continue
        name = column.strip()
        name = name.removeprefix("scores.")
        if name in _SCORE_COLUMNS:
            scores[name] = _maybe_int(value)
        elif name in _INTEGER_COLUMNS:
            event[name] = _maybe_int(value)
        else:
            event[name] = value
    if scores:
        event["scores"] = scores
    return event


def _maybe_int(value: str) -> int | str:
    text = value.strip()
    return int(text) if text.lstrip("-").isdigit() else value


def _row_text(row: dict[str, Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([value or "" for value in row.values()])
    return buffer.getvalue()
