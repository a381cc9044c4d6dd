"""Replay through the real broker: valid events arrive keyed by office, bad lines are dead letters."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer, OffsetAndMetadata, TopicPartition

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.kafka import topics
from pantau.kafka.admin import ensure_topics
from pantau.kafka.topics import topic_names
from pantau.privacy import pseudonymize_nik
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, create_producer
from producers.replay import replay_file
from tests.integration.kafka_helpers import consume_messages

pytestmark = pytest.mark.integration


def event(n: int, office: str = "MPP-JKT-01", **extra: object) -> dict[str, object]:
    return {
        "event_id": f"ev-{n}",
        "type": "counter.opened",
        "office_id": office,
        "occurred_at": f"2026-11-02T08:{n % 60:02d}:00+07:00",
        "v": 1,
        "counter_id": f"L{n:03d}",
        **extra,
    }


@pytest.fixture
def prefix(kafka_bootstrap: str) -> str:
    name = f"replay{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, topic_names(name), partitions=6)
    return name


def test_replay_round_trip_with_dead_letters(kafka_bootstrap: str, prefix: str, tmp_path: Path) -> None:
    lines = [orjson.dumps(event(n, office=["MPP-JKT-01", "KANIM-DPS", "SAMSAT-SRG"][n % 3])) for n in range(30)]
    lines.insert(5, b"{broken json")
    lines.insert(9, orjson.dumps(event(99, office="NOWHERE")))
    lines.insert(12, orjson.dumps({**event(98), "v": 2}))
    path = tmp_path / "day.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n\n")
    settings = PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix)
    publisher = EventPublisher(create_producer(settings), EventValidator(load_catalog()), prefix, "file:day.jsonl")

    counts = replay_file(path, publisher)
    publisher.close()

    assert (counts.received, counts.accepted, counts.dead_lettered) == (33, 30, 3)
    assert counts.reasons == {"invalid_json": 1, "unknown_office: office_id": 1, "unsupported_version: v": 1}
    events = consume_messages(kafka_bootstrap, topics.EVENTS.name(prefix), 30)
    assert sorted(orjson.loads(value)["event_id"] for _, value in events) == sorted(f"ev-{n}" for n in range(30))
    assert all(orjson.loads(value)["office_id"] == key.decode() for key, value in events)
    dead = [orjson.loads(value) for _, value in consume_messages(kafka_bootstrap, topics.DEAD_LETTERS.name(prefix), 3)]
    assert {(d["position"], d["reason_code"]) for d in dead} == {
        ("6", "invalid_json"),
        ("10", "unknown_office"),
        ("13", "unsupported_version"),
    }
    broken = next(d for d in dead if d["reason_code"] == "invalid_json")
    assert broken["raw"] == "{broken json" and broken["source"] == "file:day.jsonl"


def test_a_line_over_the_size_limit_is_a_truncated_dead_letter_and_the_replay_goes_on(
    kafka_bootstrap: str, prefix: str, tmp_path: Path
) -> None:
    """A 2 MB line (over Kafka's 1 MB message limit) used to abort the replay; later lines were never sent."""
    huge = orjson.dumps({**event(1), "note": "x" * 2_000_000})
    path = tmp_path / "day.jsonl"
    path.write_bytes(b"\n".join([orjson.dumps(event(0)), huge, orjson.dumps(event(2))]) + b"\n")
    settings = PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix)
    publisher = EventPublisher(create_producer(settings), EventValidator(load_catalog()), prefix, "file:day.jsonl")

    counts = replay_file(path, publisher)
    publisher.close()

    assert (counts.received, counts.accepted, counts.dead_lettered) == (3, 2, 1)
    events = consume_messages(kafka_bootstrap, topics.EVENTS.name(prefix), 2)
    assert sorted(orjson.loads(value)["event_id"] for _, value in events) == ["ev-0", "ev-2"]
    [(_, value)] = consume_messages(kafka_bootstrap, topics.DEAD_LETTERS.name(prefix), 1)
    dead = orjson.loads(value)
    assert (dead["position"], dead["reason_code"]) == ("2", "too_large")
    assert len(dead["raw"]) < 5000 and "more bytes not kept" in dead["raw"]


