"""Reading why the local broker died from its log: the few cause lines among a thousand of stack trace.

Kafka logs a failed start as an ERROR line, then the exception and every "Caused by" with their stack
frames, often three times over; the cause a user can act on ("Address already in use") comes last.
Pure text functions, so they are unit-tested on a real log excerpt.
"""

from __future__ import annotations

import re

_LOG_LEVEL = re.compile(r"^\[[^\]]*\] (ERROR|FATAL) (?P<message>.*)$")
_EXCEPTION = re.compile(r"^(Caused by: )?(?P<message>[\w.$]+(Exception|Error)\b.*)$")
_BIND = re.compile(r"failed to bind to [^:\s]+:(?P<port>\d+): Address already in use")


def failure_causes(log_text: str, limit: int = 6) -> list[str]:
    """The log's ERROR messages and exception lines (with their causes), each once, in the order they came."""
    causes: list[str] = []
    seen: set[str] = set()
    for line in log_text.splitlines():
        match = _LOG_LEVEL.match(line) or _EXCEPTION.match(line)
        if match is None:
            continue
        message = match.group("message").strip()
        if message in seen:
            continue
        seen.add(message)
        causes.append(message)
        if len(causes) == limit:
            break
    return causes


def taken_ports(log_text: str) -> set[int]:
    """Ports the broker could not bind to ("Address already in use")."""
    return {int(match.group("port")) for match in _BIND.finditer(log_text)}
