"""`pantau replay FILE [--rate R] [--wait]`: send a JSONL or CSV file of events to Kafka.

With --wait it returns only when every event of the file went through the stream worker and the sink
(or was dead-lettered), proven by the consumer groups' committed offsets, and prints reconciled counts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from kafka import TopicPartition
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from pantau.catalog import load_catalog
from pantau.cli.options import BootstrapOption, CatalogOption, ClickHouseUrlOption, build_settings
from pantau.contract import EventValidator
from pantau.errors import PantauError
from pantau.kafka import topics
from pantau.kafka.lag import LagProbe
from pantau.runtime.settle import SettleReport
from pantau.runtime.worker_dead_letters import WorkerDeadLetters
from pantau.secrets import pseudonym_key
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, PublishCounts, create_producer
from producers.replay import ReplayLedger, replay_file

console = Console(stderr=True)


class CountCheckFailed(PantauError):
    """The pipeline caught up, yet ClickHouse does not hold every row of the replay."""


def replay(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="JSONL or .csv file.")],
    rate: Annotated[
        float | None,
        typer.Option("--rate", min=0.001, help="Events per second (default: as fast as Kafka takes them)."),
    ] = None,
    wait: Annotated[
        bool,
        typer.Option("--wait", help="Return only when every event was processed by the worker and landed by the sink."),
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0.1,
            envvar="PANTAU_REPLAY_WAIT_TIMEOUT_S",
            show_envvar=True,
            help="Seconds --wait waits for all stages (default 600); exit status 1 when exceeded.",
            show_default=False,
        ),
    ] = None,
    count_check: Annotated[
        bool,
        typer.Option(
            "--count-check/--no-count-check",
            help="With --wait, also count the replay's rows in ClickHouse (the way `pantau sql` reaches it).",
        ),
    ] = True,
    bootstrap: BootstrapOption = None,
    catalog: CatalogOption = None,
    clickhouse_url: ClickHouseUrlOption = None,
) -> None:
    """Send a file of contract-v1 events to Kafka; invalid lines become dead letters with their reason."""
    settings = build_settings(
        kafka_bootstrap=bootstrap,
        catalog=catalog,
        clickhouse_url=clickhouse_url,
        replay_wait_timeout_s=timeout,
    )
    validator = EventValidator(load_catalog(settings.catalog), settings.future_tolerance)
    source = f"file:{file.name}"
    publisher = EventPublisher(
        create_producer(settings),
        validator,
        settings.topic_prefix,
        source=source,
        max_event_bytes=settings.event_max_bytes,
        pseudonym_key=pseudonym_key(settings),
    )
    prefix = settings.topic_prefix
    events_topic, dead_topic = topics.EVENTS.name(prefix), topics.DEAD_LETTERS.name(prefix)
    probe: LagProbe | None = None
    ledger = ReplayLedger(source, kept_after=events_kept_after(settings)) if wait and count_check else None
    try:
        if wait:
            # Topics are not created here: `pantau worker` creates them, and two creators racing make one
            # fail. A topic that does not exist yet simply has no offsets to start from.
            probe = LagProbe(settings)
            events_before = probe.end_offsets([events_topic])
            dead_before = probe.end_offsets([dead_topic])
        started = time.monotonic()
        with Progress(
            TextColumn("[bold]replay[/] {task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task(file.name, total=file.stat().st_size)
            try:
                counts = replay_file(
                    file, publisher, rate, on_progress=lambda size: progress.advance(task, size), ledger=ledger
                )
            finally:
                publisher.close()
        sent_s = time.monotonic() - started
        print_summary(counts, sent_s)
        if probe is not None:
            events_after = probe.end_offsets([events_topic])
            sent_range = {p: (events_before.get(p, 0), end) for p, end in events_after.items()}
            _wait_and_reconcile(settings, probe, counts, events_after, dead_before, sent_range, ledger)
    finally:
        if probe is not None:
            probe.close()


def _wait_and_reconcile(
    settings: PantauSettings,
    probe: LagProbe,
    counts: PublishCounts,
    events_after: dict[TopicPartition, int],
    dead_before: dict[TopicPartition, int],
    sent_range: dict[TopicPartition, tuple[int, int]],
    ledger: ReplayLedger | None,
) -> None:
    """Wait for the worker, then the sink; print the reconciliation; exit 1 on timeout or missing rows."""
    from pantau.runtime.group_members import GroupMembers
    from pantau.runtime.settle import PipelineNotSettledError, PipelineSettler, Stage, StageNotConsumingError
    from pantau.runtime.worker_dead_letters import count_worker_dead_letters
    from sinks.routes import routed_topics
    from sinks.runner import sink_group
    from streams.app import app_id

    prefix = settings.topic_prefix
    events_topic = topics.EVENTS.name(prefix)
    stages = [
        Stage(
            "stream worker",
            app_id(prefix),
            [events_topic],
            "Is `pantau worker` (or `pantau up`) running with this PANTAU_TOPIC_PREFIX? See its log.",
            "start `pantau up` or `pantau worker` (with this PANTAU_TOPIC_PREFIX)",
        ),
        Stage(
            "ClickHouse sink",
            sink_group(prefix),
            routed_topics(prefix),
            "Is `pantau sink` (or `pantau up`) running with this PANTAU_TOPIC_PREFIX, and ClickHouse reachable?",
            "start `pantau up` or `pantau sink` (with this PANTAU_TOPIC_PREFIX)",
        ),
    ]
    members = GroupMembers(settings)
    settler = PipelineSettler(
        probe, poll_s=settings.replay_wait_poll_s, members=members.count, grace_s=settings.replay_wait_grace_s
    )
    try:
        with console.status("waiting for the pipeline") as status:
            report = settler.wait(
                stages, events_after, settings.replay_wait_timeout_s, on_progress=_WaitProgress(status.update)
            )
    except (PipelineNotSettledError, StageNotConsumingError) as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        members.close()
    refused = count_worker_dead_letters(probe, topics.DEAD_LETTERS.name(prefix), events_topic, dead_before, sent_range)
    print_reconciliation(counts, refused, report)
    if ledger is not None:
        _check_landed(settings, ledger, refused)


class _WaitProgress:
    """The spinner's text after every look, and a plain stderr line every few seconds (seen in logs and pipes too)."""

    def __init__(self, update: Callable[[str], None], every_s: float = 5.0) -> None:
        self._update = update
        self._every_s = every_s
        self._started = time.monotonic()
        self._printed_at = self._started

    def __call__(self, stage: str, left: int, expected: int) -> None:
        text = f"waiting for the {stage}: {expected - left:,}/{expected:,} offsets done, {left:,} to go"
        self._update(text)
        now = time.monotonic()
        if now - self._printed_at >= self._every_s:
            self._printed_at = now
            console.print(f"{text} ({now - self._started:.0f} s)", highlight=False, soft_wrap=True)


