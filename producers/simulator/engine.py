"""The simulation's main loop: day by day, every office's events merged into one time-ordered stream.

Memory holds one simulated day (plus complaint follow-ups due later), whatever the number of days:
after each local day has been generated for every office, every event earlier than the start of the
next local day in the easternmost office's zone is final and is yielded, because nothing generated
later can happen before that instant. Ties in time keep generation order, which is causal order.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from datetime import date, timedelta
from operator import itemgetter

from pantau.catalog import Catalog
from producers.simulator.clock import to_ms, utc_datetime
from producers.simulator.delivery import deliver
from producers.simulator.encoding import run_tag
from producers.simulator.invalid import InvalidLines
from producers.simulator.office_day import office_day_events
from producers.simulator.options import SimulatedRecord, SimulationOptions, check_options
from producers.simulator.profiles import OfficeProfile, build_profiles
from producers.simulator.seeding import derived_random

_TIME = itemgetter(0)


def simulate(catalog: Catalog, options: SimulationOptions) -> Iterator[SimulatedRecord]:
    """Stream the run's records in delivery order; the same options give the same bytes.

    Raises ValueError at once (not on first iteration) when the options do not fit the catalog.
    """
    check_options(options, len(catalog.offices))
    staffing = {(office, service): counters for office, service, counters in options.staffing}
    profiles = build_profiles(catalog, options.seed, options.offices, staffing)
    ordered = in_time_order(profiles, options)
    if not (options.out_of_order or options.duplicates or options.invalid):
        return ordered
    services = {profile.office.id: profile.office.services for profile in profiles}
    invalid_lines = InvalidLines(derived_random(options.seed, "invalid"), services, set(catalog.services_by_code))
    return deliver(
        ordered,
        derived_random(options.seed, "delivery"),
        invalid_lines,
        out_of_order=options.out_of_order,
        duplicates=options.duplicates,
        invalid=options.invalid,
    )


def in_time_order(profiles: list[OfficeProfile], options: SimulationOptions) -> Iterator[SimulatedRecord]:
    """Every office's events, sorted by occurred_at, generated one local day at a time."""
    last_day = options.start + timedelta(days=options.days - 1)
    tag = run_tag(options.seed, options.run_id)
    # Events after the last simulated local day (late complaints, follow-ups) did not happen yet.
    ends = [to_ms(profile.calendar.local_midnight_after(last_day)) for profile in profiles]
    pending: list[tuple[int, str, bytes]] = []  # (epoch ms, office_id, payload), in generation order
    for offset in range(options.days):
        day = options.start + timedelta(days=offset)
        for profile, end in zip(profiles, ends, strict=True):
            lines = office_day_events(profile, day, options.seed, tag)
            if lines:
                pending += [line for line in lines if line[0] < end]
        # The sort is stable, so events at the same millisecond keep generation order, which is
        # causal order; timsort merges the already-sorted runs (leftovers, each queue's events).
        pending.sort(key=_TIME)
        split = bisect.bisect_left(pending, to_ms(_end_of_day(profiles, day)), key=_TIME)
        for ms, key, payload in pending[:split]:
            yield SimulatedRecord(key, payload, utc_datetime(ms))
        del pending[:split]
    for ms, key, payload in pending:
        yield SimulatedRecord(key, payload, utc_datetime(ms))


def _end_of_day(profiles: list[OfficeProfile], day: date) -> float:
    """When `day` ends in the easternmost office: nothing generated for later days happens before it."""
    return min(profile.calendar.local_midnight_after(day) for profile in profiles)
