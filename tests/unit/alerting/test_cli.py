"""`pantau alerts`: the list query and the command message (the Kafka path is in the scenarios)."""

from __future__ import annotations

from alerting.commands import command_message, commands_topic
from pantau.cli.alerts_cmd import list_query


def test_list_query_reads_the_final_rows_of_open_alerts() -> None:
    assert list_query("pantau", False, "MPP-JKT-01", 20) == (
        "SELECT alert_id, rule, office_id, service_code, severity, state, opened_at, acked_at, resolved_at, "
        "notified_to, summary FROM pantau.alerts FINAL WHERE state != 'resolved' AND office_id = 'MPP-JKT-01' "
        "ORDER BY opened_at DESC LIMIT 20"
    )


def test_list_query_quotes_the_office_literal() -> None:
    assert "office_id = 'x\\' OR 1=1 --'" in list_query("pantau", True, "x' OR 1=1 --", 5)
    assert "WHERE state" not in list_query("pantau", True, None, 5)


def test_command_message_and_topic() -> None:
    message = command_message("ack", "a1", actor="budi", note="")
    assert {k: message[k] for k in ("command", "alert_id", "actor")} == {
        "command": "ack",
        "alert_id": "a1",
        "actor": "budi",
    }
    assert commands_topic("pantau") == "pantau.alert-commands"
