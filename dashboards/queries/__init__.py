"""The SQL behind every panel and report figure, one module per dashboard, shared with `pantau report`.

Each query is a `Query`: its SQL (with `{db}` for the database and the plugin's macros and Grafana
variables left in), whether Grafana should read it as a table or a time series, and the columns it
returns, which the tests hold it to. Everything reads deduplicated rows (FINAL).
"""

from dashboards.queries.model import Query, QueryFormat

__all__ = ["Query", "QueryFormat"]
