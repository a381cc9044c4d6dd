"""Rules file: shipped defaults, override specificity, and errors that name the entry."""

from __future__ import annotations

import pytest
import yaml

from alerting.config import default_rules_path, load_rules, parse_rules
from alerting.errors import AlertRulesError
from tests.unit.alerting.factories import BAD, CATALOG, HEALTHY


def document() -> dict[str, object]:
    loaded = yaml.safe_load(default_rules_path().read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_defaults_are_inherited_by_every_rule() -> None:
    book = load_rules(catalog=CATALOG)
    settings = book.settings("pungli", CATALOG.office(BAD))
    assert settings.zero_tolerance and settings.number("escalate_after_min") == 15
    assert book.settings("live_wait_breach", CATALOG.office(BAD), "KTP").count("min_count") == 3


def test_the_more_specific_override_wins_whatever_the_file_order() -> None:
    doc = document()
    doc["overrides"] = [
        {"match": {"office": BAD, "service": "KTP"}, "rule": "queue_length", "set": {"max_waiting": 5}},
        {"match": {"region": "DKI Jakarta"}, "rule": "queue_length", "set": {"max_waiting": 50}},
    ]
    book = parse_rules(doc, catalog=CATALOG)
    assert book.settings("queue_length", CATALOG.office(BAD), "KTP").count("max_waiting") == 5
    assert book.settings("queue_length", CATALOG.office(BAD), "KK").count("max_waiting") == 50
    assert book.settings("queue_length", CATALOG.office(HEALTHY), "KTP").count("max_waiting") == 25


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["rules"].update({"typo_rule": {}}), "rules.typo_rule: unknown rule"),
        (
            lambda d: d["rules"]["queue_length"].update({"max_waiting": "banyak"}),
            "max_waiting: 'banyak' is not a number",
        ),
        (lambda d: d["rules"]["pungli"].update({"severity": "urgent"}), "severity 'urgent'"),
        (lambda d: d["rules"].pop("pungli"), "rules missing: pungli"),
        (
            lambda d: d.update({"overrides": [{"match": {"office": "X"}, "rule": "pungli", "set": {}}]}),
            "office 'X' is not in the catalog",
        ),
    ],
)
def test_errors_name_the_entry(change: object, message: str) -> None:
    doc = document()
    change(doc)  # type: ignore[operator]
    with pytest.raises(AlertRulesError, match=message):
        parse_rules(doc, "rules.yaml", CATALOG)
