"""Serving `pantau sql` from the process that holds the embedded engine.

chDB allows one process per data directory, so while `pantau up` runs, `pantau sql` cannot open the
store itself. The holder listens on a Unix socket next to the data directory (mode 0600: only the same
user can connect) and runs the query on its own engine; `pantau sql` forwards to it when the store is
busy. The protocol is one JSON request line and one JSON answer line.
"""

from __future__ import annotations

import contextlib
import os
import socket
import socketserver
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError as DriverError

from pantau.errors import ClickHouseError


def socket_path_for(data_dir: Path) -> Path:
    return data_dir.with_name(data_dir.name + ".sock")


SocketCommand = Callable[[Client, dict[str, Any]], dict[str, Any]]
"""A task the holder runs for another command on its own engine (e.g. `pantau staffing`): arguments in, result out."""


class QueryServer:
    """Runs queries (and the named commands it was given) sent over the socket on `client`, one at a time."""

    def __init__(self, client: Client, data_dir: Path, commands: dict[str, SocketCommand] | None = None) -> None:
        self._client = client
        self._commands = commands or {}
        self._lock = threading.Lock()
        self.path = socket_path_for(data_dir)
        self._server: socketserver.UnixStreamServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                request = orjson.loads(self.rfile.readline())
                if "command" in request:
                    answer = outer.run_command(str(request["command"]), dict(request.get("arguments") or {}))
                else:
                    answer = outer.answer(str(request.get("sql", "")))
                self.wfile.write(orjson.dumps(answer, default=str) + b"\n")

        old_umask = os.umask(0o177)
        try:
            self._server = socketserver.ThreadingUnixStreamServer(str(self.path), Handler)
        finally:
            os.umask(old_umask)
        self._thread = threading.Thread(target=self._server.serve_forever, name="pantau-query-socket", daemon=True)
        self._thread.start()

    def answer(self, sql: str) -> dict[str, Any]:
        with self._lock:
            try:
                result = self._client.query(sql)
            except DriverError as exc:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                return {"error": message}
        return {"columns": list(result.column_names), "rows": [list(row) for row in result.result_rows]}

    def run_command(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Run a named command on the holder's engine; an unknown name or a failure is an answer, not a crash."""
        command = self._commands.get(name)
        if command is None:
            return {"error": f"this process runs no command {name!r} (known: {sorted(self._commands) or 'none'})"}
        with self._lock:
            try:
                return {"result": command(self._client, arguments)}
            except (DriverError, ValueError) as exc:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                return {"error": message}

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def query_via_socket(data_dir: Path, sql: str, timeout_s: float = 300.0) -> tuple[list[str], list[list[Any]]] | None:
    """Ask the process holding `data_dir` to run `sql`; None when no such process listens."""
    document = _ask(data_dir, {"sql": sql}, "query", timeout_s)
    if document is None:
        return None
    return list(document["columns"]), [list(row) for row in document["rows"]]


def command_via_socket(
    data_dir: Path, name: str, arguments: dict[str, Any], timeout_s: float = 300.0
) -> dict[str, Any] | None:
    """Ask the process holding `data_dir` to run command `name`; None when no such process listens."""
    document = _ask(data_dir, {"command": name, "arguments": arguments}, name, timeout_s)
    if document is None:
        return None
    result: dict[str, Any] = document["result"]
    return result


def _ask(data_dir: Path, request: dict[str, Any], what: str, timeout_s: float) -> dict[str, Any] | None:
    """One request line, one answer line; None when nobody listens, ClickHouseError for an error answer."""
    path = socket_path_for(data_dir)
    if not path.exists():
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout_s)
            connection.connect(str(path))
            connection.sendall(orjson.dumps(request) + b"\n")
            answer = connection.makefile("rb").readline()
    except (ConnectionRefusedError, FileNotFoundError):
        return None
    document: dict[str, Any] = orjson.loads(answer)
    if "error" in document:
        raise ClickHouseError(f"{what} failed (run by the process holding {data_dir}): {document['error']}")
    return document
