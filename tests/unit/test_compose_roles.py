"""Compose roles (infra/compose): who may read and write what in ClickHouse, and who gets which credential.

- pantau_reader: readonly=1, SELECT on the curated tables and views, and on the columns of `events` and
  `dead_letters` the panels read, never their raw payloads (events.payload, dead_letters.raw); the
  settings Grafana's plugin and clickhouse-connect send made changeable;
- pantau_writer: only the privileges the migrations, the catalog sync and the sink use, on pantau.*;
- the gateway (and the stream worker) get Kafka settings only, no ClickHouse URL or password; the
  gateway reads its office keys from a file mounted read-only.

The static tests read infra/compose/clickhouse/users.xml and docker-compose.yml. The chDB tests load the
same users.xml into the ClickHouse engine (chDB, in subprocesses: see compose_roles_probe.py) and run the
real migrations, catalog sync and sink as the writer, then every dashboard and report query as the reader,
which must all run.
chDB (clickhouse-local) cannot enable access_control_improvements.settings_constraints_replace_previous,
without which ClickHouse refuses to load a `<changeable_in_readonly/>` constraint, so the chDB copy drops
those elements (the server's stock config.xml enables it); test_reader_profile checks them statically.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashboards.build import all_dashboards
from dashboards.queries import complaints, ikm, office, pipeline, regional, variables
from dashboards.queries.model import Query
from dashboards.report.data import REPORT_QUERIES
from pantau.catalog import load_catalog
from pantau.clickhouse.migrate import load_migrations
from pantau.errors import ConfigurationError
from producers.gateway.keys import OfficeKeys
from tests.conftest import REPO_ROOT
from tests.unit.compose_roles_probe import (
    READER_REFUSED_RAW,
    TICKET_ISSUED,
    WRITER_REFUSED,
    migration_objects,
)

COMPOSE_DIR = REPO_ROOT / "infra" / "compose"
USERS_XML = COMPOSE_DIR / "clickhouse" / "users.xml"
COMPOSE_FILE = COMPOSE_DIR / "docker-compose.yml"
ENV_EXAMPLE = COMPOSE_DIR / ".env.example"
GATEWAY_KEYS_EXAMPLE = COMPOSE_DIR / "gateway-keys.example.yaml"
DATABASE = "pantau"

# The raw tables, and their columns no reader may read: each raw event (pseudonymized) and each refused
# input (redacted). Their other columns may be granted column by column (the pipeline and office panels).
RAW_COLUMNS = {"events": {"payload"}, "dead_letters": {"raw"}}
RAW_TABLES = set(RAW_COLUMNS)
BOOKKEEPING = {"schema_migrations", "pseudonym_keys"}  # the pipeline's own, never for readers
NOT_FOR_READERS = RAW_TABLES | BOOKKEEPING  # not granted whole

# The settings the reader's clients change per query (see the comment on the profile in users.xml):
# grafana-clickhouse-datasource through clickhouse-go (max_execution_time = Query Timeout + 5 s, 60 s by
# default, and 10 for its column lookups), clickhouse-connect (the progress headers).
CHANGEABLE_IN_READONLY = {"max_execution_time", "send_progress_in_http_headers", "http_headers_progress_interval_ms"}
PLUGIN_MAX_EXECUTION_TIME = 60 + 5
PLUGIN_LOOKUP_MAX_EXECUTION_TIME = 10

# What the writer runs outside the migration files, and the privilege each needs:
# pantau/clickhouse/migrate.py CREATE DATABASE, CREATE TABLE schema_migrations, SELECT/INSERT on it;
# catalog_sync.py and pseudonym_keys.py SELECT and INSERT; sinks/ INSERT, and MODIFY/REMOVE TTL (retention.py).
WRITER_CODE_PRIVILEGES = {
    "CREATE DATABASE", "CREATE TABLE", "SELECT", "INSERT", "ALTER MODIFY TTL",
    "ALTER DELETE ON staffing",  # the staffing refresh's lightweight DELETE of the previous advice
}  # fmt: skip
_ALTER_COMMANDS = {
    "ADD COLUMN": "ALTER ADD COLUMN",
    "ADD INDEX": "ALTER ADD INDEX",
    "MATERIALIZE INDEX": "ALTER MATERIALIZE INDEX",
    "MODIFY SETTING": "ALTER MODIFY SETTING",
    "MODIFY TTL": "ALTER MODIFY TTL",
    "REMOVE TTL": "ALTER MODIFY TTL",
}
ACCESS_MANAGEMENT_WORDS = ("USER", "ROLE", "POLICY", "QUOTA", "PROFILE", "ACCESS", "GRANT", "ALL", "SYSTEM")


def users_root() -> ET.Element:
    return ET.parse(USERS_XML).getroot()


def user_element(name: str, root: ET.Element | None = None) -> ET.Element:
    element = (root if root is not None else users_root()).find(f"users/{name}")
    assert element is not None, f"{USERS_XML} defines no user {name}"
    return element


def grant_queries(name: str) -> list[str]:
    return [" ".join((query.text or "").split()) for query in user_element(name).findall("grants/query")]


def reader_grants() -> dict[str, set[str] | None]:
    """pantau_reader's SELECT grants by table: the granted columns, or None for the whole table."""
    grants: dict[str, set[str] | None] = {}
    for query in grant_queries("pantau_reader"):
        match = re.fullmatch(rf"GRANT SELECT(?:\((?P<columns>[\w, ]+)\))? ON {DATABASE}\.(?P<table>\w+)", query)
        assert match, f"pantau_reader may only have SELECT on single pantau tables or their columns: {query!r}"
        assert match.group("table") not in grants, f"{match.group('table')} is granted twice"
        columns = match.group("columns")
        grants[match.group("table")] = {c.strip() for c in columns.split(",")} if columns is not None else None
    return grants


