"""Runs Pantau's ClickHouse work as one compose user inside chDB; a subprocess of test_compose_roles.py.

    python -m tests.unit.compose_roles_probe {grants|writer|reader} CONFIG_FILE DATA_DIR RESULT_JSON

chDB is clickhouse-local in-process: it loads users from a users.xml (CONFIG_FILE's
user_directories), but always runs queries as the user `default`. test_compose_roles.py therefore
writes a users.xml in which `default` carries the grants and the profile of pantau_writer or
pantau_reader, copied from infra/compose/clickhouse/users.xml. One engine per process and one data
directory per engine: each role runs in a process of its own, the writer first, on the same DATA_DIR.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import clickhouse_connect
import orjson
from clickhouse_connect.driver.client import Client
from kafka import TopicPartition

DATABASE = "pantau"
OFFICE = "MPP-JKT-01"
RANGE_START = datetime(2026, 11, 2, tzinfo=UTC)
RANGE_END = datetime(2026, 11, 9, tzinfo=UTC)
_CODE = re.compile(r"Code: (\d+)")
_CREATED = re.compile(
    r"CREATE\s+(?P<kind>TABLE|VIEW|MATERIALIZED\s+VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?\{database\}\.(?P<name>\w+)",
    re.IGNORECASE,
)


def migration_objects() -> dict[str, str]:
    """Every table and view Pantau's migrations create, with its kind (TABLE, VIEW, MATERIALIZED VIEW);
    plus schema_migrations, which migrate.py creates itself."""
    from pantau.clickhouse.migrate import load_migrations

    found = {"schema_migrations": "TABLE"}
    for migration in load_migrations():
        for match in _CREATED.finditer(migration.sql):
            found[match.group("name")] = " ".join(match.group("kind").upper().split())
    return found


# Statements a user must be refused, by role: privileges compose does not give it.
WRITER_REFUSED = {
    "drop": f"DROP TABLE {DATABASE}.tickets",
    "truncate": f"TRUNCATE TABLE {DATABASE}.tickets",
    "optimize": f"OPTIMIZE TABLE {DATABASE}.tickets FINAL",
    "alter_delete": f"ALTER TABLE {DATABASE}.tickets DELETE WHERE 1",
    "alter_drop_column": f"ALTER TABLE {DATABASE}.tickets DROP COLUMN channel",
    "alter_modify_column": f"ALTER TABLE {DATABASE}.tickets MODIFY COLUMN channel String",
    "outside_pantau": "CREATE TABLE default.probe (a UInt8) ENGINE = Memory",
    "create_user": "CREATE USER probe IDENTIFIED WITH no_password",
}
# The raw tables' payloads: their other columns are granted (column-level), these never are.
READER_REFUSED_RAW = {
    "events_payload": f"SELECT payload FROM {DATABASE}.events LIMIT 1",
    "events_payload_json": f"SELECT JSONExtractString(payload, 'ticket_id') FROM {DATABASE}.events LIMIT 1",
    "events_payload_filter": f"SELECT ticket_id FROM {DATABASE}.events WHERE payload LIKE '%KTP%'",
    "events_star": f"SELECT * FROM {DATABASE}.events LIMIT 1",
    "events_star_except": f"SELECT * EXCEPT (payload) FROM {DATABASE}.events LIMIT 1",
    "dead_letters_raw": f"SELECT raw FROM {DATABASE}.dead_letters LIMIT 1",
    "dead_letters_star": f"SELECT * FROM {DATABASE}.dead_letters LIMIT 1",
}
READER_REFUSED = {
    **READER_REFUSED_RAW,
    "schema_migrations": f"SELECT count() FROM {DATABASE}.schema_migrations",
    "pseudonym_keys": f"SELECT fingerprint FROM {DATABASE}.pseudonym_keys",
    "insert": f"INSERT INTO {DATABASE}.tickets (office_id, ticket_id) VALUES ('x', 'y')",
    "create": f"CREATE TABLE {DATABASE}.probe (a UInt8) ENGINE = Memory",
    "locked_setting": "SELECT 1 SETTINGS max_threads = 1",
}


def error_code(exc: BaseException) -> int | None:
    match = _CODE.search(str(exc))
    return int(match.group(1)) if match else None


def refusals(client: Client, statements: dict[str, str]) -> dict[str, int | None]:
    """Each statement's ClickHouse error code; 0 when it was not refused."""
    codes: dict[str, int | None] = {}
    for name, statement in statements.items():
        try:
            client.command(statement)
            codes[name] = 0
        except Exception as exc:
            codes[name] = error_code(exc)
    return codes


