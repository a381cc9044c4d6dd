"""The cascading template variables: region -> district -> office -> service (and the hidden `tz`).

Each is a query variable on the ClickHouse data source, refreshed when the dashboard loads (the
catalog does not depend on the time range); Grafana re-runs a dependant when its parent changes.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import CustomVariable, QueryVariable
from grafana_foundation_sdk.models.dashboard import VariableHide, VariableOption, VariableRefresh, VariableSort

from dashboards.grafana.datasource import datasource_ref
from dashboards.i18n import Lang, t
from dashboards.queries import variables as sql
from dashboards.queries.model import Query

ALL_OPTION = VariableOption(selected=True, text="All", value="$__all")


def _query_variable(name: str, query: Query, database: str, label: str, multi: bool = True) -> QueryVariable:
    variable = (
        QueryVariable(name)
        .label(label)
        .datasource(datasource_ref())
        .query(query.for_database(database))
        .refresh(VariableRefresh.ON_DASHBOARD_LOAD)
        .sort(VariableSort.DISABLED)
        .multi(multi)
        .include_all(multi)
    )
    if multi:
        variable.current(ALL_OPTION)
    return variable


def scope_variables(lang: Lang, database: str, single_office: bool = False) -> list[QueryVariable]:
    """region, district, office, service; `single_office` for the one-office dashboard."""
    return [
        _query_variable("region", sql.REGION_VALUES, database, t("var.region", lang)),
        _query_variable("district", sql.DISTRICT_VALUES, database, t("var.district", lang)),
        _query_variable("office", sql.OFFICE_VALUES, database, t("var.office", lang), multi=not single_office),
        _query_variable("service", sql.SERVICE_VALUES, database, t("var.service", lang)),
    ]


def timezone_variable(database: str) -> QueryVariable:
    """The chosen office's time zone, hidden: for hour-of-day in the office's local time."""
    return (
        QueryVariable("tz")
        .datasource(datasource_ref())
        .query(sql.TIMEZONE_VALUES.for_database(database))
        .refresh(VariableRefresh.ON_DASHBOARD_LOAD)
        .hide(VariableHide.HIDE_VARIABLE)
    )


def period_kind_variable(lang: Lang) -> CustomVariable:
    """month, quarter or year (IKM periods)."""
    return (
        CustomVariable("period_kind")
        .label(t("var.period_kind", lang))
        .values("month,quarter,year")
        .current(VariableOption(selected=True, text="month", value="month"))
        .multi(False)
        .include_all(False)
    )
