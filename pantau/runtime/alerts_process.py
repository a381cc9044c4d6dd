"""The alert service (`pantau alerts run`) as a child process of `pantau up`.

A process of its own, like the stream worker, so a slow SMTP server or a crash in a channel never
stalls the sink or the status line, and so it stops on SIGTERM through its own handler (it flushes
the transitions it has and lets deliveries under way finish). Its settings are the parent's: the
same broker, topic prefix and catalog, plus every PANTAU_ALERT_* variable of the environment.
"""

from __future__ import annotations

import os
import subprocess
import sys

from pantau.runtime.worker_process import WorkerProcess


class AlertsProcess(WorkerProcess):
    """`pantau alerts run` with the same settings; its output goes to a log file."""

    def start(self) -> None:
        self._log_file.parent.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PANTAU_KAFKA_BOOTSTRAP": self._settings.bootstrap_servers,
            "PANTAU_TOPIC_PREFIX": self._settings.topic_prefix,
            "PANTAU_KAFKA_PARTITIONS": str(self._settings.kafka_partitions),
            **({"PANTAU_CATALOG": str(self._settings.catalog)} if self._settings.catalog is not None else {}),
            **self._extra_env,
        }
        with self._log_file.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "pantau", "alerts", "run", "--verbose"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                stdin=subprocess.DEVNULL,
            )
