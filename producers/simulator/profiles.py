"""Each office's character, drawn once per seed: size, counters, load, staffing and punctuality.

Size comes from the kind of office (a Mal Pelayanan Publik is large, a DPMPTSP desk small) and sets
the counters per service; demand is then set as a share of those counters' capacity (the load).
Most offices run at 55-75 % on average, so only the morning peak builds queues. About one office in
five is chronically understaffed: demand at or above capacity and slower counters, so waits breach
the target, citizens give up, complain and score the survey low. About one in seven opens its
counters late most days. Both flags are spread evenly over the catalog (see `spread_flag`), so any
run of eight or more offices has some of each.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from pantau.catalog import Catalog, Office, Service
from producers.simulator.calendar import OfficeCalendar
from producers.simulator.seeding import derived_random, spread_flag

UNDERSTAFFED_SHARE = 0.2
CHRONICALLY_LATE_SHARE = 0.15
SERVICE_TIME_SIGMA = 0.45  # lognormal shape of service times: right-skewed, a few long cases

_KIND_SIZE = {"MPP": "large", "DUKCAPIL": "medium", "SAMSAT": "medium", "KANIM": "medium", "DPMPTSP": "small"}
# (min, max) counters per service, for offices with one service and with several.
_COUNTERS = {"large": ((5, 8), (3, 5)), "medium": ((4, 7), (2, 4)), "small": ((2, 3), (1, 3))}

# BPS province codes, the first two digits of a NIK, for complaint reporters of each region.
_PROVINCE_CODES = {
    "Aceh": "11", "Sumatera Utara": "12", "Sumatera Barat": "13", "Riau": "14", "Jambi": "15",
    "Sumatera Selatan": "16", "Bengkulu": "17", "Lampung": "18", "Kepulauan Bangka Belitung": "19",
    "Kepulauan Riau": "21", "DKI Jakarta": "31", "Jawa Barat": "32", "Jawa Tengah": "33",
    "DI Yogyakarta": "34", "Jawa Timur": "35", "Banten": "36", "Bali": "51", "Nusa Tenggara Barat": "52",
    "Nusa Tenggara Timur": "53", "Kalimantan Barat": "61", "Kalimantan Tengah": "62",
    "Kalimantan Selatan": "63", "Kalimantan Timur": "64", "Kalimantan Utara": "65", "Sulawesi Utara": "71",
    "Sulawesi Tengah": "72", "Sulawesi Selatan": "73", "Sulawesi Tenggara": "74", "Gorontalo": "75",
    "Sulawesi Barat": "76", "Maluku": "81", "Maluku Utara": "82", "Papua": "91", "Papua Barat": "92",
    "Papua Selatan": "93", "Papua Tengah": "94", "Papua Pegunungan": "95", "Papua Barat Daya": "96",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ServiceDesk:
    """One service at one office: its counters, its load and how long a service takes there."""

    service: Service
    counter_ids: tuple[str, ...]
    load: float  # average arrivals over the issuing hours / the capacity of `demand_counters` counters
    median_service_s: float
    demand_counters: int = 0
    """The counters the demand is sized to (the office's own staffing); 0: as many as serve. A staffing
    override (SimulationOptions.staffing) changes the counters serving, never the citizens arriving."""

    @property
    def demand_capacity_counters(self) -> int:
        return self.demand_counters or len(self.counter_ids)

    @property
    def mean_service_s(self) -> float:
        """Mean of the lognormal service time."""
        return self.median_service_s * math.exp(SERVICE_TIME_SIGMA**2 / 2)


@dataclass(frozen=True)
class OfficeProfile:
    """What makes an office behave the way it does, for one seed."""

    index: int
    office: Office
    calendar: OfficeCalendar
    size: str  # large, medium or small
    desks: tuple[ServiceDesk, ...]
    understaffed: bool
    chronically_late: bool
    rejection_share: float  # services ending "rejected_incomplete" (unclear requirements, berbelit-belit)
    survey_share: float  # served citizens who answer the SKM survey
    staff_courtesy: float  # shifts survey unsur U6/U7 and behaviour complaints; negative is worse
    province_code: str


def office_size(office: Office) -> str:
    """large, medium or small: by the kind of office in its id, else by the number of services."""
    kind = office.id.split("-", 1)[0].upper()
    if kind in _KIND_SIZE:
        return _KIND_SIZE[kind]
    if len(office.services) >= 5:
        return "large"
    return "medium" if len(office.services) >= 2 else "small"


def build_profiles(
    catalog: Catalog, seed: int, count: int, staffing: Mapping[tuple[str, str], int] | None = None
) -> list[OfficeProfile]:
    """Profiles of the first `count` offices of the catalog; `staffing`: (office_id, service) -> counters serving."""
    return [
        office_profile(catalog, office, index, seed, staffing) for index, office in enumerate(catalog.offices[:count])
    ]


def office_profile(
    catalog: Catalog, office: Office, index: int, seed: int, staffing: Mapping[tuple[str, str], int] | None = None
) -> OfficeProfile:
    """One office's profile; depends only on the seed, the office and its position in the catalog.

    `staffing` overrides how many counters serve a service; the random draws, so the arrivals, stay
    those of the office's own staffing (the demand is sized to it).
    """
    rng = derived_random(seed, office.id, "profile")
    size = office_size(office)
    understaffed = spread_flag(seed, "understaffed", index, UNDERSTAFFED_SHARE)
    chronically_late = spread_flag(seed, "late", index, CHRONICALLY_LATE_SHARE)
    single, several = _COUNTERS[size]
    low, high = single if len(office.services) == 1 else several
    speed = rng.uniform(1.05, 1.2) if understaffed else rng.uniform(0.8, 0.95)
    desks: list[ServiceDesk] = []
    number = 0
    for code in office.services:
        service = catalog.service(code)
        own = rng.randint(low, high)
        counters = []
        for _ in range((staffing or {}).get((office.id, code), own)):
            number += 1
            counters.append(f"L{number:02d}")
        mean_s = service.target_service_min * 60.0 * speed
        desks.append(
            ServiceDesk(
                service=service,
                counter_ids=tuple(counters),
                load=rng.uniform(1.0, 1.15) if understaffed else rng.uniform(0.45, 0.65),
                median_service_s=mean_s / math.exp(SERVICE_TIME_SIGMA**2 / 2),
                demand_counters=own,
            )
        )
    return OfficeProfile(
        index=index,
        office=office,
        calendar=OfficeCalendar(office),
        size=size,
        desks=tuple(desks),
        understaffed=understaffed,
        chronically_late=chronically_late,
        rejection_share=rng.uniform(0.03, 0.08),
        survey_share=rng.uniform(0.15, 0.3),
        staff_courtesy=rng.uniform(-0.45, -0.15) if understaffed else rng.uniform(-0.1, 0.15),
        province_code=_PROVINCE_CODES.get(office.region, "31"),
    )
