"""Filters shared by every query: the region -> district -> office -> service cascade, and local time.

Every multi-value variable goes through `$__conditionalAll`, so All becomes `1=1` instead of a long
IN list, and through `${var:singlequote}`, so values are quoted and escaped by Grafana.
"""

from __future__ import annotations

REGION = "$__conditionalAll(region IN (${region:singlequote}), $region)"
DISTRICT = "$__conditionalAll(district IN (${district:singlequote}), $district)"
OFFICE = "$__conditionalAll(office_id IN (${office:singlequote}), $office)"
SERVICE = "$__conditionalAll(service_code IN (${service:singlequote}), $service)"


def offices_in_scope(column: str = "office_id") -> str:
    """`column` is an office of the chosen regions, districts and offices."""
    return f"{column} IN (SELECT office_id FROM {{db}}.offices FINAL WHERE {REGION} AND {DISTRICT} AND {OFFICE})"


def in_scope(office_column: str = "office_id", service_column: str = "service_code") -> str:
    """Offices and services in the chosen scope."""
    service = SERVICE.replace("service_code IN", f"{service_column} IN")
    return f"{offices_in_scope(office_column)} AND {service}"


# Offices read with their catalog names, region and district.
OFFICE_NAMES = "(SELECT office_id, name, region, district FROM {db}.offices FINAL)"


# The first and last local day a time range covers, for tables keyed by a local date (ikm.period).
# Half a day in from each end: a range from local midnight in WIB, WITA or WIT (UTC+7..+9) starts
# the previous day in UTC, and must not pull in the previous month's IKM; a short range keeps its day.
# The UTC date, named: toDate without a zone would take the server's default time zone.
RANGE_FIRST_DAY = "toDate(least($__fromTime + INTERVAL 12 HOUR, $__toTime), 'UTC')"
RANGE_LAST_DAY = "toDate(greatest($__toTime - INTERVAL 12 HOUR, $__fromTime), 'UTC')"


# The zone of the area boards' day buckets and clock (WIB, the national reference); Detail Kantor uses
# the office's own (`$tz`). Every local-time expression names its zone, so nothing depends on the
# server's or the session's default time zone.
AREA_ZONE = "Asia/Jakarta"


def local_day(column: str, zone: str = AREA_ZONE) -> str:
    """The local midnight (in `zone`) starting `column`'s day: a daily bucket Grafana draws at 00:00 local."""
    return f"toStartOfDay(toTimeZone({column}, '{zone}'))"