def reader_granted_tables() -> set[str]:
    """Tables and views pantau_reader may read whole."""
    return {table for table, columns in reader_grants().items() if columns is None}


def reader_column_grants() -> dict[str, set[str]]:
    """Tables pantau_reader may read some columns of, and those columns."""
    return {table: columns for table, columns in reader_grants().items() if columns is not None}


def writer_privileges() -> set[str]:
    """The writer's privileges; one granted on a single table is named `PRIVILEGE ON table`."""
    privileges = set()
    for query in grant_queries("pantau_writer"):
        match = re.fullmatch(rf"GRANT ([A-Z ,]+) ON {DATABASE}\.(\*|\w+)", query)
        assert match, f"pantau_writer grants must be plain privileges ON {DATABASE}.* or a table: {query!r}"
        scope = "" if match.group(2) == "*" else f" ON {match.group(2)}"
        privileges |= {privilege.strip() + scope for privilege in match.group(1).split(",")}
    return privileges


def curated_objects() -> set[str]:
    """Tables and views a reader may see: everything the migrations create, but raw tables, the migrations'
    bookkeeping, and materialized views (read through their target table)."""
    objects = migration_objects()
    return {name for name, kind in objects.items() if kind != "MATERIALIZED VIEW"} - NOT_FOR_READERS


def tables_in(sql: str) -> set[str]:
    return set(re.findall(rf"\b{DATABASE}\.(\w+)", sql))


def _query_names() -> dict[str, str]:
    modules = (regional, office, complaints, ikm, pipeline, variables)
    return {
        value.for_database(DATABASE): f"{module.__name__.rsplit('.', 1)[-1]}.{name}"
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, Query)
    }


def reader_sql() -> dict[str, str]:
    """Every statement Grafana (panels and variables) and `pantau report` send, by query name."""
    names = _query_names()
    found: dict[str, str] = {}
    for board, document in all_dashboards(database=DATABASE).items():
        statements = [variable["query"] for variable in document["templating"]["list"] if variable["type"] == "query"]
        statements += [target["rawSql"] for panel in document["panels"] for target in panel.get("targets") or []]
        for sql in statements:
            found[names.get(sql, f"{board}: unnamed query {sql[:60]!r}")] = sql
    for label, query in REPORT_QUERIES.items():
        found[names.get(query.for_database(DATABASE), f"report.{label}")] = query.for_database(DATABASE)
    return found


def _top_level_commas(text: str) -> list[str]:
    """`text` split at the commas outside parentheses and quotes (an ALTER's commands)."""
    parts, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and char == ",":
            parts.append(text[start:index])
            start = index + 1
    return [*parts, text[start:]]