def identity(client: Client) -> dict[str, Any]:
    user, readonly = client.query("SELECT currentUser(), getSetting('readonly')").result_rows[0]
    grants = [str(row[0]) for row in client.query("SHOW GRANTS").result_rows]
    return {"user": str(user), "readonly": int(readonly), "grants": grants}


class _Message(NamedTuple):
    topic: str
    partition: int
    offset: int
    timestamp: int
    key: bytes | None
    value: bytes


class OneBatchConsumer:
    """The part of KafkaConsumer the sink uses, serving one batch: every routed topic at least once."""

    def __init__(self, messages: list[_Message]) -> None:
        self._batch: dict[TopicPartition, list[_Message]] = {}
        for message in messages:
            self._batch.setdefault(TopicPartition(message.topic, message.partition), []).append(message)
        self._assigned = set(self._batch)
        self.committed: dict[TopicPartition, Any] = {}

    def subscribe(self, topics: list[str]) -> None:
        self.topics = topics

    def partitions_for_topic(self, topic: str) -> set[int]:
        return {0}  # every topic known: the sink's metadata wait passes at once

    def poll(self, timeout_ms: int = 0, max_records: int | None = None) -> dict[TopicPartition, list[_Message]]:
        batch, self._batch = self._batch, {}
        return batch

    def assignment(self) -> set[TopicPartition]:
        return self._assigned

    def position(self, partition: TopicPartition) -> int | None:
        return None

    def commit(self, offsets: dict[TopicPartition, Any]) -> None:
        self.committed.update(offsets)

    def close(self, autocommit: bool = False) -> None:
        pass


# A ticket as an office sends it: the sink lands it in `events`, and migration 0010's MATERIALIZED columns
# take its ticket_id and service_code from the payload.
TICKET_ISSUED = {
    "event_id": "probe-ticket-1",
    "type": "ticket.issued",
    "office_id": OFFICE,
    "v": 1,
    "ticket_id": "A-probe-017",
    "service_code": "KTP",
    "channel": "kiosk",
}


def sink_messages(routes: list[Any]) -> list[_Message]:
    """One message per routed topic: a valid raw event, a dead letter, a minimal fact per fact table;
    then a ticket.issued event, and one unreadable fact (the sink dead-letters it)."""
    # An hour ago: the events' TTL (30 days once run_writer has set it) would drop older events on insert.
    received = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    millis = int(received.timestamp() * 1000)
    ticket = {**TICKET_ISSUED, "occurred_at": (received - timedelta(seconds=30)).isoformat()}
    event = {
        "event_id": "probe-1",
        "type": "complaint.filed",
        "office_id": OFFICE,
        "v": 1,
        "occurred_at": (received - timedelta(minutes=1)).isoformat(),
        "complaint_id": "C-probe",
        "category": "waktu",
        "text": "antrian lama",
    }
    dead_letter = {
        "source": "kafka:pantau.events",
        "position": "0/7",
        "raw": "{not json",
        "reason": "invalid_json",
        "reason_code": "invalid_json",
        "office_id": OFFICE,
        "received_at": received.isoformat(),
    }
    messages = []
    for offset, route in enumerate(routes):
        if route.table == "events":
            value = orjson.dumps(event)
        elif route.table == "dead_letters":
            value = orjson.dumps(dead_letter)
        else:
            value = orjson.dumps({"office_id": OFFICE, "_version": 1})
        messages.append(_Message(route.topic, 0, offset, millis, OFFICE.encode(), value))
    events_topic = next(route.topic for route in routes if route.table == "events")
    messages.append(_Message(events_topic, 0, len(messages), millis, OFFICE.encode(), orjson.dumps(ticket)))
    fact_topic = next(route.topic for route in routes if route.table == "tickets")
    messages.append(_Message(fact_topic, 0, len(messages), millis, None, b"not json"))
    return messages


