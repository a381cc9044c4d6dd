"""The restart policy of `pantau up` and one supervised child, without processes: times are given."""

from __future__ import annotations

import pytest

from pantau.runtime.supervised import Supervised, SupervisorGaveUp
from pantau.runtime.supervisor import RestartBudget, RestartPolicy, death_cause


def test_backoff_doubles_up_to_the_cap() -> None:
    budget = RestartBudget(RestartPolicy(backoff_s=1, backoff_max_s=5, max_restarts=10, window_s=600))
    assert [budget.on_death(float(t)) for t in range(5)] == [1, 2, 4, 5, 5]


def test_the_limit_within_the_window_gives_up() -> None:
    budget = RestartBudget(RestartPolicy(backoff_s=1, max_restarts=2, window_s=60))
    assert budget.on_death(0) == 1
    assert budget.on_death(10) == 2
    assert budget.on_death(20) is None


def test_deaths_older_than_the_window_no_longer_count() -> None:
    budget = RestartBudget(RestartPolicy(backoff_s=1, max_restarts=2, window_s=60))
    budget.on_death(0)
    budget.on_death(10)
    assert budget.on_death(65) == 2  # the death at 0 left the window; the one at 10 is still in it
    assert budget.restarts == 3


def test_death_cause_names_the_signal() -> None:
    assert death_cause(-9) == "signal 9"
    assert death_cause(2) == "status 2"


def test_a_dead_child_is_restarted_after_its_backoff_and_reported() -> None:
    alive = {"value": True}
    started: list[float] = []
    messages: list[str] = []
    child = Supervised(
        "worker",
        RestartBudget(RestartPolicy(backoff_s=1, max_restarts=5, window_s=600)),
        lambda: None if alive["value"] else "signal 9",
        lambda: (started.append(1.0), alive.update(value=True)),
        messages.append,
    )
    child.check(0.0)
    assert not started
    alive["value"] = False
    child.check(1.0)
    assert child.pending and not started
    child.check(1.5)
    assert not started  # the 1 s backoff has not passed yet
    child.check(2.0)
    assert started and not child.pending
    assert messages[-1] == "worker died (signal 9), restarted (1/5)"


def test_a_child_dying_past_the_limit_ends_the_supervision() -> None:
    child = Supervised(
        "alert service",
        RestartBudget(RestartPolicy(backoff_s=1, max_restarts=1, window_s=600)),
        lambda: "status 1",
        lambda: None,
        lambda _: None,
        "; see alerts.log",
    )
    child.check(0.0)
    child.check(1.0)  # restarted once
    with pytest.raises(SupervisorGaveUp, match=r"alert service died \(status 1\) after 1 restarts.*alerts.log"):
        child.check(2.0)