def test_pantau_s_ingress_puts_no_nik_or_phone_into_kafka(kafka_bootstrap: str, prefix: str, tmp_path: Path) -> None:
    """The replay (and the gateway, through the same publisher) pseudonymizes and redacts before producing."""
    nik, key = "3171012345670080", b"ingress-key"
    complaint = {
        "event_id": "c-1",
        "type": "complaint.filed",
        "office_id": "MPP-JKT-01",
        "occurred_at": "2026-11-02T09:00:00+07:00",
        "v": 1,
        "complaint_id": "C1",
        "category": "waktu",
        "reporter_nik": "3171.0123.4567.0080",
        "text": "lama sekali, hubungi (0812) 3456-0080",
        "reporter": {"nik": nik, "phone": "+62 812 3456 0080"},
    }
    ticket = {**event(1), "citizen_nik": "3171/0123/4567/0080"}
    path = tmp_path / "day.jsonl"
    path.write_bytes(orjson.dumps(complaint) + b"\n" + orjson.dumps(ticket) + b"\n")
    settings = PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix)
    publisher = EventPublisher(
        create_producer(settings), EventValidator(load_catalog()), prefix, "file:day.jsonl", pseudonym_key=key
    )

    counts = replay_file(path, publisher)
    publisher.close()

    assert counts.accepted == 2
    sent = [orjson.loads(value) for _, value in consume_messages(kafka_bootstrap, topics.EVENTS.name(prefix), 2)]
    digits = "".join(ch for ch in orjson.dumps(sent).decode() if ch.isdigit())
    assert nik not in digits and "81234560080" not in digits
    [filed] = [e for e in sent if e["type"] == "complaint.filed"]
    assert filed["reporter_ref"] == pseudonymize_nik(nik, key) and "reporter_nik" not in filed
    assert EventValidator(load_catalog()).validate(orjson.dumps(filed)).type == "complaint.filed"  # type: ignore[union-attr]


def test_replay_of_a_csv_export(kafka_bootstrap: str, prefix: str, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "event_id,type,office_id,occurred_at,v,survey_id,service_code,u1,u2,u3,u4,u5,u6,u7,u8,u9\n"
        "s1,survey.submitted,MPP-JKT-01,2026-11-02T09:00:00+07:00,1,S1,KTP,4,4,3,4,4,4,4,3,4\n"
        "s2,survey.submitted,MPP-JKT-01,2026-11-02T09:05:00+07:00,1,S2,KTP,4,4,3,4,5,4,4,3,4\n"
    )
    settings = PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix)
    publisher = EventPublisher(create_producer(settings), EventValidator(load_catalog()), prefix, "file:export.csv")
    counts = replay_file(path, publisher)
    publisher.close()
    assert (counts.accepted, counts.dead_lettered) == (1, 1)
    assert counts.reasons == {"score_out_of_range: scores.u5": 1}
    [(_, value)] = consume_messages(kafka_bootstrap, topics.EVENTS.name(prefix), 1)
    assert orjson.loads(value)["scores"]["u3"] == 3