def run_writer(client: Client) -> dict[str, Any]:
    """What `pantau migrate` and `pantau sink` do to ClickHouse, as the writer."""
    from pantau.catalog import load_catalog
    from pantau.clickhouse.catalog_sync import sync_catalog
    from pantau.clickhouse.migrate import apply_migrations
    from pantau.clickhouse.pseudonym_keys import verify_pseudonym_key
    from pantau.contract import EventValidator
    from sinks import retention
    from sinks.columns import table_columns
    from sinks.privacy_filter import PrivacyFilter
    from sinks.routes import default_routes
    from sinks.sink import ClickHouseSink, SinkLimits

    result: dict[str, Any] = identity(client)
    result["migrations"] = apply_migrations(client, DATABASE).applied
    result["migrations_again"] = apply_migrations(client, DATABASE).already_applied  # the sink's start
    result["catalog_rows"] = sync_catalog(client, DATABASE, load_catalog())
    # What sinks/runner.py build_sink does when the sink starts, before it consumes.
    key = b"probe-pseudonym-key-of-32-bytes!"
    result["key_recorded"] = verify_pseudonym_key(client, DATABASE, key).recorded
    result["key_recorded_again"] = verify_pseudonym_key(client, DATABASE, key).recorded
    ttl: dict[str, list[int]] = {}
    for table in (retention.EVENTS, retention.DEAD_LETTERS):
        for days in (7, 0, 30):  # MODIFY TTL, REMOVE TTL, MODIFY TTL again
            table.apply(client, DATABASE, days)
            ttl.setdefault(table.table, []).append(table.days(client, DATABASE))
    result["ttl_days"] = ttl
    routes = default_routes("pantau", EventValidator(load_catalog()), PrivacyFilter(key))
    consumer = OneBatchConsumer(sink_messages(routes))
    sink = ClickHouseSink(consumer, client, DATABASE, routes, SinkLimits(max_batch=100, max_wait_s=0.1))
    result["sink_consumed"] = sink.run_once()
    result["sink_rows"] = dict(sink.stats.rows)
    result["routed_tables"] = sorted({route.table for route in routes})
    # The columns the sink inserts into `events` (sinks/columns.py), and what the table then holds.
    result["events_insert_columns"] = [column.name for column in table_columns(client, DATABASE, "events")]
    result["events_materialized"] = [
        [str(value) for value in row]
        for row in client.query(
            f"SELECT event_id, type, ticket_id, service_code, JSONExtractString(payload, 'ticket_id'), "
            f"JSONExtractString(payload, 'service_code') FROM {DATABASE}.events FINAL ORDER BY event_id"
        ).result_rows
    ]
    result["minutely_rows"] = int(
        client.query(f"SELECT sum(events) FROM {DATABASE}.events_received_minutely").result_rows[0][0]
    )
    # `pantau staffing` (pantau/clickhouse/staffing_refresh.py): insert, then delete the older advice.
    from pantau.clickhouse.staffing_refresh import refresh_staffing

    result["staffing_refreshes"] = [refresh_staffing(client, DATABASE, weeks).cells for weeks in (4, 1)]
    result["refused"] = refusals(client, WRITER_REFUSED)
    return result