def writer_privileges_needed() -> set[str]:
    """The privileges the migration files' statements need, plus what Pantau's code runs (above)."""
    needed = set(WRITER_CODE_PRIVILEGES)
    for migration in load_migrations():
        for statement in migration.statements(DATABASE):
            head = " ".join(statement.split()).upper()
            if head.startswith(("CREATE TABLE", "CREATE DATABASE")):
                needed.add("CREATE TABLE" if head.startswith("CREATE TABLE") else "CREATE DATABASE")
            elif re.match(r"CREATE (MATERIALIZED )?VIEW", head):
                needed |= {"CREATE VIEW", "SELECT"} | ({"INSERT"} if "MATERIALIZED" in head[:25] else set())
            elif head.startswith("INSERT"):
                needed |= {"INSERT"} | ({"SELECT"} if " SELECT " in head else set())
            elif alter := re.match(r"ALTER TABLE \S+ (.*)", head):
                for command in _top_level_commas(alter.group(1)):
                    privilege = next((p for c, p in _ALTER_COMMANDS.items() if command.strip().startswith(c)), None)
                    assert privilege, f"{migration.name}: which privilege does ALTER ... {command.strip()!r} need?"
                    needed.add(privilege)
            else:
                raise AssertionError(f"{migration.name}: statement not classified for pantau_writer: {head[:80]}")
    return needed


def compose_services() -> dict[str, dict[str, Any]]:
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return dict(document["services"])


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): str(value) for key, value in env.items()}


# Static: users.xml


def test_reader_profile_is_readonly_1_with_the_clients_settings_changeable() -> None:
    root = users_root()
    profile_name = user_element("pantau_reader", root).findtext("profile")
    profile = root.find(f"profiles/{profile_name}")
    assert profile is not None, f"pantau_reader's profile {profile_name!r} is not defined in {USERS_XML.name}"
    assert profile.findtext("readonly") == "1"
    constraints = profile.find("constraints")
    changeable = {
        setting.tag: setting
        for setting in (constraints if constraints is not None else [])
        if setting.find("changeable_in_readonly") is not None
    }
    assert set(changeable) == CHANGEABLE_IN_READONLY
    limit = changeable["max_execution_time"]
    low, high = int(limit.findtext("min") or 0), int(limit.findtext("max") or 0)
    assert low >= 1, "max_execution_time=0 would let a reader's query run without limit"
    assert low <= PLUGIN_LOOKUP_MAX_EXECUTION_TIME and high >= PLUGIN_MAX_EXECUTION_TIME, (low, high)


def test_reader_grants_are_the_curated_tables_and_views() -> None:
    granted = reader_granted_tables()
    assert not granted & NOT_FOR_READERS, (
        f"raw or bookkeeping tables granted whole to pantau_reader: {granted & NOT_FOR_READERS}"
    )
    assert granted == curated_objects(), (
        f"not granted: {sorted(curated_objects() - granted)}; granted but not a curated object: "
        f"{sorted(granted - curated_objects())} (a new table is either curated, and granted, or raw)"
    )


def test_no_reader_grant_includes_a_raw_column() -> None:
    column_grants = reader_column_grants()
    assert set(column_grants) <= RAW_TABLES, f"column grants on other tables: {sorted(set(column_grants) - RAW_TABLES)}"
    for table, columns in column_grants.items():
        assert not columns & RAW_COLUMNS[table], f"pantau_reader is granted {sorted(columns & RAW_COLUMNS[table])}"
    granted = reader_grants()
    for table in RAW_TABLES | BOOKKEEPING:
        assert granted.get(table, set()) is not None, f"{table} is granted whole to pantau_reader"
    assert not set(granted) & BOOKKEEPING


def test_reader_grants_cover_every_dashboard_and_report_query() -> None:
    """Every table a query names is granted (whole, or the columns: test_reader_runs_every_... runs them)."""
    readable = set(reader_grants())
    statements = reader_sql()
    assert len(statements) > 30, "the dashboards' and the report's SQL was not collected"
    missing = {name: sorted(tables_in(sql) - readable) for name, sql in statements.items()}
    assert not {name: tables for name, tables in missing.items() if tables}
    assert {table for sql in statements.values() for table in tables_in(sql)} >= {"tickets", "offices", "ikm"}
    for sql in statements.values():
        assert not re.search(r"\b(payload|raw)\b", sql), f"a reader query reads a raw column:\n{sql[:300]}"


def test_writer_has_what_migrations_catalog_and_sink_use_on_pantau_only() -> None:
    writer = user_element("pantau_writer")
    assert writer.findtext("access_management") == "0"
    privileges = writer_privileges()
    assert not [p for p in privileges if any(word in p.split() for word in ACCESS_MANAGEMENT_WORDS)]
    assert not privileges & {"DROP", "DROP TABLE", "TRUNCATE", "OPTIMIZE", "ALTER", "ALTER TABLE"}
    assert privileges == writer_privileges_needed()


