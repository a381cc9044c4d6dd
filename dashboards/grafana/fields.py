"""Units and traffic-light thresholds per column, so every panel showing a figure colours it the same.

Compliance and IKM are better when higher; waits, abandonment and complaint rates when lower.
Compliance itself is not coloured: 92% is good against a 90% target and bad against a 95% one, so the
colour goes on `compliance_gap` (compliance - the services' own target), red below 0 and green from 0.
IKM bands are the regulation's grade boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

from grafana_foundation_sdk.builders.dashboard import ThresholdsConfig
from grafana_foundation_sdk.models.dashboard import Threshold, ThresholdsMode

GREEN, YELLOW, ORANGE, RED = "green", "yellow", "orange", "red"


@dataclass(frozen=True)
class FieldStyle:
    """How one column is shown: unit, decimals and (optional) threshold steps (value, colour)."""

    unit: str
    decimals: int | None = None
    steps: tuple[tuple[float | None, str], ...] = ()

    def thresholds(self) -> ThresholdsConfig:
        """The steps as a Grafana thresholds config (base step first)."""
        return (
            ThresholdsConfig()
            .mode(ThresholdsMode.ABSOLUTE)
            .steps([Threshold(value=value, color=color) for value, color in self.steps])
        )


COMPLIANCE = FieldStyle("percentunit", 1)
COMPLIANCE_GAP = FieldStyle("percentunit", 1, ((None, RED), (0.0, GREEN)))
WAIT_MIN = FieldStyle("m", 1, ((None, GREEN), (30.0, YELLOW), (60.0, RED)))
ABANDONMENT = FieldStyle("percentunit", 1, ((None, GREEN), (0.05, YELLOW), (0.10, RED)))
COMPLAINT_RATE = FieldStyle("short", 2, ((None, GREEN), (5.0, YELLOW), (10.0, RED)))
IKM = FieldStyle("none", 2, ((None, RED), (65.0, ORANGE), (76.61, YELLOW), (88.31, GREEN)))
NRR = FieldStyle("none", 3, ((None, RED), (2.6, ORANGE), (3.064, YELLOW), (3.532, GREEN)))
COUNT = FieldStyle("short", 0)
ALARM_COUNT = FieldStyle("short", 0, ((None, GREEN), (1.0, RED)))
SECONDS = FieldStyle("s", 1, ((None, GREEN), (30.0, YELLOW), (300.0, RED)))
RATE = FieldStyle("short", 2)
PLAIN = FieldStyle("none")
LATE_MIN = FieldStyle("m", 1, ((None, GREEN), (5.0, YELLOW), (15.0, RED)))
SHARE = FieldStyle("percentunit", 2, ((None, GREEN), (0.01, YELLOW), (0.05, RED)))
FRESH_MIN = FieldStyle("m", 0, ((None, GREEN), (15.0, YELLOW), (60.0, RED)))

# Column name -> style; columns not listed are shown as they come.
COLUMN_STYLES: dict[str, FieldStyle] = {
    "compliance": COMPLIANCE,
    "compliance_gap": COMPLIANCE_GAP,
    "compliance_change": FieldStyle("percentunit", 1),
    "completed_change": FieldStyle("percentunit", 0),
    "utilisation": FieldStyle("percentunit", 0),
    "idle_hours": FieldStyle("h", 1),
    "walkouts": COUNT,
    "no_shows": COUNT,
    "arrivals": COUNT,
    "abandoned": COUNT,
    "longest_wait_min": WAIT_MIN,
    "target": FieldStyle("percentunit", 0),
    "p50_wait_min": WAIT_MIN,
    "p90_wait_min": WAIT_MIN,
    "p95_wait_min": WAIT_MIN,
    "mean_wait_min": WAIT_MIN,
    "target_wait_min": FieldStyle("m", 0),
    "mean_service_min": FieldStyle("m", 1),
    "abandonment_rate": ABANDONMENT,
    "complaints_per_1000": COMPLAINT_RATE,
    "per_1000": COMPLAINT_RATE,
    "ikm": IKM,
    "nrr": NRR,
    **{f"nrr_u{i}": NRR for i in range(1, 10)},
    "completed": COUNT,
    # Counters short in an hour (needed - open): green when enough, red when short.
    **{f"wd{day}": FieldStyle("short", 0, ((None, GREEN), (1.0, RED))) for day in range(1, 8)},
    # p90 wait per local weekday (the wait heatmap).
    **{f"wait_wd{day}": WAIT_MIN for day in range(1, 8)},
    "tickets": COUNT,
    "complaints": COUNT,
    "respondents": COUNT,
    "respondents_total": COUNT,
    "served": COUNT,
    "min_sample": COUNT,
    "waiting": COUNT,
    "breaches": FieldStyle("short", 0, ((None, GREEN), (1.0, YELLOW), (20.0, RED))),
    "overdue": ALARM_COUNT,
    "unanswered": FieldStyle("short", 0),
    "pungli": ALARM_COUNT,
    "late_openings": FieldStyle("short", 0, ((None, GREEN), (1.0, YELLOW), (3.0, RED))),
    "avg_minutes_late": LATE_MIN,
    "minutes_late": LATE_MIN,
    "queue_jumps": FieldStyle("short", 0, ((None, GREEN), (1.0, YELLOW), (5.0, RED))),
    "minutes_ahead": FieldStyle("m", 1),
    "hours_late": FieldStyle("h", 0),
    "events": COUNT,
    "events_per_s": RATE,
    "p50_lag_s": SECONDS,
    "p95_lag_s": SECONDS,
    "max_lag_s": SECONDS,
    "dead_letters": FieldStyle("short", 0, ((None, GREEN), (1.0, YELLOW), (50.0, RED))),
    "dead_letter_share": SHARE,
    "minutes_since_last_row": FRESH_MIN,
    "rows": COUNT,
    "offices_below_min_sample": ALARM_COUNT,
    "offices": COUNT,
    "rank": FieldStyle("none", 0),
    "queue_jumps_per_1000": FieldStyle("short", 2, ((None, GREEN), (1.0, YELLOW), (5.0, RED))),
    "priority_p50_wait_min": WAIT_MIN,
    "regular_p50_wait_min": WAIT_MIN,
}
