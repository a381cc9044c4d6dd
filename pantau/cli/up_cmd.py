"""`pantau up`: the main job on the embedded defaults, stopped cleanly with Ctrl-C."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.live import Live

from pantau.catalog import load_catalog
from pantau.cli.kafka_cmd import local_broker, start_kafka
from pantau.cli.options import (
    SIMULATED_OFFICES,
    CatalogOption,
    ClickHouseUrlOption,
    LaunchingBootstrapOption,
    build_settings,
)
from pantau.cli.staffing_cmd import REFRESH_COMMAND, refresh_command
from pantau.clickhouse import EmbeddedTarget, apply_migrations, clickhouse_session, open_client, target_from_settings
from pantau.clickhouse.catalog_sync import sync_catalog
from pantau.clickhouse.pseudonym_keys import describe_key_check, verify_pseudonym_key
from pantau.clickhouse.query_socket import QueryServer
from pantau.contract import EventValidator
from pantau.errors import PantauError
from pantau.kafka.lag import LagProbe
from pantau.runtime.alerts_process import AlertsProcess
from pantau.runtime.staffing_schedule import StaffingSchedule
from pantau.runtime.status import StatusSampler
from pantau.runtime.supervised import Supervised
from pantau.runtime.supervisor import RestartBudget, RestartPolicy, death_cause
from pantau.runtime.worker_process import WorkerProcess
from pantau.secrets import pseudonym_key
from pantau.settings import PantauSettings

if TYPE_CHECKING:
    from pantau.runtime.feeders import NewestTime, SinkThread


def up(
    simulate: Annotated[bool, typer.Option("--simulate", help="Feed simulated offices live.")] = False,
    offices: Annotated[int, typer.Option(min=1, help="Simulated offices (with --simulate).")] = SIMULATED_OFFICES,
    speed: Annotated[float, typer.Option(min=0.01, help="Simulated clock speed-up (with --simulate).")] = 60.0,
    seed: Annotated[int, typer.Option(help="Simulation seed (with --simulate).")] = 1,
    bootstrap: LaunchingBootstrapOption = None,
    clickhouse_url: ClickHouseUrlOption = None,
    catalog: CatalogOption = None,
    alerts: Annotated[
        bool, typer.Option("--alerts/--no-alerts", help="Run the alert service (`pantau alerts run`) too.")
    ] = True,
) -> None:
    """Start Kafka (unless configured), migrate ClickHouse, run the stream worker, the sink and the alert service.

    With --simulate, simulated offices are fed live. Ctrl-C stops everything this command started.
    """
    from pantau.runtime.feeders import NewestTime, PublishingThread, SinkThread
    from producers.publisher import EventPublisher, create_producer
    from sinks.runner import build_sink

    settings = build_settings(kafka_bootstrap=bootstrap, clickhouse_url=clickhouse_url, catalog=catalog)
    console = Console(stderr=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    started_broker = not settings.uses_external_kafka and not local_broker(settings).status().running
    start_kafka(settings)
    console.print(f"Kafka: {settings.bootstrap_servers}" + (" (started)" if started_broker else ""))
    target = target_from_settings(settings)
    loaded_catalog = load_catalog(settings.catalog)
    threads: list[threading.Thread] = []
    query_server: QueryServer | None = None
    key = pseudonym_key(settings)
    worker = WorkerProcess(settings, settings.state_dir / "logs" / "worker.log", {"PANTAU_PSEUDONYM_KEY": key.decode()})
    alerter = AlertsProcess(settings, settings.state_dir / "logs" / "alerts.log") if alerts else None
    sink_box: list[SinkThread] = []
    clock = NewestTime() if simulate else None
    probe = LagProbe(settings)
    sampler = _sampler(probe, settings.topic_prefix)
    sampler.start()  # counts on the status line are this run's, not the topics' whole history
    try:
        with clickhouse_session(target) as client:
            apply_migrations(client, target.database, cluster=settings.clickhouse_cluster)
            sync_catalog(client, target.database, loaded_catalog)
            # Before anything pseudonymizes: a worker started with another key would split histories.
            check = verify_pseudonym_key(client, target.database, key, settings.pseudonym_key_rotation)
            if (news := describe_key_check(check)) is not None:
                console.print(news)
            worker.start()
            console.print(f"Stream worker: pid {worker.pid}, log {settings.state_dir / 'logs' / 'worker.log'}")
            if alerter is not None:
                alerter.start()
                console.print(f"Alert service: pid {alerter.pid}, log {settings.state_dir / 'logs' / 'alerts.log'}")
            if isinstance(target, EmbeddedTarget):
                # `pantau staffing` while this holds the store: the refresh runs on this engine.
                commands = {REFRESH_COMMAND: refresh_command(target.database, settings.staffing_weeks)}
                query_server = QueryServer(open_client(target), target.path, commands)
                query_server.start()
            if settings.staffing_refresh_min > 0:
                weeks, every_s = settings.staffing_weeks, settings.staffing_refresh_min * 60
                schedule = StaffingSchedule(open_client(target), target.database, weeks, every_s, stop)
                schedule.start()
                threads.append(schedule)
            console.print(f"ClickHouse: {target.describe()} (pantau sql works while this runs)")

            def start_sink() -> None:
                sink_box[:] = [SinkThread(build_sink(settings, open_client(target), target.database), stop)]
                sink_box[0].start()

            start_sink()
            if simulate:
                from pantau.cli.simulate_cmd import pace
                from producers.simulator import SimulationOptions
                from producers.simulator import simulate as simulate_events

                # From yesterday: the simulated clock replays it at --speed, then runs in step with the
                # wall clock (pace), so the main job flows for hours and its live alerts mean something.
                yesterday = date.today() - timedelta(days=1)
                options = SimulationOptions(offices=offices, days=365, seed=seed, start=yesterday)
                assert clock is not None
                records = clock.passing(pace(simulate_events(loaded_catalog, options), speed, sleep=stop.wait))
                publisher = EventPublisher(
                    create_producer(settings),
                    EventValidator(loaded_catalog, settings.future_tolerance),
                    settings.topic_prefix,
                    source=f"simulator:seed={seed}",
                    pseudonym_key=key,
                )
                feeder = PublishingThread(records, publisher, stop)
                feeder.start()
                threads.append(feeder)
                console.print(
                    f"Simulating {offices} offices from {options.start}: {speed:g}x real time until now, then live"
                )
            notes: list[str] = []
            children = _supervised(settings, console, worker, alerter, sink_box, start_sink, notes)
            _watch(sampler, stop, console, children, clock, notes)
    finally:
        stop.set()
        probe.close()
        for sink_thread in sink_box:
            sink_thread.join(timeout=30)
            if sink_thread.error is None:
                sink_thread.sink.close()
        if alerter is not None:
            alerter.stop()
        worker.stop()
        for thread in threads:
            thread.join(timeout=30)
        if query_server is not None:
            query_server.stop()
        if started_broker:
            local_broker(settings).stop()
            console.print("Kafka stopped.")
    for thread in threads:
        error = getattr(thread, "error", None)
        if error is not None:
            raise error if isinstance(error, PantauError) else PantauError(f"{thread.name} failed: {error}")


def _sampler(probe: LagProbe, prefix: str) -> StatusSampler:
    from sinks.routes import routed_topics
    from sinks.runner import sink_group
    from streams.app import app_id

    return StatusSampler(probe, prefix, app_id(prefix), sink_group(prefix), routed_topics(prefix))


def _supervised(
    settings: PantauSettings,
    console: Console,
    worker: WorkerProcess,
    alerter: AlertsProcess | None,
    sink_box: list[SinkThread],
    start_sink: Callable[[], None],
    notes: list[str],
) -> list[Supervised]:
    """The worker, the alert service and the sink thread, each restarted under the policy of the settings."""
    policy = RestartPolicy(
        settings.supervisor_backoff_s,
        settings.supervisor_backoff_max_s,
        settings.supervisor_max_restarts,
        settings.supervisor_window_s,
    )
    logs = settings.state_dir / "logs"

    def report(message: str) -> None:
        # stderr is `up`'s log (the status line repeats the latest message); not also through logging,
        # whose handler writes to the same stderr.
        console.print(f"{datetime.now().astimezone():%H:%M:%S} {message}", highlight=False, soft_wrap=True)
        notes[:] = [message]

    def process_death(process: WorkerProcess) -> Callable[[], str | None]:
        return lambda: None if process.exit_code is None else death_cause(process.exit_code)

    def sink_death() -> str | None:
        thread = sink_box[0]
        if thread.is_alive():
            return None
        return f"{type(thread.error).__name__}: {thread.error}" if thread.error is not None else "its thread ended"

    children = [
        Supervised("worker", RestartBudget(policy), process_death(worker), worker.start, report,
                   f"; see {logs / 'worker.log'}"),
        Supervised("sink", RestartBudget(policy), sink_death, start_sink, report, "; see the messages above"),
    ]  # fmt: skip
    if alerter is not None:
        children.append(
            Supervised("alert service", RestartBudget(policy), process_death(alerter), alerter.start, report,
                       f"; see {logs / 'alerts.log'} (or run `pantau up --no-alerts`)")
        )  # fmt: skip
    return children


def _watch(
    sampler: StatusSampler,
    stop: threading.Event,
    console: Console,
    children: list[Supervised],
    clock: NewestTime | None = None,
    notes: list[str] | None = None,
) -> None:
    """Refresh the status line every 2 s until stopped; a dead child is restarted under the policy."""
    with Live(console=console, refresh_per_second=1, transient=False) as live:
        while not stop.is_set():
            for child in children:
                child.check(time.monotonic())  # SupervisorGaveUp ends `up` (exit status 2, the message)
            restarts = {child.name: child.restarts for child in children}
            note = notes[-1] if notes else None
            live.update(sampler.sample(None if clock is None else clock.value, restarts, note).line())
            stop.wait(1.0 if any(child.pending for child in children) else 2.0)
