"""Real receivers on loopback: an HTTP server (webhook + Telegram-shaped API) and an SMTP server."""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    """One request or mail, with the wall time it arrived."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpReceiver:
    """Records every POST; answers 503 to the next `fail[path]` requests of a path, then 200."""

    received: list[Received] = field(default_factory=list)
    fail: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    failures = receiver.fail.get(self.path, 0)
                    if failures:
                        receiver.fail[self.path] = failures - 1
                    else:
                        receiver.received.append(Received(self.path, dict(self.headers), body, time.time()))
                if failures:
                    self.send_response(503)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                answer = b'{"ok": true, "result": {"message_id": 1}}' if "/sendMessage" in self.path else b"{}"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def on(self, path_part: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if path_part in r.path]


class _MailHandler:
    def __init__(self, sink: list[Received]) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.sink.append(Received(",".join(envelope.rcpt_tos), {}, bytes(envelope.original_content), time.time()))
        return "250 OK"


class SmtpReceiver:
    """aiosmtpd on 127.0.0.1: a real SMTP dialogue, mails kept in memory."""

    def __init__(self, port: int) -> None:
        self.mails: list[Received] = []
        self.controller = Controller(_MailHandler(self.mails), hostname="127.0.0.1", port=port)
        self.port = port

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(mail.body, policy=email.policy.default)
            for mail in list(self.mails)
            if address in mail.path
        ]


def wait_until(predicate: Any, timeout_s: float = 15.0) -> bool:
    """Poll `predicate` until true or timeout; real servers answer on their own time."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())
