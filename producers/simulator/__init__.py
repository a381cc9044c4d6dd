"""A realistic, seeded simulator of Indonesian public service offices (pure Python, no Kafka).

`simulate(catalog, options)` streams contract-v1 events in delivery order: each office in its own
time zone and hours, closed on weekends and holidays; queues with a morning peak, priority groups,
rare queue jumps and abandonment; counters opening (some late), breaking and closing; complaints and
SKM surveys that follow the service citizens got. Module map:

- options: SimulationOptions and SimulatedRecord, the public value types
- seeding: derived random streams, evenly spread office flags, weighted picks
- clock: epoch-second arithmetic and RFC 3339 local timestamps with milliseconds
- calendar: open days (weekly hours minus holidays and cuti bersama), working-day arithmetic
- profiles: each office's size, counters, load, staffing, punctuality, courtesy
- arrivals: the daily arrival shape and the non-homogeneous Poisson issue times
- counters: the day's counter plans (late openings, lunch breaks, officers)
- queueing: tickets and one service queue's day (calls, service, abandonment, drain)
- surveys, complaints, complaint_texts: what citizens say afterwards
- encoding: contract-v1 JSON lines and event ids
- office_day: one office's day, all of the above together
- invalid, delivery: dead-letter lines and delivery noise (late, duplicate)
- engine: the day-by-day merge into one stream
"""

from producers.simulator.engine import simulate
from producers.simulator.options import SimulatedRecord, SimulationOptions

__all__ = ["SimulatedRecord", "SimulationOptions", "simulate"]
