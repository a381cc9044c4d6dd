"""The ClickHouse data source reference and the plugin's query model.

grafana-foundation-sdk has no builder for grafana-clickhouse-datasource, so its target (editorType
"sql", queryType, rawSql, format) is written here as a cog Dataquery variant: the SDK serializes
anything with `to_json`.
"""

from __future__ import annotations

from dataclasses import dataclass

from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models.dashboard import DataSourceRef

from dashboards.queries.model import QueryFormat

PLUGIN_ID = "grafana-clickhouse-datasource"
DATASOURCE_UID = "pantau-clickhouse"


def datasource_ref() -> DataSourceRef:
    """The provisioned data source every panel and variable uses."""
    return DataSourceRef(type_val=PLUGIN_ID, uid=DATASOURCE_UID)


@dataclass
class ClickHouseQuery(cogvariants.Dataquery):
    """A raw-SQL target of the ClickHouse plugin."""

    raw_sql: str
    ref_id: str = "A"
    format: QueryFormat = QueryFormat.TABLE

    def to_json(self) -> dict[str, object]:
        """The target as the plugin saves it."""
        ref = datasource_ref()
        return {
            "refId": self.ref_id,
            "datasource": {"type": ref.type_val, "uid": ref.uid},
            "editorType": "sql",
            "queryType": "timeSeries" if self.format is QueryFormat.TIME_SERIES else "table",
            "format": int(self.format),
            "rawSql": self.raw_sql,
        }


@dataclass
class ClickHouseQueryBuilder:
    """A cog builder around ClickHouseQuery, so panels take it like any SDK target."""

    query: ClickHouseQuery

    def build(self) -> ClickHouseQuery:
        return self.query
