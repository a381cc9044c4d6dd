"""How Grafana and the ClickHouse plugin render the built JSON: one rule per test, each derived from the
source file named in its comment (grafana/grafana or grafana/clickhouse-datasource). Pure: the JSON
only, milliseconds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import chdb
import pytest
import yaml

from dashboards.build import ProvisioningOptions, all_dashboards, provider_yaml
from dashboards.grafana.board import AREA_TAG, GAP_MS, series_texts
from dashboards.grafana.datasource import PLUGIN_VERSION
from dashboards.grafana.rangeutil import calculate_interval_ms, duration_ms, round_interval
from dashboards.i18n import LANGS, UNSUR_NAMES, t
from dashboards.queries import complaints, ikm, office, pipeline, regional
from dashboards.queries.model import DEFAULT_MIN_TICKETS, Query, QueryFormat
from pantau.settings import PantauSettings
from tests.conftest import REPO_ROOT

_QUERIES = [
    q for m in (regional, office, complaints, ikm, pipeline) for q in vars(m).values() if isinstance(q, Query)
]
DAY_MS = 86_400_000


@pytest.fixture(scope="module", params=["id", "en", "built"])
def documents(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    """Both languages as code builds them, and the files `pantau dashboards build` wrote for compose."""
    if request.param == "built":
        folder = REPO_ROOT / "infra" / "compose" / "grafana" / "dashboards"
        files = {path.stem.removeprefix("pantau-"): json.loads(path.read_text()) for path in folder.glob("*.json")}
        assert len(files) == 5
        return files
    return all_dashboards(lang=request.param)


def _panels(documents: dict[str, dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, document in documents.items():
        for panel in document["panels"]:
            if panel["type"] != "row":
                yield name, panel


def _overrides(panel: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        o["matcher"]["options"]: {p["id"]: p["value"] for p in o["properties"]}
        for o in panel["fieldConfig"].get("overrides", [])
        if o["matcher"]["id"] == "byName"
    }


def _query_of(panel: dict[str, Any]) -> Query:
    sql = panel["targets"][0]["rawSql"]
    for query in _QUERIES:
        if any(query.for_board("pantau", DEFAULT_MIN_TICKETS, series_texts(lang)) == sql for lang in LANGS):
            return query
    raise AssertionError(f"{panel['title']}: SQL is not a shared query")


def _labelled_series(documents: dict[str, dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Query]]:
    for _, panel in _panels(documents):
        if panel["type"] == "timeseries":
            query = _query_of(panel)
            if query.labels:
                yield panel, query


def test_series_are_named_from_their_labels(documents: dict[str, dict[str, Any]]) -> None:
    # grafana-plugin-sdk-go data.LongToWide (used by sqlds for the plugin's format 0,
    # grafana/clickhouse-datasource pkg/plugin/driver.go FillMode): (time, label, value) rows become one
    # field per label value, all named like the value column. grafana/grafana
    # packages/grafana-data/src/field/fieldState.ts calculateFieldDisplayName: a config displayName wins
    # over labels, and packages/grafana-data/src/transformations/matchers/nameMatcher.ts (byName) matches
    # the raw field name too, so a by-name displayName on the value column names every line alike.
    found = 0
    for panel, query in _labelled_series(documents):
        found += 1
        value_columns = set(query.columns) - {"time", *query.labels}
        assert not value_columns & set(_overrides(panel)), panel["title"]
        assert panel["fieldConfig"]["defaults"].get("displayName") == "${__field.labels." + query.labels[0] + "}"
    assert found >= 7


def test_lines_take_palette_colours_and_draw_thresholds_as_lines(documents: dict[str, dict[str, Any]]) -> None:
    # grafana/grafana packages/grafana-data/src/field/fieldColor.ts: mode "thresholds" colours a series by
    # its last value (fieldColorModeRegistry, getCalculator), so lines of one panel would share
    # red/yellow/green; palette-classic(-by-name) gives each series its own colour.
    # public/app/plugins/panel/timeseries (custom.thresholdsStyle) draws the steps as lines instead.
    for _, panel in _panels(documents):
        if panel["type"] != "timeseries":
            continue
        defaults = panel["fieldConfig"]["defaults"]
        assert defaults["color"]["mode"].startswith("palette-classic"), panel["title"]
        for properties in _overrides(panel).values():
            assert "color" not in properties and "thresholds" not in properties, panel["title"]
        if "thresholds" in defaults:
            assert defaults["custom"]["thresholdsStyle"]["mode"] in ("line", "dashed"), panel["title"]


def test_compliance_trend_is_the_gap_with_the_target_as_a_line_at_zero(documents: dict[str, dict[str, Any]]) -> None:
    # Compliance against the services' own target: 0 is the target (fields.py COMPLIANCE_GAP).
    panel = next(p for _, p in _panels(documents) if p["title"] == t("p.compliance_trend", "id")
                 or p["title"] == t("p.compliance_trend", "en"))
    steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert [(s["value"], s["color"]) for s in steps] == [(None, "red"), (0.0, "green")]
    assert "compliance_gap" in panel["targets"][0]["rawSql"]


def test_compliance_is_coloured_only_as_gap_to_target(documents: dict[str, dict[str, Any]]) -> None:
    # A fixed 80/90% band would show 92% green against a 95% target; only the gap (coloured at 0) is coloured.
    for _, panel in _panels(documents):
        overrides = _overrides(panel)
        if "compliance" in overrides:
            assert "thresholds" not in overrides["compliance"], panel["title"]
        if "compliance_gap" in overrides and panel["type"] in ("table", "stat"):
            steps = overrides["compliance_gap"]["thresholds"]["steps"]
            assert [s["value"] for s in steps] == [None, 0.0]


def test_stat_tiles_are_neutral_and_show_text_fields(documents: dict[str, dict[str, Any]]) -> None:
    # grafana/grafana packages/grafana-data/src/field/fieldOverrides.ts: an empty defaults.thresholds gets
    # the panel plugin's default (green, red at 80), so every plain count above 80 turned red; the base
    # step here is the neutral text colour. public/app/plugins/panel/stat/panelcfg.cue with
    # packages/grafana-data/src/field/fieldDisplay.ts getFieldDisplayValues: reduceOptions.fields ""
    # takes numeric fields only; "/.*/" keeps text fields such as `mutu`.
    for _, panel in _panels(documents):
        if panel["type"] != "stat":
            continue
        defaults = panel["fieldConfig"]["defaults"]
        assert defaults["thresholds"]["steps"] == [{"value": None, "color": "text"}], panel["title"]
        assert panel["options"]["reduceOptions"]["fields"] == "/.*/"
        assert panel["options"]["reduceOptions"]["values"] is False
        for column, properties in _overrides(panel).items():
            if "thresholds" in properties:
                assert properties["color"] == {"mode": "thresholds"}, column


def test_ikm_trend_shows_twelve_months(documents: dict[str, dict[str, Any]]) -> None:
    # grafana/grafana public/app/features/query/state/PanelQueryRunner (applyPanelTimeOverrides in
    # public/app/features/dashboard/utils/panel.ts): a panel's timeFrom replaces the board's now/M range.
    ikm_board = documents["ikm"]
    assert ikm_board["time"] == {"from": "now/M", "to": "now/M"}
    trend = next(p for p in ikm_board["panels"] if p["type"] == "timeseries")
    assert trend["timeFrom"] == "12M"
    assert "INTERVAL 12 MONTH" in trend["targets"][0]["rawSql"]
    assert "insertNulls" not in trend["fieldConfig"]["defaults"].get("custom", {})  # months are not 1h apart


def test_table_colours_need_a_coloured_cell_type(documents: dict[str, dict[str, Any]]) -> None:
    # grafana/grafana public/app/plugins/panel/table (TableCellDisplayMode, packages/grafana-schema
    # common.TableCellOptions): a cell is coloured only with cellOptions type color-background or
    # color-text; value-mapping colours (mutu A-D) and thresholds are otherwise ignored.
    seen = set()
    for _, panel in _panels(documents):
        if panel["type"] != "table":
            continue
        for column, properties in _overrides(panel).items():
            coloured = "thresholds" in properties or any(
                result.get("color") for mapping in properties.get("mappings", [])
                for result in mapping["options"].values()
            )
            if coloured:
                seen.add(column)
                assert properties["custom.cellOptions"]["type"] in ("color-background", "color-text"), column
    assert {"mutu", "below_min_sample", "low_volume", "compliance_gap"} <= seen


def test_flags_are_words_not_zero_and_one(documents: dict[str, dict[str, Any]]) -> None:
    # grafana/grafana packages/grafana-data/src/utils/valueMappings.ts getValueMappingResult: a value map
    # matches String(value), so keys "0"/"1" turn the 0/1 flags into words.
    for _, panel in _panels(documents):
        for column in ("below_min_sample", "low_volume"):
            properties = _overrides(panel).get(column)
            if properties is not None:
                options = properties["mappings"][0]["options"]
                assert set(options) == {"0", "1"} and options["1"]["text"] != "1"


def test_targets_follow_the_plugins_query_model(documents: dict[str, dict[str, Any]]) -> None:
    # grafana/clickhouse-datasource src/types/queryBuilder.ts QueryType ("table", "logs", "timeseries",
    # "traces"); src/data/migration.ts isV3CHQuery: no pluginVersion >= 4.0.0 means a v3 query;
    # src/data/utils.ts mapQueryTypeToGrafanaFormat: timeseries is format 0, table 1.
    for _, panel in _panels(documents):
        for target in panel["targets"]:
            assert target["pluginVersion"] == PLUGIN_VERSION
            assert target["queryType"] == {0: "timeseries", 1: "table"}[target["format"]]


def test_query_variables_have_a_definition(documents: dict[str, dict[str, Any]]) -> None:
    # grafana/grafana public/app/features/variables/query/reducer.ts / QueryVariableEditor: `definition`
    # is what the variables list shows for a datasource query.
    for document in documents.values():
        for variable in document["templating"]["list"]:
            if variable["type"] == "query":
                assert variable["definition"] == variable["query"]


def test_data_links_are_data_links_and_keep_the_selections(documents: dict[str, dict[str, Any]]) -> None:
    # grafana/grafana packages/grafana-data/src/types/dataLink.ts DataLink: title, url, targetBlank (the
    # dashboard-link keys asDropdown/includeVars/keepTime are ignored there);
    # public/app/features/templating/formatRegistry.ts queryparam: var-<name>=<value> per value.
    links = [link for _, p in _panels(documents) for link in p["fieldConfig"]["defaults"].get("links", [])]
    assert links
    for link in links:
        assert set(link) == {"title", "url", "targetBlank"}
        for name in ("region", "district", "service"):
            assert "${" + name + ":queryparam}" in link["url"]
        assert "var-office=${__data.fields.office_id}" in link["url"] and "${__url_time_range}" in link["url"]


def test_dropdown_never_sends_all_to_a_board_without_all(documents: dict[str, dict[str, Any]]) -> None:
    # grafana/grafana public/app/features/dashboard/components/DashLinks (getLinkSrv().getLinkUrl with
    # includeVars): every variable goes along, All as $__all; a single-value variable without All then
    # falls back to its first option (public/app/features/variables/state/actions.ts validateVariableSelectionState).
    by_tag: dict[str, list[dict[str, Any]]] = {}
    for document in documents.values():
        for tag in document["tags"]:
            by_tag.setdefault(tag, []).append(document)
    for source in documents.values():
        can_be_all = {v["name"] for v in source["templating"]["list"] if v.get("includeAll")}
        for link in source["links"]:
            if link["type"] != "dashboards" or not link.get("includeVars"):
                continue
            for tag in link["tags"]:
                for target in by_tag.get(tag, []):
                    for variable in target["templating"]["list"]:
                        if variable["name"] in can_be_all:
                            assert variable.get("includeAll"), (source["uid"], target["uid"], variable["name"])
    assert documents["office"]["uid"] not in {d["uid"] for d in by_tag.get(AREA_TAG, [])}


def test_boards_are_read_only_and_refresh_only_where_live(documents: dict[str, dict[str, Any]]) -> None:
    # Provisioned with allowUiUpdates: false (grafana/grafana pkg/services/provisioning/dashboards/config_reader.go):
    # an edit cannot be saved, so the board says it is not editable. Monthly IKM and complaint counts
    # do not change by the minute.
    assert provider_yaml(ProvisioningOptions())["providers"][0]["allowUiUpdates"] is False
    for document in documents.values():
        assert document["editable"] is False
    assert "refresh" not in documents["ikm"] or not documents["ikm"]["refresh"]
    assert "refresh" not in documents["complaints"] or not documents["complaints"]["refresh"]
    assert documents["pipeline"]["refresh"] == "30s"


def test_every_panel_and_column_is_described_and_labelled(documents: dict[str, dict[str, Any]]) -> None:
    for _, panel in _panels(documents):
        assert len(panel.get("description", "")) > 20, panel["title"]
        query = _query_of(panel)
        overrides = _overrides(panel)
        for column in query.columns:
            if column == "time" or column in query.labels or panel["type"] == "timeseries":
                continue
            assert "displayName" in overrides.get(column, {}), (panel["title"], column)


def test_unsur_are_named() -> None:
    assert len(UNSUR_NAMES) == 9
    assert t("v.U1", "id") == "U1 Persyaratan" and t("c.nrr_u9", "id") == "U9 Sarana dan prasarana"


def test_series_labels_are_translated_in_the_sql(documents: dict[str, dict[str, Any]]) -> None:
    # Value mappings apply to field values, never to labels (grafana/grafana
    # packages/grafana-data/src/field/displayProcessor.ts), so `category`/`kind` labels come translated.
    sql = next(p for _, p in _panels(documents) if "{text:" not in p["targets"][0]["rawSql"]
               and "transform(toString(category)" in p["targets"][0]["rawSql"])["targets"][0]["rawSql"]
    assert "'waktu'" in sql and "{text:" not in sql


def test_time_zone_is_explicit_and_daily_buckets_are_local_days(documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        assert document["timezone"] == "Asia/Jakarta"
    assert "toStartOfDay(toTimeZone(filed_at, 'Asia/Jakarta'))" in complaints.TREND.sql
    assert "$__timeInterval" not in complaints.TREND.sql
    assert "toDateTime(k.period, 'Asia/Jakarta')" in ikm.TREND.sql


def test_sub_daily_lines_break_over_closed_hours(documents: dict[str, dict[str, Any]]) -> None:
    # grafana/grafana packages/grafana-data/src/transformations/transformers/nulls/nullInsertThreshold.ts:
    # a null is inserted where two points are further apart than custom.insertNulls (ms), so the line
    # breaks there; the threshold must not be below the interval Grafana computes for the board's
    # default range (rangeutil.ts calculateInterval), or every segment would break.
    for name, panel in _panels(documents):
        if panel["type"] != "timeseries" or panel.get("timeFrom"):
            continue
        threshold = panel["fieldConfig"]["defaults"]["custom"]["insertNulls"]
        assert threshold >= GAP_MS
        document = documents[name]
        raw = document["time"]["from"].removeprefix("now-")
        range_ms = duration_ms(raw)
        for max_data_points in (300, 1000, 2000):  # panel widths Grafana uses as max data points
            assert calculate_interval_ms(range_ms, max_data_points, panel["interval"]) <= threshold, panel["title"]


def test_interval_rounding_is_grafanas() -> None:
    # grafana/grafana packages/grafana-data/src/datetime/rangeutil.ts roundInterval/calculateInterval.
    assert round_interval(604.8 * 1000) == 600_000  # 7 days over 1000 points: 10m
    assert round_interval(5_399_999) == 3_600_000 and round_interval(5_400_000) == 7_200_000
    assert round_interval(86_400_000) == DAY_MS and round_interval(4e9) == 31_536_000_000
    assert calculate_interval_ms(7 * DAY_MS, 1000, "1h") == 3_600_000
    assert calculate_interval_ms(7 * DAY_MS, 1000, None) == 600_000
    assert duration_ms("15m") == 900_000 and duration_ms("1d") == DAY_MS and duration_ms("30") == 30_000


def test_minimum_volume_is_configurable_and_built_in(documents: dict[str, dict[str, Any]]) -> None:
    assert PantauSettings().dashboards_min_tickets == DEFAULT_MIN_TICKETS
    ranking = next(p for p in documents["regional"]["panels"] if "row_number()" in str(p.get("targets")))
    sql = ranking["targets"][0]["rawSql"]
    assert f"t.completed < {DEFAULT_MIN_TICKETS}" in sql and "{min_tickets}" not in sql
    other = all_dashboards(min_tickets=7)["regional"]
    assert "t.completed < 7" in str(other["panels"])


def test_time_series_queries_declare_their_labels() -> None:
    for query in _QUERIES:
        if query.format is QueryFormat.TIME_SERIES:
            strings = [c for c in query.columns if c in ("region", "kind", "category", "type", "reason_code")]
            assert list(query.labels) == strings, query.columns


def test_compose_pins_what_the_tests_prove() -> None:
    # The panel SQL tests run on chDB's embedded engine; the compose server must be that release line,
    # and Grafana must install the plugin version whose query model the targets carry.
    compose = yaml.safe_load((REPO_ROOT / "infra/compose/docker-compose.yml").read_text())
    image = compose["services"]["clickhouse"]["image"]
    engine = ".".join(chdb.engine_version.split(".")[:2])
    assert image == f"clickhouse/clickhouse-server:{engine}", (image, chdb.engine_version)
    grafana = compose["services"]["grafana"]
    assert grafana["environment"]["GF_INSTALL_PLUGINS"] == f"grafana-clickhouse-datasource {PLUGIN_VERSION}"
    assert grafana["image"] == "grafana/grafana:11.6.0"  # the plugin's grafanaDependency is >=11.6.0


def test_compose_server_time_zone_is_set() -> None:
    compose = yaml.safe_load((REPO_ROOT / "infra/compose/docker-compose.yml").read_text())
    mounts = compose["services"]["clickhouse"]["volumes"]
    assert "./clickhouse/timezone.xml:/etc/clickhouse-server/config.d/pantau-timezone.xml:ro" in mounts
    assert "<timezone>UTC</timezone>" in (REPO_ROOT / "infra/compose/clickhouse/timezone.xml").read_text()
