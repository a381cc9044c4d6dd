"""The template variables' queries: region -> district -> office -> service, each narrowed by the ones
before it; `tz` is the chosen office's time zone (hidden, for local hour-of-day panels)."""

from __future__ import annotations

from dashboards.queries.model import Query
from dashboards.queries.scope import DISTRICT, OFFICE, REGION

REGION_VALUES = Query("SELECT DISTINCT region FROM {db}.offices FINAL ORDER BY region", ("region",))

DISTRICT_VALUES = Query(
    f"SELECT DISTINCT district FROM {{db}}.offices FINAL WHERE {REGION} ORDER BY district", ("district",)
)

# Two columns: the plugin takes the first as the value and the second as the text shown.
OFFICE_VALUES = Query(
    f"SELECT office_id, name FROM {{db}}.offices FINAL WHERE {REGION} AND {DISTRICT} ORDER BY name",
    ("office_id", "name"),
)

SERVICE_VALUES = Query(
    f"""SELECT service_code, name FROM {{db}}.services FINAL
WHERE service_code IN (SELECT arrayJoin(services) FROM {{db}}.offices FINAL WHERE {REGION} AND {DISTRICT} AND {OFFICE})
ORDER BY name""",
    ("service_code", "name"),
)

TIMEZONE_VALUES = Query(
    "SELECT timezone FROM {db}.offices FINAL WHERE office_id = '${office}' LIMIT 1",
    ("timezone",),
)