def test_passwords_come_from_the_environment() -> None:
    names = set()
    for user in ("pantau_writer", "pantau_reader"):
        password = user_element(user).find("password")
        assert password is not None and password.get("from_env") and not (password.text or "").strip()
        names.add(password.get("from_env"))
    clickhouse_env = environment(compose_services()["clickhouse"])
    example = ENV_EXAMPLE.read_text(encoding="utf-8")
    for name in names:
        assert name in clickhouse_env
        assert re.search(rf"^{name}=$", example, re.MULTILINE)


# Static: docker-compose.yml


def test_gateway_gets_kafka_settings_only() -> None:
    services = compose_services()
    for name in ("gateway", "stream-worker"):
        env = environment(services[name])
        assert env.get("PANTAU_KAFKA_BOOTSTRAP") == "kafka:9092"
        leaked = {key: value for key, value in env.items() if "CLICKHOUSE" in f"{key} {value}".upper()}
        assert not leaked, f"{name} gets ClickHouse settings: {sorted(leaked)}"
    assert "clickhouse" not in (services["gateway"].get("depends_on") or {})


def mounts(service: dict[str, Any]) -> list[dict[str, Any]]:
    """A service's volumes in the long syntax, whichever syntax the file uses."""
    found = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, target, *mode = volume.split(":")
            found.append({"source": source, "target": target, "read_only": mode == ["ro"], "short": True})
        else:
            found.append({**volume, "short": False})
    return found


def test_gateway_reads_its_office_keys_from_a_read_only_mount() -> None:
    gateway = compose_services()["gateway"]
    keys_file = environment(gateway).get("PANTAU_GATEWAY_KEYS_FILE")
    assert keys_file, "without PANTAU_GATEWAY_KEYS_FILE the gateway exits: it needs office keys"
    mounted = [m for m in mounts(gateway) if keys_file == m["target"] or keys_file.startswith(f"{m['target']}/")]
    assert len(mounted) == 1, f"{keys_file} is not in a volume of the gateway: {mounts(gateway)}"
    mount = mounted[0]
    assert mount["read_only"] is True
    assert mount["source"] == "./gateway-keys.yaml" and mount["target"] == keys_file
    # The long syntax, so that a missing file fails `docker compose up` instead of becoming a directory.
    assert not mount["short"] and mount.get("type") == "bind"
    assert mount.get("bind", {}).get("create_host_path") is False
    assert "gateway-keys.yaml" in (COMPOSE_DIR / ".gitignore").read_text(encoding="utf-8").split()
    assert "gateway-keys.example.yaml" in ENV_EXAMPLE.read_text(encoding="utf-8")


