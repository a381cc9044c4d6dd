"""Hostile input through the real main job and the real gateway, then a search for personal data at rest.

`pantau up --no-alerts` runs with its own broker and embedded store under the test's `.pantau/`, and
`pantau gateway` in front of that broker. They get what a careless or hostile office system sends:
NIKs and phone numbers in every disguise (separators, zero-width characters, full-width digits,
numbers, nested fields, unknown fields, the text of a response), complaints whose NIK is not one,
invalid events, a line over 1 MB, nesting 300 levels deep, a batch over 150 months, an event years
ahead, a repeated event_id with other content, garbage bodies, another office's events, a
non-UTF-8 key, an oversized request. Then an ordinary event, which must land.

Last, the marker NIKs, phones and e-mail are searched for, in any shape: in every String column of
every ClickHouse table, in every message (key, value, headers) of every topic on the broker, and in
every file the run left (logs, keys, state, Kafka's and chDB's files) and every line the commands
printed. Zero hits. (Kafka's segments and chDB's parts are compressed, so their files cannot show a
leak; their contents are searched through the broker and through SQL instead.)
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import socket
import subprocess
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from tests.conftest import REPO_ROOT, free_port
from tests.e2e.cli import PANTAU, wait_until

pytestmark = pytest.mark.e2e

NIK = "3174051203880017"
OTHER_NIK = "5103064407920004"
PHONE_CORE = "81298765432"  # 0812-9876-5432, +62 812 9876 5432 ...
EMAIL = "pelapor.rahasia@example.id"
NIK_SHAPES = [
    "3174/0512/0388/0017",
    "3174  0512  0388  0017",
    "3174\u200b0512\u200b0388\u200b0017",
    "3174-0512-0388-0017",
    "3174.0512.0388.0017",
    "\uff13\uff11\uff17\uff14\uff10\uff15\uff11\uff12\uff10\uff13\uff18\uff18\uff10\uff10\uff11\uff17",  # full width
    NIK,
]
PHONE_SHAPES = ["(0812) 9876-5432", "+62 812 9876 5432", "0812.9876.5432", "62-812-9876-5432", "081298765432"]
JAKARTA_KEY = "hostile-jkt-key-0123456789"
DENPASAR_KEY = "hostile-dps-key-0123456789"
OFFICE = "MPP-JKT-01"
BACKFILLED_OFFICE = "DUKCAPIL-JKT-TIM"
"""Gets only the 150-month backfill, so its clock starts 150 months ago and none of it is late."""


def _spaced(digits: str, prefix: str = "") -> re.Pattern[str]:
    """The digits with up to three non-alphanumeric characters between each, not inside a longer number."""
    return re.compile(r"(?<![0-9])" + prefix + r"[^0-9A-Za-z]{0,3}".join(digits) + r"(?![0-9])")


MARKERS = {
    "nik": _spaced(NIK),
    "other nik": _spaced(OTHER_NIK),
    "phone": _spaced(PHONE_CORE, prefix=r"(?:\+?62|0)?[^0-9A-Za-z]{0,3}"),
    "email": re.compile(re.escape(EMAIL.split("@")[0]) + r"\s*@", re.IGNORECASE),
}


def ascii_digits(text: str) -> str:
    """Full-width, Arabic-Indic and other decimal digits as ASCII, so a disguised NIK is found like a plain one."""
    return re.sub(r"\d", lambda digit: str(unicodedata.digit(digit.group())), text)


def hits(text: str) -> list[str]:
    """Which markers occur in `text`, in any shape."""
    normalized = ascii_digits(text)
    return [name for name, pattern in MARKERS.items() if pattern.search(normalized)]


def test_the_scanner_finds_every_shape_it_is_meant_to() -> None:
    """The search must be able to fail: each disguise of each marker is found, ordinary numbers are not."""
    for shape in NIK_SHAPES:
        assert hits(f"NIK saya {shape}, tolong") == ["nik"], shape
    for shape in PHONE_SHAPES:
        assert hits(f"hubungi {shape}") == ["phone"], shape
    assert hits(f"surel {EMAIL.upper()}") == ["email"]
    assert hits("Rp 100.000, tiket A-017, 2026-11-02 09:15, nik_3a9f0c1d2e3b4a5f6e7d8c9b") == []
    assert hits(f"x{NIK}9") == [], "a longer number is not the NIK"


# --- the hostile input -------------------------------------------------------------------------------


def _at(minutes_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(timespec="milliseconds")


def _event(kind: str, event_id: str, minutes_ago: float = 90, office: str = OFFICE, **fields: Any) -> dict[str, Any]:
    return {"event_id": event_id, "type": kind, "office_id": office, "v": 1, "occurred_at": _at(minutes_ago), **fields}


def _nested(depth: int, leaf: Any) -> Any:
    for _ in range(depth):
        leaf = {"lapisan": leaf}
    return leaf


def hostile_lines() -> list[bytes]:
    """What a replayed export holds: one JSON line each (some of them not JSON, some too big or too deep)."""
    filed = _event(
        "complaint.filed",
        "h-c1",
        complaint_id="H-C1",
        category="waktu",
        reporter_nik=NIK_SHAPES[0],
        text=f"Saya {NIK_SHAPES[2]}, hubungi {PHONE_SHAPES[0]} atau {EMAIL}",
        reporter={"nik": NIK_SHAPES[1], "phone": PHONE_SHAPES[1], "contacts": [PHONE_SHAPES[2], EMAIL]},
        nik_pelapor=NIK_SHAPES[5],
    )
    ticket = _event(
        "ticket.issued",
        "h-t1",
        ticket_id="H-T1",
        service_code="KTP",
        channel="walk_in",
        citizen_nik=int(NIK),
        notes=_nested(80, f"NIK {NIK_SHAPES[3]} / {PHONE_SHAPES[3]}"),
        **{f"nik {NIK_SHAPES[4]}": "a key that is a NIK"},
    )
    responded = _event(
        "complaint.responded", "h-c1r", minutes_ago=60, complaint_id="H-C1", text=f"Kami hubungi {PHONE_SHAPES[2]}"
    )
    not_a_nik = _event(
        "complaint.filed",
        "h-c2",
        complaint_id="H-C2",
        category="sikap",
        reporter_nik="tidak ada",
        text=f"NIK istri {OTHER_NIK[:4]}-{OTHER_NIK[4:8]}-{OTHER_NIK[8:12]}-{OTHER_NIK[12:]}",
        amount=1e300,
    )
    invalid = _event("complaint.filed", "h-bad", category="waktu", reporter_nik=NIK, text=f"telp {PHONE_SHAPES[4]}")
    too_large = _event("complaint.filed", "h-big", complaint_id="H-BIG", category="waktu", text=f"{NIK} " * 70_000)
    too_deep = _event("ticket.issued", "h-deep", ticket_id="H-DEEP", service_code="KTP", x=_nested(300, NIK))
    future = _event("complaint.filed", "h-future", minutes_ago=-60 * 24 * 400, complaint_id="H-F", category="waktu",
                    reporter_nik=NIK, text=PHONE_SHAPES[1])  # fmt: skip
    conflicting = {**ticket, "ticket_id": "H-T1-OTHER", "remark": f"NIK {NIK_SHAPES[6]}"}
    readable = [*served_monthly(), filed, ticket, responded, not_a_nik, invalid, too_large, future, conflicting]
    return [
        *(orjson.dumps(event) for event in readable),
        json.dumps(too_deep).encode(),  # orjson writes at most 254 levels
        f"NIK {NIK} telp {PHONE_SHAPES[0]} {{broken".encode(),
    ]


MONTHS = 150


def served_monthly() -> list[dict[str, Any]]:
    """One served ticket a month for 150 months up to last month: one batch over 150 monthly partitions.

    They come oldest first, for an office that sends nothing else, so each month is news to its clock, not late.
    """
    this_month = datetime.now(UTC).replace(day=10, hour=3, minute=0, second=0, microsecond=0)
    events = []
    for n in range(MONTHS):
        back = MONTHS - n  # months before this one
        year, month = divmod(this_month.year * 12 + this_month.month - 1 - back, 12)
        issued = this_month.replace(year=year, month=month + 1)
        ticket = {"ticket_id": f"H-M{n}"}
        steps = [
            ("ticket.issued", 0, {"service_code": "KTP", "telepon": PHONE_SHAPES[n % len(PHONE_SHAPES)]}),
            ("ticket.called", 9, {"counter_id": "L01"}),
            ("service.started", 10, {"counter_id": "L01"}),
            ("service.completed", 20, {"outcome": "served"}),
        ]
        for step, (kind, minutes, fields) in enumerate(steps):
            at = (issued + timedelta(minutes=minutes)).isoformat()
            event = _event(kind, f"h-m{n}-{step}", office=BACKFILLED_OFFICE, **ticket, **fields)
            events.append(event | {"occurred_at": at})
    return events




@dataclass
class Gateway:
    port: int

    def post(self, body: bytes, authorization: bytes = b"Bearer " + JAKARTA_KEY.encode()) -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as connection:
            connection.sendall(
                b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: "
                + authorization
                + b"\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\nConnection: close\r\n\r\n"
                + body
            )
            answer = b""
            while data := connection.recv(65536):
                answer += data
        return int(answer.split(b" ", 2)[1])

    def healthy(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            connection.request("GET", "/health")
            return connection.getresponse().status == 200
        except OSError:
            return False


def hostile_requests(gateway: Gateway) -> list[int]:
    """What a broken or hostile office system POSTs; the statuses it gets back."""
    complaint = _event(
        "complaint.filed", "g-c1", complaint_id="G-C1", category="waktu", reporter_nik=NIK_SHAPES[3],
        text=f"{PHONE_SHAPES[4]} / {EMAIL}", pelapor={"nik": NIK_SHAPES[4], "hp": PHONE_SHAPES[3]},
    )  # fmt: skip
    other_office = _event("complaint.filed", "g-c2", office="MPP-DPS-01", complaint_id="G-C2", category="waktu",
                          reporter_nik=NIK, text=PHONE_SHAPES[1])  # fmt: skip
    deep = _event("ticket.issued", "g-deep", ticket_id="G-DEEP", service_code="KTP", x=_nested(300, NIK_SHAPES[0]))
    oversized = orjson.dumps([_event("ticket.issued", f"g-big{n}", ticket_id=f"G-B{n}", service_code="KTP",
                                     note=f"{NIK} {PHONE_SHAPES[0]} " * 40) for n in range(900)])  # fmt: skip
    return [
        gateway.post(orjson.dumps([complaint])),
        gateway.post(orjson.dumps(other_office)),
        gateway.post(f"NIK {NIK} HP {PHONE_SHAPES[2]} ".encode() * 10_000),
        gateway.post(json.dumps([deep]).encode()),
        gateway.post(orjson.dumps(complaint), authorization=b"Bearer \xff\xfe " + NIK.encode()),
        gateway.post(oversized),
    ]


# --- the run -----------------------------------------------------------------------------------------


@dataclass
class Run:
    """One hostile run: where it ran, and what it answered and printed."""

    workdir: Path
    env: dict[str, str]
    bootstrap: str
    outputs: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    replay: subprocess.CompletedProcess[str] | None = None
    ordinary: subprocess.CompletedProcess[str] | None = None
    kafka_hits: dict[str, list[str]] = field(default_factory=dict)
    foreign: tuple[int, int] = (-1, -1)
    """(partition, offset) of the raw complaint another producer wrote straight to the events topic."""

    def pantau(self, *args: str, timeout_s: float = 300) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*PANTAU, *args], env=self.env, cwd=self.workdir, capture_output=True, text=True, timeout=timeout_s
        )
        self.outputs += [result.stdout, result.stderr]
        return result

    def sql(self, query: str) -> list[dict[str, Any]]:
        result = self.pantau("sql", query, "--format", "json", timeout_s=120)
        assert result.returncode == 0, result.stderr
        rows: list[dict[str, Any]] = orjson.loads(result.stdout)
        return rows


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """`pantau up` and `pantau gateway` fed the hostile input, then an ordinary event; the broker still up."""
    workdir = tmp_path_factory.mktemp("hostile-input")
    libs = workdir / ".pantau" / "kafka" / "libs"
    libs.parent.mkdir(parents=True)
    libs.symlink_to(REPO_ROOT / ".pantau" / "kafka" / "libs")  # the jars the session's broker fetched
    kafka_port = free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PANTAU_", "KAFKA_BOOTSTRAP"))
    }
    env |= {
        "PANTAU_KAFKA_PORT": str(kafka_port),
        "PANTAU_KAFKA_CONTROLLER_PORT": str(free_port()),
        "PANTAU_KAFKA_PARTITIONS": "3",
        "PANTAU_KAFKA_HEAP": "512m",
        "PANTAU_SINK_MAX_WAIT_S": "0.2",
    }
    keys = workdir / "gateway-keys.yaml"
    denpasar = hashlib.sha256(DENPASAR_KEY.encode()).hexdigest()
    keys.write_text(f"{OFFICE}: {JAKARTA_KEY}\nMPP-DPS-01: sha256:{denpasar}\n")
    run = Run(workdir, env, f"127.0.0.1:{kafka_port}")
    up_log = workdir / "up.out"
    gateway_log = workdir / "gateway.out"
    with up_log.open("wb") as output:
        up = subprocess.Popen([*PANTAU, "up", "--no-alerts"], env=env, cwd=workdir, stdout=output, stderr=output)
    gateway_process: subprocess.Popen[bytes] | None = None
    try:
        ready = "pantau sql works while this runs"
        wait_until(lambda: up.poll() is not None or ready in " ".join(up_log.read_text().split()), 240, "pantau up")
        assert up.poll() is None, up_log.read_text()[-3000:]
        gateway = Gateway(free_port())
        with gateway_log.open("wb") as output:
            gateway_process = subprocess.Popen(
                [*PANTAU, "gateway", "--port", str(gateway.port), "--keys-file", str(keys)],
                env=env, cwd=workdir, stdout=output, stderr=output,
            )  # fmt: skip
        wait_until(lambda: gateway_process.poll() is not None or gateway.healthy(), 60, "the gateway")
        run.statuses = hostile_requests(gateway)
        run.foreign = send_as_a_foreign_producer(run.bootstrap)

        hostile_file = workdir / "hostile.jsonl"
        hostile_file.write_bytes(b"\n".join(hostile_lines()) + b"\n")
        run.replay = run.pantau("replay", str(hostile_file), "--wait", "--timeout", "240")

        ordinary = _event("ticket.issued", "ordinary-1", minutes_ago=5, ticket_id="ORD-1", service_code="KTP")
        assert gateway.post(orjson.dumps(ordinary)) == 200
        ordinary_file = workdir / "ordinary.jsonl"
        ordinary_file.write_bytes(orjson.dumps({**ordinary, "event_id": "ordinary-2", "ticket_id": "ORD-2"}) + b"\n")
        run.ordinary = run.pantau("replay", str(ordinary_file), "--wait", "--timeout", "240")
        run.kafka_hits = kafka_hits(run.bootstrap, skip=("pantau.events", *run.foreign))
        assert up.poll() is None, up_log.read_text()[-3000:]
    finally:
        for process in (gateway_process, up):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(90)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    run.outputs += [up_log.read_text(errors="replace"), gateway_log.read_text(errors="replace")]
    yield run


def send_as_a_foreign_producer(bootstrap: str) -> tuple[int, int]:
    """A complaint with a raw NIK and phone, produced straight to the events topic, as an office's own
    Kafka producer would: Pantau cannot stop it entering Kafka, but from there on it must be redacted."""
    complaint = _event(
        "complaint.filed", "f-c1", complaint_id="F-C1", category="waktu", reporter_nik=NIK,
        text=f"HP {PHONE_SHAPES[4]}", pelapor={"surel": EMAIL},
    )  # fmt: skip
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        sent = producer.send("pantau.events", key=OFFICE.encode(), value=orjson.dumps(complaint)).get(timeout=30)
    finally:
        producer.close()
    return sent.partition, sent.offset


def kafka_hits(bootstrap: str, skip: tuple[str, int, int]) -> dict[str, list[str]]:
    """Markers found in any message of any topic on the broker (changelogs and Pantau's topics alike).

    `skip` is the foreign producer's own message (topic, partition, offset): what it wrote, not Pantau.
    """
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=5000)
    try:
        topics = sorted(topic for topic in consumer.topics() if not topic.startswith("__"))
        assert any(topic.endswith(".events") for topic in topics) and any("changelog" in t for t in topics), topics
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        found: dict[str, list[str]] = {}
        deadline = time.monotonic() + 120
        while any(consumer.position(p) < ends[p] for p in partitions) and time.monotonic() < deadline:
            for messages in consumer.poll(timeout_ms=1000).values():
                for message in messages:
                    if (message.topic, message.partition, message.offset) == skip:
                        continue
                    text = " ".join(
                        part.decode("utf-8", "replace")
                        for part in [message.key or b"", message.value or b"", *(v for _, v in message.headers or [])]
                    )
                    for marker in hits(text):
                        found.setdefault(f"{message.topic}@{message.partition}/{message.offset}", []).append(marker)
        assert all(consumer.position(p) >= ends[p] for p in partitions), "could not read every topic to its end"
        return found
    finally:
        consumer.close()


# --- the verdict -------------------------------------------------------------------------------------


def test_every_hostile_request_gets_a_4xx_and_none_a_5xx(hostile_run: Run) -> None:
    statuses = hostile_run.statuses
    assert statuses == [200, 422, 400, 422, 401, 413], statuses


def test_the_hostile_replay_reconciles_and_dead_letters_with_reasons(hostile_run: Run) -> None:
    replay = hostile_run.replay
    assert replay is not None and replay.returncode == 0, replay.stderr[-3000:]
    assert "reconciled: yes" in replay.stdout, replay.stdout
    reasons = {row["reason_code"]: int(row["n"]) for row in hostile_run.sql(
        "SELECT reason_code, count() AS n FROM pantau.dead_letters FINAL GROUP BY reason_code"
    )}  # fmt: skip
    for code in ("invalid_json", "missing_field", "too_large", "occurred_in_future", "conflicting_duplicate"):
        assert reasons.get(code, 0) >= 1, (code, reasons)
    assert reasons.get("office_not_authorized") == 1
    [sender] = hostile_run.sql(
        "SELECT office_id FROM pantau.dead_letters FINAL WHERE reason_code = 'office_not_authorized'"
    )
    assert sender["office_id"] == OFFICE, "the office whose key sent it"


def test_valid_hostile_events_land_pseudonymized_and_the_150_months_too(hostile_run: Run) -> None:
    refs = {
        row["complaint_id"]: row["reporter_ref"]
        for row in hostile_run.sql("SELECT complaint_id, reporter_ref FROM pantau.complaints FINAL")
    }
    assert refs["H-C1"].startswith("nik_")
    assert refs["G-C1"] == refs["H-C1"], "one citizen, one pseudonym, whatever the shape and the way in"
    assert refs["H-C2"] == "", "'tidak ada' is no NIK: no pseudonym, and the complaint is kept"
    assert refs["F-C1"] == refs["H-C1"], "a raw NIK from another producer is pseudonymized by the worker alike"
    [tickets] = hostile_run.sql(
        "SELECT count() AS n, uniqExact(toYYYYMM(issued_at)) AS months FROM pantau.tickets FINAL "
        "WHERE ticket_id LIKE 'H-M%' AND outcome = 'served'"
    )
    assert (int(tickets["n"]), int(tickets["months"])) == (MONTHS, MONTHS)
    [windows] = hostile_run.sql(
        f"SELECT uniqExact(toYYYYMM(window_start)) AS months FROM pantau.window_metrics FINAL "
        f"WHERE office_id = '{BACKFILLED_OFFICE}'"
    )
    assert int(windows["months"]) == MONTHS, "the windows of every month landed: the sink split the partitions"
    assert hostile_run.replay is not None
    assert "past_retention: " in hostile_run.replay.stdout, "raw events older than the TTL are said to be dropped"


def test_an_ordinary_event_after_the_hostile_ones_lands(hostile_run: Run) -> None:
    assert hostile_run.ordinary is not None and hostile_run.ordinary.returncode == 0, hostile_run.ordinary
    landed = hostile_run.sql("SELECT event_id FROM pantau.events FINAL WHERE event_id LIKE 'ordinary-%' ORDER BY ALL")
    assert [row["event_id"] for row in landed] == ["ordinary-1", "ordinary-2"]


def test_no_marker_in_any_kafka_message(hostile_run: Run) -> None:
    assert hostile_run.kafka_hits == {}


def test_no_marker_in_any_clickhouse_string_column(hostile_run: Run) -> None:
    columns = hostile_run.sql(
        "SELECT table, name FROM system.columns WHERE database = 'pantau' AND type LIKE '%String%' "
        "AND table NOT LIKE '.inner%'"
    )
    by_table: dict[str, list[str]] = {}
    for column in columns:
        by_table.setdefault(column["table"], []).append(column["name"])
    assert {"events", "dead_letters", "complaints", "tickets"} <= set(by_table)
    found: dict[str, set[str]] = {}
    # One `pantau sql` for every column (a subprocess per table cost ~80 s): each column as text, named.
    every_column = " UNION ALL ".join(
        f"SELECT '{table}.{name}' AS col, ifNull(toString(`{name}`), '') AS value FROM pantau.`{table}`"
        for table, names in sorted(by_table.items())
        for name in names
    )
    values = hostile_run.sql(every_column)
    assert {"events", "dead_letters"} <= {str(row["col"]).split(".")[0] for row in values}, "the scan read the rows"
    for row in values:
        for marker in hits(str(row["value"])):
            found.setdefault(str(row["col"]), set()).add(marker)
    scanned = hostile_run.sql("SELECT count() AS n FROM pantau.dead_letters")[0]["n"]
    assert int(scanned) >= 8, "the dead letters are there to be searched"
    assert found == {}


def test_no_marker_in_any_file_the_run_left_or_line_it_printed(hostile_run: Run) -> None:
    inputs = {hostile_run.workdir / name for name in ("hostile.jsonl", "ordinary.jsonl", "gateway-keys.yaml")}
    partition, _ = hostile_run.foreign
    # Kafka's segment holding the foreign producer's raw message: what it wrote, kept for the topic's 7 days.
    foreign_segment = hostile_run.workdir / ".pantau" / "kafka" / "data" / f"pantau.events-{partition}"
    found: dict[str, list[str]] = {}
    files = 0
    for folder, subfolders, names in os.walk(hostile_run.workdir):  # symlinks (the Kafka jars) are not followed
        subfolders[:] = [name for name in subfolders if not (Path(folder) / name).is_symlink()]
        for name in names:
            path = Path(folder) / name
            if path in inputs or path.is_symlink() or path.parent == foreign_segment:
                continue
            files += 1
            markers = hits(path.read_bytes().decode("utf-8", "replace"))
            if markers:
                found[str(path.relative_to(hostile_run.workdir))] = markers
    assert files > 50, "the run's store, broker data and logs were searched"
    printed = [hits(output) for output in hostile_run.outputs]
    assert found == {} and not any(printed), (found, printed)


def test_what_the_run_wrote_is_private_to_its_user(hostile_run: Run) -> None:
    state = hostile_run.workdir / ".pantau"
    made_by_the_test = {state, state / "kafka", state / "kafka" / "libs"}
    written = [path for path in state.rglob("*") if path not in made_by_the_test and not path.is_symlink()]
    assert len(written) > 50
    exposed = sorted(str(path.relative_to(state)) for path in written if path.stat().st_mode & 0o077)
    assert exposed == []
