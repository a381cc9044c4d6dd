"""A realistic, seeded simulator of service offices: queues, counters, complaints and surveys."""

from producers.simulation.engine import simulate
from producers.simulation.options import SimulatedRecord, SimulationOptions

__all__ = ["SimulatedRecord", "SimulationOptions", "simulate"]
