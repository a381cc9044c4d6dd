"""The built dashboards are valid Grafana models: schema version, unique uids and panel ids, every
variable they use defined, every datasource the provisioned ClickHouse one, links to real dashboards."""

from __future__ import annotations

import re
from typing import Any

import pytest

from dashboards.build import all_dashboards
from dashboards.grafana.datasource import DATASOURCE_UID, PLUGIN_ID

_VARIABLE = re.compile(r"\$(\w+)|\[\[(\w+?)(?::\w+)?\]\]|\$\{(\w+)(?:\.[^:^\}]+)?(?::[^\}]+)?\}")
GRAFANA_GLOBALS = {
    "__from",
    "__to",
    "__interval",
    "__interval_ms",
    "__range_s",
    "__range_ms",
    "__url_time_range",
    "__data",
}
PLUGIN_MACROS = {
    "__timeFilter",
    "__timeFilter_ms",
    "__dateFilter",
    "__dateTimeFilter",
    "__dt",
    "__fromTime",
    "__toTime",
    "__fromTime_ms",
    "__toTime_ms",
    "__timeInterval",
    "__timeInterval_ms",
    "__interval_s",
    "__conditionalAll",
}


@pytest.fixture(scope="module", params=["id", "en"])
def documents(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    return all_dashboards(lang=request.param)


def _names_used(text: str) -> set[str]:
    return {next(group for group in match.groups() if group) for match in _VARIABLE.finditer(text)}


def test_schema_version_and_time_defaults(documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        assert document["schemaVersion"] >= 39
        assert document["time"]["from"].startswith("now")
        assert document["title"] and document["tags"][0] == "pantau"


def test_uids_are_unique_and_stable(documents: dict[str, dict[str, Any]]) -> None:
    uids = [document["uid"] for document in documents.values()]
    assert len(set(uids)) == len(uids) == 5
    assert all(uid.startswith("pantau-") for uid in uids)


def test_panel_ids_are_unique_per_dashboard(documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        ids = [panel["id"] for panel in document["panels"]]
        assert len(ids) == len(set(ids)), document["uid"]
        assert all(isinstance(panel_id, int) and panel_id > 0 for panel_id in ids)


def test_every_variable_used_is_defined(documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        defined = [variable["name"] for variable in document["templating"]["list"]]
        texts = [t["rawSql"] for p in document["panels"] for t in p.get("targets") or []]
        texts += [v["query"] for v in document["templating"]["list"] if v["type"] == "query"]
        for index, variable in enumerate(document["templating"]["list"]):
            if variable["type"] == "query":  # a variable may only use the ones before it (cascade)
                used = _names_used(variable["query"]) - PLUGIN_MACROS - GRAFANA_GLOBALS
                assert used <= set(defined[:index]), (document["uid"], variable["name"], used)
        for text in texts:
            undefined = _names_used(text) - PLUGIN_MACROS - GRAFANA_GLOBALS - set(defined)
            assert not undefined, (document["uid"], undefined)


def test_every_datasource_is_the_provisioned_clickhouse(documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        references = [p["datasource"] for p in document["panels"] if "datasource" in p and p["type"] != "row"]
        references += [t["datasource"] for p in document["panels"] for t in p.get("targets") or []]
        references += [v["datasource"] for v in document["templating"]["list"] if v["type"] == "query"]
        assert references
        assert all(ref == {"type": PLUGIN_ID, "uid": DATASOURCE_UID} for ref in references)
        for panel in document["panels"]:
            for target in panel.get("targets") or []:
                assert target["editorType"] == "sql" and target["rawSql"].strip() and target["format"] in (0, 1)


def test_every_number_has_a_unit_and_rankings_have_thresholds(documents: dict[str, dict[str, Any]]) -> None:
    regional = documents["regional"]
    ranking = next(p for p in regional["panels"] if p["type"] == "table")
    by_column = {
        o["matcher"]["options"]: {prop["id"]: prop["value"] for prop in o["properties"]}
        for o in ranking["fieldConfig"]["overrides"]
    }
    assert by_column["compliance"]["unit"] == "percentunit"
    steps = by_column["compliance_gap"]["thresholds"]["steps"]
    assert [step["color"] for step in steps] == ["red", "green"]
    assert by_column["p90_wait_min"]["unit"] == "m"
    assert by_column["ikm"]["thresholds"]["steps"][-1]["value"] == 88.31


def test_overview_rows_link_to_the_office_detail(documents: dict[str, dict[str, Any]]) -> None:
    uids = {document["uid"] for document in documents.values()}
    links = [
        link["url"]
        for p in documents["regional"]["panels"]
        for link in p.get("fieldConfig", {}).get("defaults", {}).get("links", [])
    ]
    assert links, "the ranking table links nowhere"
    for url in links:
        target_uid = url.split("/d/")[1].split("/")[0]
        assert target_uid in uids and "var-office=${__data.fields.office_id}" in url


def test_cascade_order_and_office_detail_is_single_office(documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        names = [v["name"] for v in document["templating"]["list"]]
        assert names[:4] == ["region", "district", "office", "service"]
    office_vars = {v["name"]: v for v in documents["office"]["templating"]["list"]}
    assert office_vars["office"]["multi"] is False
    assert not office_vars["office"].get("includeAll")
    assert office_vars["tz"]["hide"] == 2
