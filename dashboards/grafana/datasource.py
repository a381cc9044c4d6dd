"""The ClickHouse data source reference and the plugin's query model.

grafana-foundation-sdk has no builder for grafana-clickhouse-datasource, so its target (editorType
"sql", queryType, rawSql, format, pluginVersion) is written here as a cog Dataquery variant: the SDK
serializes anything with `to_json`.

grafana/clickhouse-datasource src/types/sql.ts (CHSqlQuery) and src/types/queryBuilder.ts (QueryType:
"table", "logs", "timeseries", "traces"); src/data/migration.ts treats a query without a
`pluginVersion` >= 4.0.0 as a v3 query and rewrites it, so the version the compose file installs is
written into every target.
"""

from __future__ import annotations

from dataclasses import dataclass

from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models.dashboard import DataSourceRef

from dashboards.queries.model import QueryFormat

PLUGIN_ID = "grafana-clickhouse-datasource"
PLUGIN_VERSION = "4.20.0"
"""The plugin version infra/compose installs and the query model below follows."""
DATASOURCE_UID = "pantau-clickhouse"
QUERY_TYPES = {QueryFormat.TIME_SERIES: "timeseries", QueryFormat.TABLE: "table"}


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
            "pluginVersion": PLUGIN_VERSION,
            "queryType": QUERY_TYPES[self.format],
            "format": int(self.format),
            "rawSql": self.raw_sql,
        }


@dataclass
class ClickHouseQueryBuilder:
    """A cog builder around ClickHouseQuery, so panels take it like any SDK target."""

    query: ClickHouseQuery

    def build(self) -> ClickHouseQuery:
        return self.query


@dataclass
class DataLink:
    """A field's data link as Grafana reads it (title, url, targetBlank): the SDK's panel builders type
    `data_links` as dashboard links, whose keys (asDropdown, includeVars, ...) a data link ignores."""

    title: str
    url: str
    target_blank: bool = False

    def build(self) -> DataLink:
        return self

    def to_json(self) -> dict[str, object]:
        return {"title": self.title, "url": self.url, "targetBlank": self.target_blank}