def test_gateway_keys_example_is_refused_until_its_placeholders_are_replaced() -> None:
    example = yaml.safe_load(GATEWAY_KEYS_EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(example, dict) and example
    assert set(example) <= {office.id for office in load_catalog().offices}
    assert all(str(value).startswith("sha256:") for value in example.values())
    with pytest.raises(ConfigurationError, match="malformed sha256 digest"):
        OfficeKeys.load(GATEWAY_KEYS_EXAMPLE)
    # Filled in as its comment says: each office's key hashed with hashlib.sha256(b'KEY').hexdigest().
    keys = {office: f"key-of-{office}-0123456789" for office in example}
    filled = {office: "sha256:" + hashlib.sha256(key.encode()).hexdigest() for office, key in keys.items()}
    loaded = OfficeKeys.from_mapping(filled)
    assert loaded.offices == sorted(example)
    assert {office: loaded.office_for(key) for office, key in keys.items()} == {office: office for office in keys}


def test_each_clickhouse_credential_reaches_only_its_users() -> None:
    holders: dict[str, set[str]] = {"CLICKHOUSE_WRITER_PASSWORD": set(), "CLICKHOUSE_READER_PASSWORD": set()}
    for name, service in compose_services().items():
        text = json.dumps(environment(service))
        for secret, services in holders.items():
            if secret in text:
                services.add(name)
    assert holders == {
        "CLICKHOUSE_WRITER_PASSWORD": {"clickhouse", "migrate", "sink"},
        "CLICKHOUSE_READER_PASSWORD": {"clickhouse", "grafana"},
    }
    for name in ("migrate", "sink"):
        assert environment(compose_services()[name])["PANTAU_CLICKHOUSE_URL"].startswith("http://pantau_writer:")
    volumes = compose_services()["clickhouse"]["volumes"]
    assert "./clickhouse/users.xml:/etc/clickhouse-server/users.d/pantau-users.xml:ro" in volumes


# chDB: the same users.xml in the ClickHouse engine


def _loadable_in_chdb(root: ET.Element) -> ET.Element:
    for parent in root.iter():
        for child in list(parent):
            if child.tag == "changeable_in_readonly":
                parent.remove(child)
    return root


def _config(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.xml"
    config.write_text(
        "<clickhouse><user_directories><users_xml><path>users.xml</path></users_xml></user_directories></clickhouse>",
        encoding="utf-8",
    )
    return config


def merged_config(folder: Path) -> Path:
    """A stock-like users.xml (default user, profile, quota) with the compose file in users.d, as mounted."""
    config = _config(folder)
    (folder / "users.xml").write_text(
        "<clickhouse><profiles><default/></profiles><quotas><default/></quotas><users><default>"
        "<password></password><networks><ip>::/0</ip></networks><profile>default</profile>"
        "<quota>default</quota><access_management>1</access_management></default></users></clickhouse>",
        encoding="utf-8",
    )
    (folder / "users.d").mkdir()
    ET.ElementTree(_loadable_in_chdb(users_root())).write(folder / "users.d" / "pantau-users.xml")
    return config


def role_config(folder: Path, role: str) -> Path:
    """A users.xml whose `default` user (the one chDB runs as) has `role`'s grants, profile and quota."""
    config = _config(folder)
    source = _loadable_in_chdb(users_root())
    user = copy.deepcopy(user_element(role, source))
    for tag in ("password", "networks"):
        for element in user.findall(tag):
            user.remove(element)
    user.tag = "default"
    ET.SubElement(user, "password").text = ""
    ET.SubElement(ET.SubElement(user, "networks"), "ip").text = "::/0"
    root = ET.Element("clickhouse")
    found = source.find("profiles")
    profiles = copy.deepcopy(found) if found is not None else ET.Element("profiles")
    if profiles.find("default") is None:
        ET.SubElement(profiles, "default")
    root.append(profiles)
    ET.SubElement(ET.SubElement(root, "quotas"), "default")
    ET.SubElement(root, "users").append(user)
    ET.ElementTree(root).write(folder / "users.xml")
    return config


def _probe(role: str, config: Path, data: Path, workdir: Path) -> dict[str, Any]:
    result = workdir / f"{role}.json"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "CLICKHOUSE_WRITER_PASSWORD": "writer-test-password",
        "CLICKHOUSE_READER_PASSWORD": "reader-test-password",
    }
    # chDB's engine reads ./config.xml at import when there is one: run where there is none.
    completed = subprocess.run(
        [sys.executable, "-m", "tests.unit.compose_roles_probe", role, str(config), str(data), str(result)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(f"{role} probe failed in chDB:\n{completed.stderr[-3000:]}")
    loaded: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def chdb_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The compose users in chDB: the merged file's grants, then the writer's run, then the reader's."""
    base = tmp_path_factory.mktemp("compose_roles")
    workdir = base / "work"
    workdir.mkdir()
    runs = {"grants": _probe("grants", merged_config(base / "merged"), base / "merged-data", workdir)}
    data = base / "data"
    runs["writer"] = _probe("writer", role_config(base / "writer", "pantau_writer"), data, workdir)
    runs["reader"] = _probe("reader", role_config(base / "reader", "pantau_reader"), data, workdir)
    return runs


def test_chdb_loads_the_users_as_the_server_merges_them(chdb_runs: dict[str, dict[str, Any]]) -> None:
    loaded = chdb_runs["grants"]
    assert set(loaded["users"]) == {"default", "pantau_reader", "pantau_writer"}
    # SHOW GRANTS lists a column grant's columns sorted.
    assert sorted(loaded["grants"]["pantau_reader"]) == sorted(
        [f"GRANT SELECT ON {DATABASE}.{table} TO pantau_reader" for table in curated_objects()]
        + [
            f"GRANT SELECT({', '.join(sorted(columns))}) ON {DATABASE}.{table} TO pantau_reader"
            for table, columns in reader_column_grants().items()
        ]
    )
    writer_grants = loaded["grants"]["pantau_writer"]
    table_grant = f"GRANT ALTER DELETE ON {DATABASE}.staffing TO pantau_writer"
    database_wide = f" ON {DATABASE}.* TO pantau_writer"
    assert writer_grants and all(g.endswith(database_wide) or g == table_grant for g in writer_grants)
    assert not [g for g in writer_grants if "GRANT OPTION" in g]
    readonly = [row for row in loaded["profile_elements"] if row[2] == "readonly" and row[0]]
    assert readonly and all(row[3] == "1" for row in readonly)


def test_writer_runs_migrations_catalog_sync_and_sink(chdb_runs: dict[str, dict[str, Any]]) -> None:
    run = chdb_runs["writer"]
    assert run["readonly"] == 0
    assert run["migrations"] == [f"{m.version:04d}_{m.name}" for m in load_migrations()]
    assert run["migrations_again"] == run["migrations"]
    assert run["catalog_rows"] > 0
    assert (run["key_recorded"], run["key_recorded_again"]) == (True, False)  # the sink's pseudonym key check
    assert run["ttl_days"] == {"events": [7, 0, 30], "dead_letters": [7, 0, 30]}
    assert set(run["sink_rows"]) == set(run["routed_tables"])
    assert all(count >= 1 for count in run["sink_rows"].values())
    assert run["minutely_rows"] == 2  # the materialized view ran, as its definer, on the inserts into events
    # Two refreshes ran to the end, each with its DELETE of the older advice (a refusal would raise).
    assert len(run["staffing_refreshes"]) == 2
    assert run["refused"] == dict.fromkeys(WRITER_REFUSED, 497)


def test_the_sink_fills_the_materialized_ticket_columns_of_events(chdb_runs: dict[str, dict[str, Any]]) -> None:
    """Migration 0010: events.ticket_id and .service_code come from the payload the sink inserts."""
    run = chdb_runs["writer"]
    columns = run["events_insert_columns"]
    assert {"event_id", "payload", "_version"} <= set(columns)
    assert not {"ticket_id", "service_code"} & set(columns), "the sink must not insert MATERIALIZED columns"
    rows = {row[0]: row[1:] for row in run["events_materialized"]}
    ticket = TICKET_ISSUED
    # event_id: type, ticket_id, service_code, and JSONExtractString of the payload for each of the two
    assert rows[ticket["event_id"]] == [ticket["type"], *[ticket["ticket_id"], ticket["service_code"]] * 2]
    assert len(rows) >= 2 and all(row[1:3] == row[3:5] for row in rows.values())  # others: '' where absent


def test_reader_runs_every_dashboard_and_report_query(chdb_runs: dict[str, dict[str, Any]]) -> None:
    run = chdb_runs["reader"]
    assert run["readonly"] == 1
    names = _query_names()
    failed = {
        names.get(outcome["sql"], label): outcome.get("error")
        for label, outcome in run["queries"].items()
        if outcome["code"] != 0
    }
    assert not failed
    assert len(run["queries"]) > 40
    ran = {outcome["sql"] for outcome in run["queries"].values()}
    assert set(reader_sql().values()) <= ran, "a dashboard query was not run as the reader"
    assert {f"report:{label}" for label in REPORT_QUERIES} <= set(run["queries"])
    raw_table_panels = {"office.LIVE_QUEUE", "pipeline.SUMMARY", "pipeline.DEAD_LETTERS_BY_REASON"}
    assert raw_table_panels | {"pipeline.DEAD_LETTER_TREND"} <= {names.get(sql) for sql in ran}
    # The writer's ticket waits an hour after it was issued for KTP, and not for another service.
    waiting, longest_wait_min = run["live_queue"]["KTP"][0]
    assert waiting == 1 and abs(longest_wait_min - 60) < 0.01
    assert [row[0] for rows in run["live_queue"].values() for row in rows] == [1, 0]


def test_reader_is_refused_raw_columns_and_bookkeeping(chdb_runs: dict[str, dict[str, Any]]) -> None:
    run = chdb_runs["reader"]
    readable = curated_objects() | set(reader_column_grants())
    assert run["objects"] == {name: 0 if name in readable else 497 for name in migration_objects()}
    assert run["visible_columns"] == {table: sorted(columns) for table, columns in reader_column_grants().items()}
    codes = run["refused"]
    assert {name: codes[name] for name in READER_REFUSED_RAW} == dict.fromkeys(READER_REFUSED_RAW, 497)
    assert (codes["schema_migrations"], codes["pseudonym_keys"]) == (497, 497)
    assert codes["insert"] in (164, 497) and codes["create"] in (164, 497)
    assert codes["locked_setting"] == 164  # READONLY: readonly=1 keeps every other setting locked