def _check_landed(settings: PantauSettings, ledger: ReplayLedger, refused: WorkerDeadLetters) -> None:
    from pantau.clickhouse import target_from_settings
    from pantau.runtime.landed_check import LandedCheckSkipped, count_landed

    out = Console(highlight=False, soft_wrap=True)
    try:
        landed = count_landed(target_from_settings(settings), ledger, refused.count)
    except LandedCheckSkipped as exc:
        out.print("landed: skipped")
        console.print(f"count check skipped: {exc}", highlight=False, soft_wrap=True)
        return
    out.print(
        f"landed: events {landed.events_found}/{landed.events_expected}, "
        f"dead_letters {landed.dead_letters_found}/{landed.dead_letters_expected}"
    )
    if ledger.past_retention:
        out.print(
            f"past_retention: {ledger.past_retention} events occurred more than "
            f"{settings.clickhouse_events_ttl_days} days ago (PANTAU_CLICKHOUSE_EVENTS_TTL_DAYS): their facts are "
            "computed, the raw events are not kept in `events`"
        )
    if not landed.complete:
        raise CountCheckFailed(
            "every stage committed past the replay, but ClickHouse is missing rows of it "
            f"(events {landed.events_found}/{landed.events_expected}, dead letters "
            f"{landed.dead_letters_found}/{landed.dead_letters_expected}); is the sink writing to the "
            "ClickHouse named by PANTAU_CLICKHOUSE_URL?"
        )


def events_kept_after(settings: PantauSettings) -> datetime | None:
    """The oldest occurred_at `events` keeps (its TTL), with an hour's margin for events right at the edge."""
    days = settings.clickhouse_events_ttl_days
    return None if days == 0 else datetime.now(UTC) - timedelta(days=days) + timedelta(hours=1)


def print_summary(counts: PublishCounts, elapsed_s: float) -> None:
    """The reconciled counts on stdout, machine-readable enough for scripts (key: value lines)."""
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"received: {counts.received}")
    out.print(f"sent: {counts.accepted}")
    out.print(f"dead_lettered: {counts.dead_lettered}")
    for reason, count in sorted(counts.reasons.items(), key=lambda item: -item[1]):
        out.print(f"  {count:>8}  {reason}")
    rate = counts.received / elapsed_s if elapsed_s > 0 else 0.0
    out.print(f"elapsed_s: {elapsed_s:.2f} ({rate:,.0f} events/s)")


def print_reconciliation(counts: PublishCounts, refused: WorkerDeadLetters, report: SettleReport) -> None:
    """After --wait: what the worker refused, and received = processed + dead-lettered (replay + worker)."""
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"dead_lettered_by_worker: {refused.count}")
    for reason, count in sorted(refused.reasons.items(), key=lambda item: -item[1]):
        out.print(f"  {count:>8}  {reason}")
    processed = counts.accepted - refused.count
    out.print(f"processed: {processed}")
    balanced = counts.received == processed + counts.dead_lettered + refused.count
    out.print(
        f"reconciled: {'yes' if balanced else 'NO'} (received {counts.received} = processed {processed} + "
        f"dead_lettered {counts.dead_lettered} + dead_lettered_by_worker {refused.count})"
    )
    for stage in report.stages:
        out.print(f"caught_up_s: {stage.name} {stage.seconds:.2f}")
    out.print(f"settled_s: {report.seconds:.2f}")
