"""The stream worker's tunables, as one frozen object the processor is built with.

Kept apart from `PantauSettings` so the pure processor and its tests need no environment: the worker
builds it with `StreamOptions.from_settings`, tests use the defaults or `dataclasses.replace`.
Defaults equal the settings' defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pantau.settings import PantauSettings
from streams.logic.sla import BurnRatePolicy

DEFAULT_BURN = BurnRatePolicy(page_burn=6.0, warn_burn=3.0, min_long_volume=10, min_short_volume=2)
"""The alert rules' burn-rate numbers (alerting/default_rules.yaml), so signals and alerts agree."""


@dataclass(frozen=True)
class StreamOptions:
    """Expiry, lateness and signal thresholds; every figure is office event time unless named wall clock."""

    ticket_ttl_s: float = 24 * 3600.0
    """A ticket without news this long leaves the queue (ticket_expired if it never got a row); its state stays."""
    late_horizon_s: float = 7 * 86400.0
    """Windows take late facts, ticket states and event ids are kept, this long after the clock passed them."""
    complaint_keep_s: float = 30 * 86400.0
    """A resolved complaint's state is kept this long after its resolution."""
    future_tolerance_s: float = 600.0
    """An event that occurred more than this after its receipt is an occurred_in_future dead letter."""
    jump_tolerance_s: float = 5.0
    queue_track_s: float = 4 * 3600.0
    opening_grace_s: float = 300.0
    burn: BurnRatePolicy = DEFAULT_BURN
    live_max_ahead_s: float = 900.0
    survey_dedup_s: float = 7 * 86400.0

    @classmethod
    def from_settings(cls, settings: PantauSettings) -> StreamOptions:
        """The options of the `# --- streams (issue #4) ---` block of the settings."""
        return cls(
            ticket_ttl_s=settings.stream_ticket_ttl_h * 3600.0,
            late_horizon_s=settings.stream_late_horizon_days * 86400.0,
            complaint_keep_s=settings.stream_complaint_keep_days * 86400.0,
            future_tolerance_s=settings.future_tolerance_min * 60.0,
            jump_tolerance_s=settings.stream_jump_tolerance_s,
            queue_track_s=settings.stream_queue_track_h * 3600.0,
            opening_grace_s=settings.stream_opening_grace_min * 60.0,
            live_max_ahead_s=settings.stream_live_max_ahead_s,
            survey_dedup_s=settings.stream_survey_dedup_days * 86400.0,
            burn=BurnRatePolicy(
                page_burn=settings.stream_burn_page,
                warn_burn=settings.stream_burn_warn,
                min_long_volume=settings.stream_burn_min_long_volume,
                min_short_volume=settings.stream_burn_min_short_volume,
            ),
        )


def worker_datadir(settings: PantauSettings, app_id: str) -> Path:
    """Faust's data directory for the worker: `<state dir>/streams/<app id>`, its parent created here.

    Faust's default is `<app id>-data` in the working directory, an empty folder (the tables live in
    memory) left wherever a worker ran: the repository root after every test run. Faust creates only
    the last part of the path itself (mkdir without parents), hence the parent here.
    """
    parent = settings.state_dir / "streams"
    parent.mkdir(parents=True, exist_ok=True)
    return parent / app_id
