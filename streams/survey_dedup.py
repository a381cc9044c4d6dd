"""Survey ids are remembered for a bounded time, so the worker's memory does not grow with every survey.

A survey is counted in IKM once per survey_id; its id stays in `surveys_seen` until the office clock
is `horizon_s` past the survey's own time, then the hourly sweep drops it. A survey that arrives
later than that could be a duplicate of one already forgotten, so it is not counted: its row still
lands in `surveys` (one row per id there), and a `late_survey` signal says IKM left it out. Nothing
is ever counted twice, and the store holds about `horizon_s` worth of surveys.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pantau.contract import SurveySubmitted
from streams.signals import LATE_SURVEY, signal_output
from streams.state import OfficeClock, Output, Stores


class SurveyDedup:
    """When a survey id can be forgotten, and what to do with a survey older than that."""

    def __init__(self, horizon_s: float) -> None:
        self._horizon = timedelta(seconds=horizon_s)

    def too_old_to_check(self, event: SurveySubmitted, office_now: datetime) -> bool:
        """Whether its id, if it had been seen, may already have been forgotten."""
        return office_now - event.occurred_at > self._horizon

    def forget_later(self, event: SurveySubmitted, clock: OfficeClock, stores: Stores) -> None:
        """Book the id's removal at the first sweep past the horizon."""
        key = f"{event.office_id}|{event.survey_id}"
        clock.schedule(stores.sweep, event.occurred_at + self._horizon, "surveys", key)

    def late_survey(self, event: SurveySubmitted, office_now: datetime) -> Output:
        """The signal of a survey IKM leaves out: its age and the horizon, in seconds."""
        return signal_output(
            f"{LATE_SURVEY}:{event.office_id}:{event.survey_id}",
            LATE_SURVEY,
            event.office_id,
            event.survey_id,
            office_now,
            1,
            service_code=event.service_code,
            subject_id=event.survey_id,
            value=(office_now - event.occurred_at).total_seconds(),
            threshold=self._horizon.total_seconds(),
            severity="info",
            detail="older than the survey dedup horizon: not counted in IKM",
        )
