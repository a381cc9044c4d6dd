"""`kill -USR1 <worker pid>` writes the stack of every asyncio task to the worker's log.

A stalled worker shows only an idle event loop to py-spy or faulthandler: what each coroutine
awaits is invisible from outside. This is how an operator (or a developer) sees where it waits.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable
from typing import Any

LOG = logging.getLogger("pantau.streams")


def awaited_chain(task: asyncio.Task[object]) -> list[str]:
    """Where the task waits: each coroutine (or async generator) it awaits, outermost first.

    `Task.print_stack` shows only the task's own frame; the await chain below it is what tells a
    stalled agent from an idle one.
    """
    lines = []
    awaitable: object = task.get_coro()
    while awaitable is not None:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "ag_frame", None)
        code = getattr(awaitable, "cr_code", None) or getattr(awaitable, "ag_code", None)
        if frame is not None:
            lines.append(f"{frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}")
        elif code is not None:
            lines.append(f"{code.co_filename} {code.co_name} (not running)")
        else:
            lines.append(repr(awaitable)[:200])
        awaited = getattr(awaitable, "cr_await", None) or getattr(awaitable, "ag_await", None)
        awaitable = awaited or _unwrapped(awaitable)
    return lines


def _unwrapped(awaitable: object) -> object | None:
    """The coroutine inside a `coroutine_wrapper` (what `coro.__await__()` returns), found through gc."""
    if type(awaitable).__name__ != "coroutine_wrapper":
        return None
    inner = [item for item in gc.get_referents(awaitable) if hasattr(item, "cr_frame")]
    return inner[0] if inner else None


def dump_tasks(describe: Callable[[], str] | None = None) -> None:
    """Log every task of the running loop with the chain of awaits it is suspended in, then `describe()`."""
    tasks = asyncio.all_tasks()
    for task in tasks:
        LOG.warning("task %s:\n  %s", task.get_name(), "\n  ".join(awaited_chain(task)))
    LOG.warning("%d asyncio tasks dumped (SIGUSR1)", len(tasks))
    if describe is not None:
        LOG.warning("%s", describe())


def install_task_dump(describe: Callable[[], str] | None = None) -> None:
    """Call from inside the running loop (a Faust app task); `describe` adds the consumer's state."""
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, dump_tasks, describe)


def describe_faust_consumer(consumer: Any) -> str:
    """What Faust's consumer holds per partition: the first place to look when no message arrives."""
    lines = [f"flow_active={getattr(consumer, 'flow_active', '?')}"]
    active = getattr(consumer, "_active_partitions", None) or set()
    paused = getattr(consumer, "_paused_partitions", None) or set()
    for tp in sorted(consumer.assignment()):
        acked = consumer._acked.get(tp) or []
        lines.append(
            f"{tp.topic}/{tp.partition}: active={tp in active} paused={tp in paused} "
            f"read={consumer._read_offset.get(tp)} committed={consumer._committed_offset.get(tp)} "
            f"acked={len(acked)} from {min(acked) if acked else None} gaps={len(consumer._gap.get(tp) or ())}"
        )
    return "\n".join(lines)