def run_replay(path: Path, bootstrap: str, prefix: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP": bootstrap,
        "PANTAU_TOPIC_PREFIX": prefix,
        "PANTAU_KAFKA_CONNECT_TIMEOUT_S": "3",
    }
    return subprocess.run(
        [sys.executable, "-m", "pantau", "replay", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_cli_prints_reconciled_counts(kafka_bootstrap: str, prefix: str, tmp_path: Path) -> None:
    path = tmp_path / "few.jsonl"
    path.write_bytes(orjson.dumps(event(1)) + b"\nnot json\n")
    result = run_replay(path, kafka_bootstrap, prefix)
    assert result.returncode == 0, result.stderr
    assert "received: 2\nsent: 1\ndead_lettered: 1\n" in result.stdout


def test_the_cli_exits_non_zero_when_kafka_is_unreachable(tmp_path: Path) -> None:
    path = tmp_path / "few.jsonl"
    path.write_bytes(orjson.dumps(event(1)) + b"\n")
    from tests.conftest import free_port

    result = run_replay(path, f"localhost:{free_port()}", "unreachable")
    assert result.returncode == 2
    assert "No Kafka broker answers" in result.stderr and "Traceback" not in result.stderr


# --- replay --wait: the stages' committed offsets are the proof ---------------------------------------


def commit_group(bootstrap: str, group: str, offsets: dict[TopicPartition, int]) -> None:
    """Commit `offsets` for `group`, as a stage that has processed everything up to them would."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        consumer.commit({partition: OffsetAndMetadata(offset, "", -1) for partition, offset in offsets.items()})
    finally:
        consumer.close()


def run_replay_wait(path: Path, bootstrap: str, prefix: str, *flags: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PANTAU_KAFKA_BOOTSTRAP": bootstrap, "PANTAU_TOPIC_PREFIX": prefix}
    return subprocess.Popen(
        [sys.executable, "-m", "pantau", "replay", str(path), "--wait", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_replay_wait_times_out_naming_the_stuck_stage(kafka_bootstrap: str, prefix: str, tmp_path: Path) -> None:
    path = tmp_path / "few.jsonl"
    path.write_bytes(orjson.dumps(event(1)) + b"\n" + orjson.dumps(event(2)) + b"\n")
    replay = run_replay_wait(path, kafka_bootstrap, prefix, "--timeout", "3")  # no worker runs for this prefix
    stdout, stderr = replay.communicate(timeout=120)
    assert replay.returncode == 1
    assert "received: 2\nsent: 2\n" in stdout
    assert "stream worker" in stderr and f"{prefix}-streams" in stderr and f"{prefix}.events: 2" in stderr
    assert "Traceback" not in stderr


def test_replay_wait_returns_once_worker_then_sink_caught_up(kafka_bootstrap: str, prefix: str, tmp_path: Path) -> None:
    from pantau.kafka.lag import LagProbe
    from sinks.routes import routed_topics
    from sinks.runner import sink_group
    from streams.app import app_id

    path = tmp_path / "few.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(event(n)) for n in range(5)) + b"\nnot json\n")
    settings = PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix)
    replay = run_replay_wait(path, kafka_bootstrap, prefix, "--timeout", "90", "--no-count-check")
    probe = LagProbe(settings)
    try:
        events = topics.EVENTS.name(prefix)
        deadline = time.monotonic() + 60
        while sum(probe.end_offsets([events]).values()) < 5 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.5)
        assert replay.poll() is None, "returned before any stage had committed"
        # The "worker": refuses the first event (as a worker with another catalog would), commits the rest.
        first = min((partition, end) for partition, end in probe.end_offsets([events]).items() if end > 0)[0]
        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
        producer.send(
            topics.DEAD_LETTERS.name(prefix),
            orjson.dumps(
                {"source": f"kafka:{events}", "position": f"{first.partition}/0", "reason_code": "unknown_service"}
            ),
        )
        producer.flush()
        producer.close()
        commit_group(kafka_bootstrap, app_id(prefix), probe.end_offsets([events]))
        time.sleep(1.5)
        assert replay.poll() is None, "returned before the sink had committed"
        commit_group(kafka_bootstrap, sink_group(prefix), probe.end_offsets(routed_topics(prefix)))
        stdout, stderr = replay.communicate(timeout=60)
    finally:
        probe.close()
        if replay.poll() is None:
            replay.kill()
    assert replay.returncode == 0, stderr
    assert "received: 6\nsent: 5\ndead_lettered: 1\n" in stdout
    assert "dead_lettered_by_worker: 1\n" in stdout and "unknown_service" in stdout
    assert "processed: 4\n" in stdout
    assert "reconciled: yes (received 6 = processed 4 + dead_lettered 1 + dead_lettered_by_worker 1)" in stdout


def test_a_stage_parked_on_a_transaction_marker_has_caught_up(kafka_bootstrap: str, topic_name: str) -> None:
    from pantau.kafka.lag import LagProbe
    from pantau.runtime.settle import PipelineNotSettledError, PipelineSettler, Stage

    ensure_topics(kafka_bootstrap, [topic_name], partitions=1)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=f"tx-{topic_name}")
    producer.init_transactions()
    producer.begin_transaction()
    for n in range(3):
        producer.send(topic_name, b"fact %d" % n)
    producer.commit_transaction()  # offsets 0-2 hold facts, offset 3 the commit marker
    producer.close()
    partition = TopicPartition(topic_name, 0)
    probe = LagProbe(PantauSettings(kafka_bootstrap=kafka_bootstrap))
    try:
        ends = probe.end_offsets([topic_name])
        assert ends == {partition: 4}
        stage = Stage("sink", f"group-{topic_name}", [topic_name])
        settler = PipelineSettler(probe, poll_s=0.2)
        commit_group(kafka_bootstrap, stage.group, {partition: 2})  # one fact still to land
        with pytest.raises(PipelineNotSettledError, match=rf"{topic_name}: 2"):
            settler.wait([stage], ends, timeout_s=2)
        commit_group(kafka_bootstrap, stage.group, {partition: 3})  # every fact landed, parked on the marker
        assert probe.group_lag(stage.group, [topic_name]).total == 1
        report = settler.wait([stage], ends, timeout_s=20)
        assert [result.name for result in report.stages] == ["sink"]
    finally:
        probe.close()
