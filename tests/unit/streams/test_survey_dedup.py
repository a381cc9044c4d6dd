"""Survey ids leave the state after the dedup horizon, and nothing is ever counted twice in IKM."""

from __future__ import annotations

from datetime import timedelta

from pantau.kafka import topics
from streams.processor import StreamOptions
from tests.unit.streams.factories import OFFICE, at, event, issued
from tests.unit.streams.processing import Run, rows

DAY_MIN = 24 * 60
SCORES = {f"u{index}": 4 for index in range(1, 10)}


def survey(survey_id: str, minutes: float, event_id: str | None = None) -> object:
    return event(
        "survey.submitted",
        event_id or f"{survey_id}-e",
        at(minutes),
        survey_id=survey_id,
        service_code="KTP",
        scores=SCORES,
    )


def respondents(run: Run) -> int:
    month = [row for row in rows(run.outputs, topics.IKM) if row["period_kind"] == "month"]
    return int(month[-1]["respondents"])


def test_a_duplicate_within_the_horizon_is_counted_once() -> None:
    run = Run(StreamOptions(survey_dedup_s=2 * 86400.0))
    run.feed(survey("S1", 0), survey("S1", 0, event_id="S1-again"))
    assert respondents(run) == 1


def test_a_survey_id_is_forgotten_once_the_office_clock_is_past_the_horizon() -> None:
    run = Run(StreamOptions(survey_dedup_s=2 * 86400.0))
    run.feed(survey("S1", 0))
    assert f"{OFFICE}|S1" in run.stores.surveys_seen
    run.feed(issued("T1", DAY_MIN))  # one day later: still remembered
    assert f"{OFFICE}|S1" in run.stores.surveys_seen
    run.feed(issued("T2", 3 * DAY_MIN))  # three days later: the sweep dropped it
    assert f"{OFFICE}|S1" not in run.stores.surveys_seen


def test_a_survey_older_than_the_horizon_is_not_counted_and_says_so() -> None:
    run = Run(StreamOptions(survey_dedup_s=2 * 86400.0))
    run.feed(survey("S1", 0), issued("T2", 3 * DAY_MIN))
    before = respondents(run)
    produced = run.feed(survey("S1", 0, event_id="S1-replayed"), survey("S0", -60))
    assert respondents(run) == before == 1, "the forgotten S1 and the old S0 are both left out of IKM"
    late = rows(produced, topics.SIGNALS, kind="late_survey")
    assert [row["subject_id"] for row in late] == ["S1", "S0"]
    assert late[0]["value"] == timedelta(days=3).total_seconds() and late[0]["threshold"] == 2 * 86400.0
    assert [row["survey_id"] for row in rows(produced, topics.SURVEYS)] == ["S1", "S0"], "the rows still land"
