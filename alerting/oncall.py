"""Who is on call: escalation levels, contacts, rotations and overrides per office or region (YAML).

Times in the schedule are the office's local wall-clock time (WIB, WITA or WIT), because a rota says
"Monday 07.00", not a UTC instant. For one office and level the most specific entry wins: an entry for
the office, else one for its region (province), else one for everywhere. Within an entry an override
covering `now` replaces the rotation.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from alerting.errors import OnCallScheduleError
from pantau.catalog import Catalog, Office


class Contact(BaseModel):
    """A person (or a group chat) and the channels that reach them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = ""
    name: str
    telegram_chat_id: str | None = None
    email: str | None = None
    webhook_url: str | None = None


class Rotation(BaseModel):
    """Members take turns of `every_days` days from `start` (local time), in list order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: datetime
    every_days: float = Field(default=7, gt=0)
    members: tuple[str, ...] = Field(min_length=1)

    def member_at(self, local_now: datetime) -> str:
        elapsed_days = (local_now.replace(tzinfo=None) - self.start.replace(tzinfo=None)).total_seconds() / 86400
        return self.members[int(elapsed_days // self.every_days) % len(self.members)]


class Override(BaseModel):
    """Someone else on call from `start` to `end` (local time), e.g. for leave (cuti)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: datetime
    end: datetime
    contacts: tuple[str, ...] = Field(min_length=1)

    def covers(self, local_now: datetime) -> bool:
        naive = local_now.replace(tzinfo=None)
        return self.start.replace(tzinfo=None) <= naive < self.end.replace(tzinfo=None)


class ScheduleEntry(BaseModel):
    """On-call for one level at an office, a region or everywhere: fixed contacts or a rotation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: str
    office: str | None = None
    region: str | None = None
    contacts: tuple[str, ...] = ()
    rotation: Rotation | None = None
    overrides: tuple[Override, ...] = ()

    @model_validator(mode="after")
    def _someone(self) -> ScheduleEntry:
        if not self.contacts and self.rotation is None:
            raise ValueError("needs contacts or a rotation")
        return self

    @property
    def specificity(self) -> int:
        return 2 if self.office else 1 if self.region else 0

    def matches(self, office: Office) -> bool:
        return (self.office is None or self.office == office.id) and (
            self.region is None or self.region == office.region
        )

    def on_call(self, local_now: datetime) -> tuple[str, ...]:
        for override in self.overrides:
            if override.covers(local_now):
                return override.contacts
        members = (self.rotation.member_at(local_now),) if self.rotation is not None else ()
        return tuple(dict.fromkeys(members + self.contacts))


class OnCallSchedule(BaseModel):
    """Escalation levels in order, the contacts, and the schedule entries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: tuple[str, ...] = Field(min_length=1)
    contacts: dict[str, Contact]
    schedules: tuple[ScheduleEntry, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> OnCallSchedule:
        problems = []
        for index, entry in enumerate(self.schedules):
            if entry.level not in self.levels:
                problems.append(f"schedules[{index}]: level {entry.level!r} is not one of {list(self.levels)}")
            names = list(entry.contacts) + list(entry.rotation.members if entry.rotation else ())
            names += [name for override in entry.overrides for name in override.contacts]
            problems += [f"schedules[{index}]: unknown contact {name!r}" for name in names if name not in self.contacts]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def on_call(self, office: Office, level: int, now: datetime) -> list[Contact]:
        """Who is on call at escalation `level` (0 = first) for this office at `now`."""
        if not 0 <= level < len(self.levels):
            return []
        candidates = [e for e in self.schedules if e.level == self.levels[level] and e.matches(office)]
        if not candidates:
            return []
        best = max(entry.specificity for entry in candidates)
        local_now = now.astimezone(office.zone)
        names: dict[str, None] = {}
        for entry in candidates:
            if entry.specificity == best:
                names.update(dict.fromkeys(entry.on_call(local_now)))
        return [self.contacts[name].model_copy(update={"id": name}) for name in names]


def load_schedule(path: Path | str, catalog: Catalog | None = None) -> OnCallSchedule:
    """Load and check an on-call schedule; errors name the file and the entry."""
    source = Path(path)
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OnCallScheduleError(f"{source}: on-call schedule not found (set PANTAU_ALERT_ONCALL)") from None
    except yaml.YAMLError as exc:
        raise OnCallScheduleError(f"{source}: not valid YAML: {exc}") from None
    return parse_schedule(document, str(source), catalog)


def parse_schedule(document: Any, source: str = "<oncall>", catalog: Catalog | None = None) -> OnCallSchedule:
    """Check a parsed schedule document; offices and regions must exist in the catalog when given."""
    try:
        schedule = OnCallSchedule.model_validate(document)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors(include_url=False)
        )
        raise OnCallScheduleError(f"{source}: {details}") from None
    if catalog is not None:
        regions = {office.region for office in catalog.offices}
        for index, entry in enumerate(schedule.schedules):
            if entry.office is not None and not catalog.has_office(entry.office):
                raise OnCallScheduleError(
                    f"{source}: schedules[{index}]: office {entry.office!r} is not in the catalog"
                )
            if entry.region is not None and entry.region not in regions:
                raise OnCallScheduleError(
                    f"{source}: schedules[{index}]: region {entry.region!r} is not in the catalog"
                )
    return schedule
