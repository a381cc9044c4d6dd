"""One child of `pantau up` (process or thread) under the restart policy: notices its death, restarts it.

The policy itself (backoff, limit, window) is in supervisor.py; this holds the state between looks:
alive, or dead and waiting for its backoff to pass.
"""

from __future__ import annotations

from collections.abc import Callable

from pantau.errors import PantauError
from pantau.runtime.supervisor import RestartBudget


class SupervisorGaveUp(PantauError):
    """A child of `pantau up` died more often than the restart limit allows; its log says why."""


class Supervised:
    """`death()` says why the child is dead (None while it runs); `restart()` starts it again."""

    def __init__(
        self,
        name: str,
        budget: RestartBudget,
        death: Callable[[], str | None],
        restart: Callable[[], None],
        report: Callable[[str], None],
        log_hint: str = "",
    ) -> None:
        self.name = name
        self.budget = budget
        self._death = death
        self._restart = restart
        self._report = report
        self._log_hint = log_hint
        self._restart_at: float | None = None
        self._cause = ""

    def check(self, now: float) -> None:
        """Notice a death or restart after the backoff; SupervisorGaveUp once the limit is spent."""
        if self._restart_at is not None:
            if now >= self._restart_at:
                self._restart_at = None
                self._restart()
                policy = self.budget.policy
                self._report(
                    f"{self.name} died ({self._cause}), restarted ({self.budget.in_window}/{policy.max_restarts})"
                )
            return
        cause = self._death()
        if cause is None:
            return
        self._cause = cause
        delay = self.budget.on_death(now)
        policy = self.budget.policy
        if delay is None:
            raise SupervisorGaveUp(
                f"the {self.name} died ({cause}) after {policy.max_restarts} restarts within {policy.window_s:g} s; "
                f"giving up{self._log_hint} (limits: PANTAU_SUPERVISOR_MAX_RESTARTS, PANTAU_SUPERVISOR_WINDOW_S)"
            )
        self._report(f"{self.name} died ({cause}), restarting in {delay:g} s")
        self._restart_at = now + delay

    @property
    def pending(self) -> bool:
        """True while dead and waiting for the backoff to pass."""
        return self._restart_at is not None

    @property
    def restarts(self) -> int:
        return self.budget.restarts
