"""One process per embedded data directory, with a message that says who holds it.

chDB refuses a second process with an opaque engine error; an advisory lock taken first lets Pantau
name the holder's pid and tell the user what to do.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from pantau.errors import EmbeddedStoreBusyError

# data dir -> (lock file descriptor, number of open sessions in this process)
_held: dict[Path, tuple[int, int]] = {}


def lock_path_for(data_dir: Path) -> Path:
    return data_dir.with_name(data_dir.name + ".lock")


def acquire(data_dir: Path) -> None:
    """Lock `data_dir` for this process (re-entrant within the process) or raise EmbeddedStoreBusyError."""
    if data_dir in _held:
        fd, count = _held[data_dir]
        _held[data_dir] = (fd, count + 1)
        return
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_file = lock_path_for(data_dir)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise busy_error(data_dir, holder) from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    _held[data_dir] = (fd, 1)


def release(data_dir: Path) -> None:
    """Drop one hold on `data_dir`; the last one unlocks (the OS also unlocks when the process exits)."""
    if data_dir not in _held:
        return
    fd, count = _held[data_dir]
    if count > 1:
        _held[data_dir] = (fd, count - 1)
        return
    del _held[data_dir]
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def busy_error(data_dir: Path, holder: str) -> EmbeddedStoreBusyError:
    return EmbeddedStoreBusyError(
        f"The embedded ClickHouse at {data_dir} is in use by another process (pid {holder}). "
        "chDB lets one process open a data directory at a time: stop that process (for example a "
        "running `pantau up`), or set PANTAU_CLICKHOUSE_URL to another chdb:// path or to a ClickHouse server."
    )
