"""Pantau: event-driven performance monitoring for Indonesian public service offices.

This package is the shared core that producers/, streams/, sinks/ and dashboards/ build on:
settings, the event contract, the service catalog, the ClickHouse client factory, the local
Kafka launcher and the `pantau` command line.
"""

__version__ = "0.1.0"
