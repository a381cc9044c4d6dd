"""Alert rules configuration: the shipped defaults plus per-region, office and service overrides.

Every number a rule uses is configuration (DOMAIN: agencies differ); `RuleBook.settings` resolves the
numbers that apply to one office and service, so a rule never reads YAML itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from alerting.errors import AlertRulesError
from alerting.model import Severity
from pantau.catalog import Catalog, Office

RULE_NAMES = (
    "live_wait_breach",
    "burn_rate",
    "queue_length",
    "complaint_spike",
    "pungli",
    "office_not_open",
    "counter_not_open",
    "complaint_response_overdue",
    "pipeline_silent",
)
_FLAGS = ("enabled", "severity", "zero_tolerance", "action")
_MATCH_KEYS = ("region", "office", "service")


@dataclass(frozen=True)
class RuleSettings:
    """The settings of one rule for one office/service: flags, the runbook line, and numbers."""

    rule: str
    severity: Severity
    enabled: bool = True
    zero_tolerance: bool = False
    action: str = ""
    numbers: dict[str, float] = field(default_factory=dict)

    def number(self, name: str) -> float:
        """A number of this rule; AlertRulesError names the rule when it is missing."""
        try:
            return self.numbers[name]
        except KeyError:
            raise AlertRulesError(f"rule {self.rule!r} has no setting {name!r}; add it to the rules file") from None

    def count(self, name: str) -> int:
        return int(self.number(name))

    def minutes_s(self, name: str) -> float:
        """A `*_min` setting in seconds."""
        return self.number(name) * 60.0


@dataclass(frozen=True)
class _Override:
    rule: str
    region: str | None
    office: str | None
    service: str | None
    values: dict[str, Any]

    @property
    def specificity(self) -> int:
        return (self.region is not None) + 2 * (self.office is not None) + (self.service is not None)

    def matches(self, office: Office, service_code: str) -> bool:
        return (
            (self.region is None or self.region == office.region)
            and (self.office is None or self.office == office.id)
            and (self.service is None or self.service == service_code)
        )


class RuleBook:
    """Resolved rule settings, plus the holiday overrides the silence calendar needs."""

    def __init__(
        self,
        rules: dict[str, dict[str, Any]],
        overrides: list[_Override],
        extra_holidays: tuple[date, ...] = (),
        cancelled_holidays: tuple[date, ...] = (),
    ) -> None:
        self._rules = rules
        self._overrides = sorted(overrides, key=lambda o: o.specificity)
        self.extra_holidays = extra_holidays
        self.cancelled_holidays = cancelled_holidays
        self._cache: dict[tuple[str, str, str], RuleSettings] = {}

    def settings(self, rule: str, office: Office, service_code: str = "") -> RuleSettings:
        """The settings of `rule` at this office and service, overrides applied."""
        key = (rule, office.id, service_code)
        cached = self._cache.get(key)
        if cached is None:
            values = dict(self._rules[rule])
            for override in self._overrides:
                if override.rule == rule and override.matches(office, service_code):
                    values.update(override.values)
            cached = self._cache[key] = _settings(rule, values, "overrides")
        return cached


def default_rules_path() -> Path:
    return Path(str(resources.files("alerting").joinpath("default_rules.yaml")))


def load_rules(path: Path | str | None = None, catalog: Catalog | None = None) -> RuleBook:
    """Load a rules file (`None`: the shipped defaults); overrides naming unknown offices fail early."""
    source = Path(path) if path is not None else default_rules_path()
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AlertRulesError(f"{source}: alert rules file not found (set PANTAU_ALERT_RULES)") from None
    except yaml.YAMLError as exc:
        raise AlertRulesError(f"{source}: not valid YAML: {exc}") from None
    return parse_rules(document, str(source), catalog)


def parse_rules(document: Any, source: str = "<rules>", catalog: Catalog | None = None) -> RuleBook:
    """Check a parsed rules document and build the RuleBook; errors name the file and the entry."""
    if not isinstance(document, dict) or not isinstance(document.get("rules"), dict):
        raise AlertRulesError(f"{source}: expected a mapping with 'rules' (and optional 'defaults', 'overrides')")
    defaults = document.get("defaults") or {}
    rules: dict[str, dict[str, Any]] = {}
    for name, values in document["rules"].items():
        if name not in RULE_NAMES:
            raise AlertRulesError(f"{source}: rules.{name}: unknown rule; known: {', '.join(RULE_NAMES)}")
        merged = {**defaults, **(values or {})}
        _settings(name, merged, f"{source}: rules.{name}")  # checks it now, not at the first alert
        rules[name] = merged
    missing = [name for name in RULE_NAMES if name not in rules]
    if missing:
        raise AlertRulesError(f"{source}: rules missing: {', '.join(missing)} (set enabled: false to turn one off)")
    overrides = [
        _override(entry, index, source, rules, catalog) for index, entry in enumerate(document.get("overrides") or [])
    ]
    holidays = document.get("holidays") or {}
    return RuleBook(
        rules,
        overrides,
        tuple(_dates(holidays.get("extra"), f"{source}: holidays.extra")),
        tuple(_dates(holidays.get("cancelled"), f"{source}: holidays.cancelled")),
    )


def _override(
    entry: Any, index: int, source: str, rules: dict[str, dict[str, Any]], catalog: Catalog | None
) -> _Override:
    where = f"{source}: overrides[{index}]"
    if not isinstance(entry, dict) or entry.get("rule") not in rules or not isinstance(entry.get("set"), dict):
        raise AlertRulesError(f"{where}: needs rule (a known rule), match and set")
    match = entry.get("match") or {}
    unknown = set(match) - set(_MATCH_KEYS)
    if unknown:
        raise AlertRulesError(f"{where}: match keys {sorted(unknown)} unknown; use region, office, service")
    if catalog is not None:
        if "office" in match and not catalog.has_office(str(match["office"])):
            raise AlertRulesError(f"{where}: office {match['office']!r} is not in the catalog")
        if "service" in match and not catalog.has_service(str(match["service"])):
            raise AlertRulesError(f"{where}: service {match['service']!r} is not in the catalog")
    _settings(entry["rule"], {**rules[entry["rule"]], **entry["set"]}, where)
    return _Override(
        rule=str(entry["rule"]),
        region=_opt(match.get("region")),
        office=_opt(match.get("office")),
        service=_opt(match.get("service")),
        values=dict(entry["set"]),
    )


def _settings(rule: str, values: dict[str, Any], where: str) -> RuleSettings:
    numbers: dict[str, float] = {}
    for key, value in values.items():
        if key in _FLAGS:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AlertRulesError(f"{where}: {key}: {value!r} is not a number")
        numbers[key] = float(value)
    try:
        severity = Severity(str(values.get("severity", "warning")))
    except ValueError:
        raise AlertRulesError(f"{where}: severity {values.get('severity')!r}; use critical or warning") from None
    return RuleSettings(
        rule=rule,
        severity=severity,
        enabled=bool(values.get("enabled", True)),
        zero_tolerance=bool(values.get("zero_tolerance", False)),
        action=str(values.get("action") or ""),
        numbers=numbers,
    )


def _dates(values: Any, where: str) -> list[date]:
    result = []
    for value in values or []:
        if isinstance(value, date):
            result.append(value)
            continue
        try:
            result.append(date.fromisoformat(str(value)))
        except ValueError:
            raise AlertRulesError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None
    return result


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)
