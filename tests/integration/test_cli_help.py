"""`pantau --help` and every command's help: order, flags without `<bool>`, honest --bootstrap, env names (issue #18).

The sweep over every command runs in-process (typer's runner, one help page each costs nothing); the
two pages a new user reads first run through the real `pantau` in a subprocess.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from pantau.cli import app

STARTS_A_BROKER = {("up",), ("kafka", "up")}
WIDE = {"COLUMNS": "200", "TERMINAL_WIDTH": "200"}


def command_paths(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every leaf command; typer 0.29 vendors click, so groups are told by their `commands`, not by class."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from command_paths(command, (*prefix, name))
        else:
            yield (*prefix, name)


PATHS = sorted(command_paths(typer.main.get_command(app)))


def help_page(*path: str) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())  # one line: rich wraps long help texts


def real_help(*path: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pantau", *path, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, **WIDE},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_command_is_swept() -> None:
    assert len(PATHS) > 15 and ("kafka", "up") in PATHS and ("simulate",) in PATHS


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_no_flag_shows_a_value_and_bootstrap_says_what_this_command_does(path: tuple[str, ...]) -> None:
    page = help_page(*path)
    assert "<bool>" not in page
    if "--bootstrap" in page:
        starts = "when set, no local broker is started" in page
        assert starts == (path in STARTS_A_BROKER), page
        assert starts or "this command starts none" in page


def test_up_is_listed_first_then_everyday_commands_then_the_plumbing() -> None:
    page = real_help()
    listed = re.findall(r"^│ (\w+) {2,}", page, flags=re.MULTILINE)
    assert listed[0] == "up", page
    assert listed.index("simulate") < listed.index("kafka") and listed.index("report") < listed.index("worker")
    assert page.index("Main job") < page.index("Everyday") < page.index("Plumbing")


def test_kafka_up_help_names_every_setting_it_reads() -> None:
    page = " ".join(real_help("kafka", "up").split())
    for env in ("PANTAU_KAFKA_PORT", "PANTAU_KAFKA_CONTROLLER_PORT", "PANTAU_KAFKA_HOME", "PANTAU_KAFKA_PARTITIONS"):
        assert env in page, env
    assert "<bool>" not in page


def test_up_and_simulate_default_to_the_same_number_of_offices() -> None:
    defaults = [re.search(r"--offices .*?\[default: (\d+)\]", help_page(command)) for command in ("up", "simulate")]
    assert defaults[0] and defaults[1] and defaults[0].group(1) == defaults[1].group(1)
