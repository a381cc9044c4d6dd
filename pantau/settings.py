"""Pantau's configuration: one typed object, read from flags, then `PANTAU_*` environment, then defaults.

Build it in `main()` (or a test) with `PantauSettings()`; nothing reads settings at import time.
Secrets (the ClickHouse URL may carry a password) are `SecretStr`, so they never appear in logs or
reprs.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CLICKHOUSE_URL = "chdb://./.pantau/clickhouse"
LOCAL_KAFKA_HOST = "localhost"


class PantauSettings(BaseSettings):
    """Every setting of Pantau; each field's env name is `PANTAU_<FIELD>` unless noted."""

    model_config = SettingsConfigDict(env_prefix="PANTAU_", extra="ignore", populate_by_name=True)

    kafka_bootstrap: str | None = Field(
        default=None,
        validation_alias=AliasChoices("PANTAU_KAFKA_BOOTSTRAP", "KAFKA_BOOTSTRAP", "kafka_bootstrap"),
        description="Use this Kafka cluster and start nothing (env PANTAU_KAFKA_BOOTSTRAP or KAFKA_BOOTSTRAP).",
    )
    kafka_port: int = Field(default=9092, description="Port of the local broker started on demand.")
    kafka_controller_port: int = Field(default=9093, description="KRaft controller port of the local broker.")
    kafka_partitions: int = Field(default=6, ge=1, description="Partitions of each Pantau topic.")
    kafka_home: Path = Field(
        default=Path(".pantau/kafka"), description="Where the local broker keeps its jars, data and logs."
    )
    kafka_heap: str = Field(default="768m", description="Maximum Java heap of the local broker.")
    kafka_start_timeout_s: float = Field(default=120.0, gt=0)
    kafka_connect_timeout_s: float = Field(
        default=10.0, gt=0, description="How long clients try to reach the cluster before giving up."
    )
    topic_prefix: str = Field(default="pantau", description="Prefix of every Pantau topic name.")
    kafka_security_protocol: str = Field(default="PLAINTEXT", description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.")
    kafka_sasl_mechanism: str | None = Field(default=None, description="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.")
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = Field(default=None, description="CA bundle to verify the brokers with.")

    clickhouse_url: SecretStr = Field(
        default=SecretStr(DEFAULT_CLICKHOUSE_URL),
        description="chdb://PATH (embedded) or http(s)://user:pass@host:port/db (server).",
    )
    gateway_host: str = Field(default="127.0.0.1", description="Address the ingestion gateway listens on.")
    gateway_port: int = Field(default=8088, description="Port of the ingestion gateway.")
    gateway_keys_file: Path | None = Field(
        default=None, description="YAML of office_id: key (or sha256:<hex> of the key) for the gateway."
    )
    gateway_max_body_bytes: int = Field(default=1024 * 1024, gt=0, description="Largest request body accepted.")
    gateway_max_batch: int = Field(default=1000, gt=0, description="Most events in one request.")
    gateway_rate_per_s: float = Field(default=200.0, gt=0, description="Sustained events per second per office.")
    gateway_burst: int = Field(default=2000, gt=0, description="Events an office may send at once above the rate.")

    staffing_weeks: int = Field(default=4, ge=1, description="Weeks of tickets the staffing advice is computed from.")
    staffing_refresh_min: float = Field(
        default=60.0, ge=0, description="How often `pantau up` refreshes the staffing advice (minutes; 0: never)."
    )

    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="Key of the NIK pseudonyms (HMAC); unset: a random key kept in .pantau/pseudonym.key.",
    )
    pseudonym_key_rotation: bool = Field(
        default=False,
        description="Start with a pseudonym key other than the one the stored data used (new pseudonyms from now on).",
    )
    event_max_bytes: int = Field(
        default=64 * 1024,
        gt=0,
        description="Largest single event the replay and the gateway send; a larger one is a too_large dead letter.",
    )
    future_tolerance_min: float = Field(
        default=10.0,
        ge=0,
        description="An event that occurred more than this after it was received is an occurred_in_future dead letter.",
    )
    state_dir: Path = Field(default=Path(".pantau"), description="Where local state (keys, sockets) is kept.")
    sink_max_batch: int = Field(default=5000, gt=0, description="Most messages per ClickHouse insert batch.")
    sink_max_wait_s: float = Field(
        default=0.5, gt=0, description="How long a sink batch may fill after its first message (adds to latency)."
    )

    stream_guarantee: str = Field(
        default="at_least_once",
        description=(
            "Faust processing guarantee: at_least_once (with the worker's batch checkpoints: exact results) "
            "or exactly_once (slower, and Faust 0.15.3 misbehaves with it on rebalances; see streams/README.md)."
        ),
    )

    stream_session_timeout_s: float = Field(
        default=15.0,
        gt=0,
        description="How long the broker waits for a silent worker before handing its partitions to another.",
    )
    stream_commit_interval_s: float = Field(
        default=2.8, gt=0, description="How often the stream worker commits offsets (events redone after a crash)."
    )
    stream_flush_interval_s: float = Field(
        default=1.0,
        gt=0,
        description="How often the worker writes its changed state and trims its batch checkpoints (seconds).",
    )
    stream_batch_max_events: int = Field(
        default=500,
        gt=0,
        description="Most events the worker takes as one batch (one checkpoint per partition per batch).",
    )
    stream_batch_max_wait_s: float = Field(
        default=0.1,
        gt=0,
        description="Longest the worker waits to fill a batch before processing what it has (adds to latency).",
    )
    stream_gc_freeze: bool = Field(
        default=True,
        description=(
            "Freeze the Python cycle collector's generations once a second, so its full collections do not walk "
            "the whole state and pause the worker for longer as it grows (streams/gc_policy.py)."
        ),
    )
    stream_offset_guard_s: float = Field(
        default=5.0, gt=0, description="How often the worker looks for messages Faust skipped after a rebalance."
    )
    stream_log_level: str = Field(
        default="WARN", description="Log level of the stream worker (Faust): DEBUG, INFO, WARN."
    )

    catalog: Path | None = Field(default=None, description="Service catalog YAML; the shipped one if unset.")

    # --- dashboards and report (issue #6) -------------------------------------------------------------
    grafana_url: str = Field(default="http://localhost:3000", description="Grafana that `dashboards push` targets.")
    grafana_token: SecretStr | None = Field(
        default=None, description="Grafana service account token (Editor role) for `dashboards push`."
    )
    dashboards_lang: str = Field(default="id", description="Language of dashboard and report labels: id or en.")
    dashboards_min_tickets: int = Field(
        default=30,
        ge=1,
        description="Completed services in the range below which an office is flagged and left out of rankings.",
    )
    report_timezone: str = Field(
        default="Asia/Jakarta", description="Time zone whose midnights bound a report period (IKM uses each office's)."
    )
    chromium: Path | None = Field(
        default=None, description="Chromium binary that prints `report --out x.pdf`; /usr/bin/chromium if unset."
    )
    # --- end dashboards and report -------------------------------------------------------------------

    # --- alerting (issue #7) -------------------------------------------------------------------------
    alert_rules: Path | None = Field(default=None, description="Alert rules YAML; the shipped defaults if unset.")
    alert_oncall: Path | None = Field(
        default=None, description="On-call schedule YAML (see alerting/oncall.example.yaml); unset: nobody is paged."
    )
    alert_dashboard_url: str | None = Field(
        default=None, description="Grafana base URL put in alert messages; PANTAU_GRAFANA_URL if unset."
    )
    alert_command_wait_s: float = Field(
        default=15.0, gt=0, description="How long `alerts ack|resolve` waits for the alert service to carry it out."
    )
    alert_webhook_url: str | None = Field(default=None, description="Webhook that receives every notification.")
    alert_webhook_secret: SecretStr | None = Field(default=None, description="HMAC-SHA256 key signing webhooks.")
    alert_telegram_token: SecretStr | None = Field(default=None, description="Telegram bot token; unset: no Telegram.")
    alert_telegram_api_url: str = Field(default="https://api.telegram.org", description="Telegram Bot API base URL.")
    alert_smtp_host: str | None = Field(default=None, description="SMTP server for alert e-mail; unset: no e-mail.")
    alert_smtp_port: int = Field(default=25, description="SMTP port (587 with STARTTLS, 465 with TLS).")
    alert_smtp_username: str | None = None
    alert_smtp_password: SecretStr | None = None
    alert_smtp_sender: str = Field(default="pantau@localhost", description="From address of alert e-mail.")
    alert_smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    alert_smtp_tls: bool = Field(default=False, description="Implicit TLS (SMTPS, usually port 465).")
    alert_tick_s: float = Field(default=1.0, gt=0, description="How often the alert service evaluates its rules.")
    alert_live: bool = Field(
        default=True, description="Advance office time with the wall clock (false: event time only, for replays)."
    )
    alert_lookback_h: float = Field(
        default=12.0, ge=0, description="Hours of events re-read at start to rebuild queues and counters."
    )
    alert_delivery_attempts: int = Field(default=4, ge=1, description="Tries per channel and contact.")
    alert_delivery_backoff_s: float = Field(default=0.5, gt=0, description="First retry delay; doubles each time.")
    # --- end alerting --------------------------------------------------------------------------------

    # --- sink and replay (issue #5) ---
    clickhouse_events_ttl_days: int = Field(
        default=400, ge=0, description="Days raw events are kept in `events` (by occurred_at); 0 keeps them forever."
    )
    clickhouse_dead_letters_ttl_days: int = Field(
        default=30,
        ge=0,
        description="Days refused input is kept in `dead_letters` (from when it was stored); 0 keeps it forever.",
    )
    replay_wait_timeout_s: float = Field(
        default=600.0, gt=0, description="How long `pantau replay --wait` waits for every stage to catch up."
    )
    replay_wait_poll_s: float = Field(default=0.5, gt=0, description="How often `replay --wait` reads consumer lag.")
    # --- end sink and replay -------------------------------------------------------------------------

    # --- scale (issue #8) ---------------------------------------------------------------------------
    clickhouse_cluster: str | None = Field(
        default=None,
        description="ClickHouse cluster name: migrations run ON CLUSTER it with Replicated* engines (docs/scaling.md).",
    )
    # --- end scale -----------------------------------------------------------------------------------

    # --- streams (issue #4) ---
    stream_ticket_ttl_h: float = Field(
        default=24.0,
        gt=0,
        description="Office event-time hours without news after which a ticket leaves the queue (ticket_expired).",
    )
    stream_late_horizon_days: float = Field(
        default=7.0,
        gt=0,
        description=(
            "How long (office event time) windows take late facts and ticket states and event ids are kept; "
            "later facts still land in tickets and are counted in a late_event signal."
        ),
    )
    stream_complaint_keep_days: float = Field(
        default=30.0, gt=0, description="How long (office event time) a resolved complaint stays in the worker's state."
    )
    stream_jump_tolerance_s: float = Field(
        default=5.0, ge=0, description="A skipped ticket taken within this of a call is not a queue jump."
    )
    stream_queue_track_h: float = Field(
        default=4.0, gt=0, description="Longest wait the queue-jump detector follows; older tickets are forgotten."
    )
    stream_opening_grace_min: float = Field(
        default=5.0, ge=0, description="Minutes after the scheduled opening before a counter opening is late."
    )
    stream_burn_page: float = Field(default=6.0, gt=0, description="Burn rate of a page-level compliance signal.")
    stream_burn_warn: float = Field(default=3.0, gt=0, description="Burn rate of a warn-level compliance signal.")
    stream_burn_min_long_volume: int = Field(
        default=10, ge=1, description="Tickets with a wait in the last hour needed before any compliance signal."
    )
    stream_burn_min_short_volume: int = Field(
        default=2, ge=1, description="Tickets with a wait in the last 5 minutes needed to confirm a burn."
    )
    stream_live_tick_s: float = Field(
        default=5.0, ge=0, description="How often the wall-clock timer looks for live breaches; 0 turns it off."
    )
    stream_live_max_ahead_s: float = Field(
        default=900.0,
        ge=0,
        description=(
            "An office is live (judged by the wall clock) while its latest event arrived within this of occurring; "
            "offices fed history (replays, backfills) are judged by their event clock only."
        ),
    )
    stream_survey_dedup_days: float = Field(
        default=7.0,
        gt=0,
        description=(
            "How long (office event time) a survey id is remembered to drop duplicates; an older survey "
            "is not counted in IKM (a late_survey signal says so), so the worker's memory stays bounded."
        ),
    )
    # --- end streams ---------------------------------------------------------------------------------

    # --- supervision of `pantau up` (issue #18) --------------------------------------------------------
    supervisor_backoff_s: float = Field(
        default=1.0, gt=0, description="First wait before `pantau up` restarts a dead worker, sink or alert service."
    )
    supervisor_backoff_max_s: float = Field(
        default=30.0, gt=0, description="Longest wait between restarts (the wait doubles per restart in the window)."
    )
    supervisor_max_restarts: int = Field(
        default=5, ge=0, description="Restarts allowed per child within PANTAU_SUPERVISOR_WINDOW_S before up gives up."
    )
    supervisor_window_s: float = Field(
        default=600.0, gt=0, description="Window (seconds) in which PANTAU_SUPERVISOR_MAX_RESTARTS is counted."
    )
    replay_wait_grace_s: float = Field(
        default=20.0,
        gt=0,
        description="`replay --wait` gives up (exit 1) when no consumer of a stage has members or moved for this long.",
    )
    # --- end supervision -----------------------------------------------------------------------------

    @property
    def future_tolerance(self) -> timedelta:
        """`future_tolerance_min` as the validator takes it."""
        return timedelta(minutes=self.future_tolerance_min)

    @property
    def uses_external_kafka(self) -> bool:
        """True when a cluster was configured, so Pantau must not start a local broker."""
        return bool(self.kafka_bootstrap)

    @property
    def bootstrap_servers(self) -> str:
        """The address clients connect to: the configured cluster or the local broker."""
        return self.kafka_bootstrap or f"{LOCAL_KAFKA_HOST}:{self.kafka_port}"
