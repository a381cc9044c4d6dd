"""The service catalog: services with their published targets, offices with their hours (CONTRACT §2)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class Service(BaseModel):
    """A service type and its service standard (Standar Pelayanan) targets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1)
    target_wait_min: float = Field(gt=0, description="Waiting-time target at the office, minutes.")
    target_service_min: float = Field(gt=0, description="Service-time target at the counter, minutes.")
    target_within: float = Field(gt=0, le=1, description="Share of tickets to be within target_wait_min.")
    completion_working_days: int | None = Field(
        default=None, ge=0, description="Completion target in working days, where the standard has one."
    )

    @property
    def target_wait_s(self) -> float:
        """Waiting-time target in seconds, the unit of every duration Pantau stores."""
        return self.target_wait_min * 60.0


class OpeningHours(BaseModel):
    """Opening and closing time of one weekday, in the office's local time."""

    model_config = ConfigDict(frozen=True)

    opens: time
    closes: time


class Office(BaseModel):
    """A service office, in one time zone, open on the weekdays listed in `hours`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1)
    region: str = Field(min_length=1, description="Province.")
    district: str = Field(min_length=1, description="Kabupaten or kota.")
    timezone: str
    services: tuple[str, ...] = Field(min_length=1)
    hours: dict[str, str]

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA time zone (e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura)"
            ) from None
        return value

    @field_validator("hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("an office needs opening hours on at least one weekday")
        for day, span in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"unknown weekday {day!r}; use {', '.join(WEEKDAYS)}")
            match = _HOURS.match(span)
            if not match:
                raise ValueError(f"{day}: {span!r} is not HH:MM-HH:MM")
            opens, closes = span.split("-")
            if closes <= opens:
                raise ValueError(f"{day}: closes ({closes}) is not after opens ({opens})")
        return value

    @cached_property
    def zone(self) -> ZoneInfo:
        """The office's time zone; days, months and hours are in this calendar."""
        return ZoneInfo(self.timezone)

    def opening_hours(self, day: date) -> OpeningHours | None:
        """Hours on a local calendar date by weekday (holidays are the calendar's concern), or None."""
        span = self.hours.get(WEEKDAYS[day.weekday()])
        if span is None:
            return None
        opens, closes = span.split("-")
        return OpeningHours(opens=time.fromisoformat(opens), closes=time.fromisoformat(closes))

    def local_datetime(self, day: date, at: time) -> datetime:
        """An aware datetime for a local wall-clock time at this office."""
        return datetime.combine(day, at, tzinfo=self.zone)

    def day_start(self, at: datetime) -> datetime:
        """Local midnight of the office's calendar day holding `at`."""
        return self.local_datetime(at.astimezone(self.zone).date(), time(0))

    def weekly_open_hours(self) -> float:
        """Hours open per week, a sanity figure for catalog reviews."""
        total = timedelta()
        for span in self.hours.values():
            opens, closes = (time.fromisoformat(part) for part in span.split("-"))
            total += datetime.combine(date.min, closes) - datetime.combine(date.min, opens)
        return total.total_seconds() / 3600


class Catalog(BaseModel):
    """Services and offices, with lookups by code and id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    services: tuple[Service, ...] = Field(min_length=1)
    offices: tuple[Office, ...] = Field(min_length=1)

    @cached_property
    def services_by_code(self) -> dict[str, Service]:
        return {service.code: service for service in self.services}

    @cached_property
    def offices_by_id(self) -> dict[str, Office]:
        return {office.id: office for office in self.offices}

    def has_office(self, office_id: str) -> bool:
        return office_id in self.offices_by_id

    def has_service(self, service_code: str) -> bool:
        return service_code in self.services_by_code

    def office(self, office_id: str) -> Office:
        """The office with this id; KeyError names it when absent."""
        return self.offices_by_id[office_id]

    def service(self, service_code: str) -> Service:
        """The service with this code; KeyError names it when absent."""
        return self.services_by_code[service_code]
