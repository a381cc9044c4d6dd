"""The alert service (`pantau alerts run`) as a child process of `pantau up`.

A process of its own, like the stream worker, so a slow SMTP server or a crash in a channel never
stalls the sink or the status line, and so it stops on SIGTERM through its own handler (it flushes
the transitions it has and lets deliveries under way finish). Its settings are the parent's: the
same broker, topic prefix and catalog, plus every PANTAU_ALERT_* variable of the environment.
"""

from __future__ import annotations

from pantau.runtime.worker_process import WorkerProcess


class AlertsProcess(WorkerProcess):
    """`pantau alerts run` with the same settings; its output goes to a log file."""

    command = ("alerts", "run", "--verbose")
