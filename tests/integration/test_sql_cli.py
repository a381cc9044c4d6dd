"""`pantau sql` speaks of the user's own text: empty queries, syntax errors, several statements (issue #18)."""

from __future__ import annotations

from pathlib import Path

from pantau.cli.sql_cmd import split_statements, user_message
from tests.integration.test_cli import pantau


def test_statements_split_on_semicolons_outside_quotes() -> None:
    assert split_statements("SELECT 1; SELECT 'a;b' AS x; ;") == ["SELECT 1", "SELECT 'a;b' AS x"]
    assert split_statements("SELECT 'it\\'s;' AS x") == ["SELECT 'it\\'s;' AS x"]
    assert split_statements("  ;  ") == []


def test_the_appended_format_is_not_shown() -> None:
    raw = "Syntax error: failed at position 12 (FORMAT) (line 2, col 2): FORMAT Native. Expected one of: FROM"
    assert user_message(raw) == "Syntax error: failed at the end of the query. Expected one of: FROM"


def test_sql_errors_and_several_statements_through_the_cli(tmp_path: Path) -> None:
    env = {"PANTAU_CLICKHOUSE_URL": f"chdb://{tmp_path / 'ch'}"}
    empty = pantau("sql", "  ", env=env, cwd=tmp_path)
    assert empty.returncode != 0 and "nothing to run" in empty.stderr
    bad = pantau("sql", "SELEC bad", env=env, cwd=tmp_path)
    assert bad.returncode != 0 and "Syntax error" in bad.stderr and "FORMAT" not in bad.stderr
    two = pantau("sql", "SELECT 1 AS one; SELECT 2 AS two", "--format", "tsv", env=env, cwd=tmp_path)
    assert two.returncode == 0, two.stderr
    assert two.stdout.splitlines() == ["one", "1", "two", "2"]


def test_a_table_wider_than_80_columns_is_shown_one_row_per_block(tmp_path: Path) -> None:
    env = {"PANTAU_CLICKHOUSE_URL": f"chdb://{tmp_path / 'ch'}", "COLUMNS": "80"}
    wide = pantau("sql", "SELECT 1 AS a, repeat('x', 90) AS long_one", env=env, cwd=tmp_path)
    assert wide.returncode == 0, wide.stderr
    assert wide.stdout.splitlines() == ["-- row 1 --", "       a: 1", "long_one: " + "x" * 90]
    narrow = pantau("sql", "SELECT 1 AS a", env=env, cwd=tmp_path)
    assert "┃ a ┃" in narrow.stdout
