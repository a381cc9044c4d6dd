"""The restart policy of `pantau up`: how soon a dead child is restarted, and when to give up.

Pure (no processes, no threads): the caller reports deaths with the time they were seen and asks when
to restart. Restarting is safe for the worker and the sink because both commit their input offsets
only after their output is durable, so a restarted one resumes from the last commit without loss;
the exactly-once worker and the sink's ReplacingMergeTree tables absorb any replayed batch.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class RestartPolicy:
    """Exponential backoff from `backoff_s`, doubled per restart in the window up to `backoff_max_s`;
    more than `max_restarts` deaths within `window_s` seconds and the supervisor gives up."""

    backoff_s: float = 1.0
    backoff_max_s: float = 30.0
    max_restarts: int = 5
    window_s: float = 600.0


class RestartBudget:
    """Deaths of one child within the policy's window; says when to restart it, or that it is time to give up."""

    def __init__(self, policy: RestartPolicy) -> None:
        self.policy = policy
        self._deaths: deque[float] = deque()
        self.restarts = 0
        """Restarts granted in all (for the status line)."""

    def on_death(self, now: float) -> float | None:
        """Record a death seen at `now`; the delay before the restart, or None when the limit is spent."""
        while self._deaths and now - self._deaths[0] > self.policy.window_s:
            self._deaths.popleft()
        if len(self._deaths) >= self.policy.max_restarts:
            return None
        self._deaths.append(now)
        self.restarts += 1
        return min(self.policy.backoff_max_s, self.policy.backoff_s * 2.0 ** (len(self._deaths) - 1))

    @property
    def in_window(self) -> int:
        """Restarts counted against the limit right now."""
        return len(self._deaths)


def death_cause(exit_code: int) -> str:
    """'signal 9' for a child killed by a signal (Popen's negative code), else 'status N'."""
    return f"signal {-exit_code}" if exit_code < 0 else f"status {exit_code}"