def run_reader(client: Client) -> dict[str, Any]:
    """Every dashboard variable and panel and every report query, as Grafana and `pantau report` send them."""
    from dashboards.build import all_dashboards
    from dashboards.expand import render_sql
    from dashboards.interpolation import Selection
    from dashboards.queries.office import LIVE_QUEUE
    from dashboards.report.data import REPORT_QUERIES, rendered_queries
    from dashboards.report.period import parse_period
    from tests.dashboards.panel_context import panel_targets, time_range

    result: dict[str, Any] = identity(client)
    queries: dict[str, dict[str, Any]] = {}

    def attempt(label: str, sql: str, rendered: str) -> list[Any]:
        try:
            rows = list(client.query(rendered).result_rows)
        except Exception as exc:
            queries[label] = {"sql": sql, "code": error_code(exc), "error": str(exc).strip().splitlines()[0]}
            return []
        queries[label] = {"sql": sql, "code": 0, "rows": len(rows)}
        return rows

    window = time_range(RANGE_START, RANGE_END, None)
    board_variables: dict[str, dict[str, Selection]] = {}
    for name, document in all_dashboards(database=DATABASE).items():
        # Variables in order, as Grafana resolves them, each seeing the ones before: All where offered.
        variables: dict[str, Selection] = {}
        for variable in document["templating"]["list"]:
            if variable["type"] == "custom":
                options = tuple(value.strip() for value in variable["query"].split(","))
                variables[variable["name"]] = Selection(values=(variable["current"]["value"],), options=options)
                continue
            sql = variable["query"]
            rows = attempt(f"{name}:variable:{variable['name']}", sql, render_sql(sql, variables, window))
            options = tuple(str(row[0]) for row in rows)
            if OFFICE in options:
                options = (OFFICE, *(option for option in options if option != OFFICE))
            if variable.get("includeAll"):
                variables[variable["name"]] = Selection(is_all=True, options=options, multi=True)
            else:
                variables[variable["name"]] = Selection(values=options[:1], options=options)
        board_variables[name] = variables
        for target in panel_targets({name: document}):
            panel_window = time_range(RANGE_START, RANGE_END, target.interval)
            attempt(
                f"{name}:panel:{target.panel_id}:{target.title}",
                target.sql,
                render_sql(target.sql, variables, panel_window),
            )
    for label, rendered in rendered_queries(DATABASE, parse_period("2026-11"), None, "Asia/Jakarta").items():
        attempt(f"report:{label}", REPORT_QUERIES[label].for_database(DATABASE), rendered)
    result["queries"] = queries
    # The live queue an hour after the writer's ticket was issued: it waits, read through the MATERIALIZED
    # ticket_id and service_code; with another service chosen it is filtered out.
    issued = client.query(
        f"SELECT occurred_at FROM {DATABASE}.events WHERE event_id = {{id:String}}",
        parameters={"id": TICKET_ISSUED["event_id"]},
    ).result_rows[0][0]
    issued = issued.replace(tzinfo=UTC) if issued.tzinfo is None else issued
    hour = time_range(issued, issued + timedelta(hours=1), None)
    office_variables = board_variables["office"]
    services = office_variables["service"].options
    live_queue: dict[str, list[Any]] = {}
    for service in ("KTP", next(code for code in services if code != "KTP")):
        chosen = {**office_variables, "service": Selection(values=(service,), options=services, multi=True)}
        sql = LIVE_QUEUE.for_database(DATABASE)
        live_queue[service] = [
            list(row) for row in attempt(f"live_queue:{service}", sql, render_sql(sql, chosen, hour))
        ]
    result["live_queue"] = live_queue
    result["objects"] = {
        name: refusals(client, {name: f"SELECT count() FROM {DATABASE}.{name}"})[name] for name in migration_objects()
    }
    result["refused"] = refusals(client, READER_REFUSED)
    # ClickHouse lists a user only the columns it may read.
    result["visible_columns"] = {
        table: [
            str(row[0])
            for row in client.query(
                "SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String} ORDER BY name",
                parameters={"db": DATABASE, "t": table},
            ).result_rows
        ]
        for table in ("events", "dead_letters")
    }
    return result


def run_grants(client: Client) -> dict[str, Any]:
    """The compose file as the server merges it (users.d): the users it defines and their normalized grants."""
    users = sorted(str(row[0]) for row in client.query("SELECT name FROM system.users").result_rows)
    grants = {
        user: [str(row[0]) for row in client.query(f"SHOW GRANTS FOR {user}").result_rows]
        for user in users
        if user.startswith("pantau_")
    }
    profiles = [
        [None if value is None else str(value) for value in row]
        for row in client.query(
            "SELECT profile_name, user_name, setting_name, value, min, max, writability, inherit_profile "
            "FROM system.settings_profile_elements ORDER BY profile_name, user_name, index"
        ).result_rows
    ]
    return {"users": users, "grants": grants, "profile_elements": profiles}


def main(argv: list[str]) -> int:
    role, config_file, data_dir, result_path = argv
    client = clickhouse_connect.get_client(interface="chdb", path=data_dir, chdb_options={"config-file": config_file})
    try:
        run = {"grants": run_grants, "writer": run_writer, "reader": run_reader}[role]
        result = run(client)
    finally:
        client.close()
    Path(result_path).write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
