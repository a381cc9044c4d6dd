"""IKM, the community satisfaction index of PermenPANRB 14/2017, and its periods.

NRR_i = sum of answers to unsur U_i / respondents; weighted NRR = sum(NRR_i x 0.111); IKM = weighted
NRR x 25. The regulation's weight 0.111 (not 1/9) is the default, so a perfect survey gives 99.9.
Arithmetic is exact (fractions, with the weight taken as the decimal it is written as) and converted
to float once, so 74.925 is 74.925 and not 74.92499999 when rounded half-up for display.

The grade (mutu) is read from the IKM rounded to 2 decimals, as published: the regulation's
intervals (A 88.31-100, B 76.61-88.30, C 65.00-76.60, D 25.00-64.99) are written in 2 decimals, and
a report must never show "76.61, C". The full value is kept in the ikm column.

Periods are the office's local calendar: a survey at 07:30 WIT on 1 November is 22:30 UTC on
31 October, and it belongs to November. Period kinds: month (default), quarter, semester, year.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pantau.contract.models import SurveyScores

UNSUR_COUNT = 9
UNSUR_NAMES = (
    "Persyaratan",
    "Sistem, mekanisme dan prosedur",
    "Waktu penyelesaian",
    "Biaya/tarif",
    "Produk spesifikasi jenis pelayanan",
    "Kompetensi pelaksana",
    "Perilaku pelaksana",
    "Penanganan pengaduan, saran dan masukan",
    "Sarana dan prasarana",
)
DEFAULT_WEIGHT = "0.111"
IKM_SCALE = 25

Mutu = Literal["A", "B", "C", "D"]
PeriodKind = Literal["month", "quarter", "semester", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "semester", "year")

MUTU_THRESHOLDS: tuple[tuple[Decimal, Mutu], ...] = (
    (Decimal("88.31"), "A"),
    (Decimal("76.61"), "B"),
    (Decimal("65.00"), "C"),
)
MUTU_LABELS: Mapping[Mutu, str] = {"A": "Sangat Baik", "B": "Baik", "C": "Kurang Baik", "D": "Tidak Baik"}
MUTU_LABELS_EN: Mapping[Mutu, str] = {"A": "Very good", "B": "Good", "C": "Poor", "D": "Very poor"}

Weight = str | float | Decimal
_NRR_COLUMNS = tuple(f"nrr_u{index}" for index in range(1, UNSUR_COUNT + 1))


def ikm_from_sums(score_sums: Sequence[int], respondents: int, weight: Weight = DEFAULT_WEIGHT) -> float:
    """IKM from the per-unsur sums of answers and the number of respondents, computed exactly."""
    if len(score_sums) != UNSUR_COUNT:
        raise ValueError(f"expected {UNSUR_COUNT} unsur sums, got {len(score_sums)}")
    if respondents <= 0:
        raise ValueError("IKM needs at least one respondent")
    numerator, denominator = _weight_ratio(weight)
    # Python's int / int is correctly rounded, so this is float() of the exact fraction, without one.
    return sum(score_sums) * numerator * IKM_SCALE / (respondents * denominator)


def ikm_from_nrr(nrr: Sequence[float], weight: Weight = DEFAULT_WEIGHT) -> float:
    """IKM from the nine NRR values (each 1-4), e.g. as published in a survey report."""
    if len(nrr) != UNSUR_COUNT:
        raise ValueError(f"expected {UNSUR_COUNT} NRR values, got {len(nrr)}")
    return float(sum(_fraction(value) for value in nrr) * _fraction(weight) * IKM_SCALE)


def round_ikm(ikm: float) -> float:
    """The IKM as displayed: 2 decimals, half up (74.925 -> 74.93)."""
    return float(_rounded(ikm))


@functools.lru_cache(maxsize=4096)
def mutu(ikm: float) -> Mutu:
    """The grade of an IKM, judged on its displayed (2-decimal) value.

    Cached: the worker grades the same IKM again every time a completed ticket only changes `served`.
    """
    shown = _rounded(ikm)
    for threshold, grade in MUTU_THRESHOLDS:
        if shown >= threshold:
            return grade
    return "D"


def mutu_label(grade: Mutu, language: Literal["id", "en"] = "id") -> str:
    """'Sangat Baik', 'Baik', 'Kurang Baik', 'Tidak Baik' (or English)."""
    return (MUTU_LABELS if language == "id" else MUTU_LABELS_EN)[grade]


def min_sample(population: int) -> int:
    """Krejcie & Morgan minimum respondents for `population` citizens served (95% confidence, 5% error).

    s = 3.841 N 0.25 / (0.0025 (N - 1) + 3.841 x 0.25), rounded up; 0 for an empty population.
    Exact rational arithmetic, so the rounding up is never off by a float error. In integers:
    s = 3841 N / (10 (N - 1) + 3841), since 0.0025 x 4000 = 10 and 3.841 x 0.25 x 4000 = 3841.
    """
    if population <= 0:
        return 0
    numerator = 3841 * population
    denominator = 10 * (population - 1) + 3841
    return -(-numerator // denominator)


def period_start(ts: datetime, tz: ZoneInfo | str, kind: PeriodKind = "month") -> date:
    """First day of the month/quarter/semester/year holding `ts` in the office's local calendar."""
    if ts.tzinfo is None:
        raise ValueError(f"naive timestamp {ts.isoformat()}: pass an aware datetime")
    return period_start_of_day(ts.astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz).date(), kind)


def period_start_of_day(local: date, kind: PeriodKind = "month") -> date:
    """First day of the period holding the local date `local` (one date serves every kind of a moment)."""
    months = _period_months(kind)
    return date(local.year, (local.month - 1) // months * months + 1, 1)


def next_period_start(period: date, kind: PeriodKind = "month") -> date:
    """First day of the period after the one starting on `period`."""
    month_index = period.year * 12 + period.month - 1 + _period_months(kind)
    return date(month_index // 12, month_index % 12 + 1, 1)


@dataclass
class IkmAccumulator:
    """Sums of answers per unsur, respondents and citizens served in one period; mergeable.

    Surveys must be deduplicated by survey_id before `add_survey` (sums are not idempotent).
    `served` is the Krejcie-Morgan population: completed services in the period (any outcome of
    service.completed, see ticket_lifecycle.COMPLETED_OUTCOMES).
    """

    score_sums: list[int] = field(default_factory=lambda: [0] * UNSUR_COUNT)
    respondents: int = 0
    served: int = 0

    def add_survey(self, scores: SurveyScores | Sequence[int]) -> None:
        """Count one respondent's nine answers (1-4 each)."""
        values = scores.as_tuple() if isinstance(scores, SurveyScores) else tuple(scores)
        if len(values) != UNSUR_COUNT or any(not 1 <= value <= 4 for value in values):
            raise ValueError(f"a survey has {UNSUR_COUNT} answers from 1 to 4, got {values}")
        for index, value in enumerate(values):
            self.score_sums[index] += value
        self.respondents += 1

    def add_served(self, count: int = 1) -> None:
        """Count completed services of the period."""
        self.served += count

    def merge(self, other: IkmAccumulator) -> None:
        """Add another accumulator (e.g. three months into a quarter)."""
        self.score_sums = [mine + theirs for mine, theirs in zip(self.score_sums, other.score_sums, strict=True)]
        self.respondents += other.respondents
        self.served += other.served

    def nrr(self) -> list[float] | None:
        """NRR per unsur, U1..U9; None without respondents."""
        if not self.respondents:
            return None
        return [total / self.respondents for total in self.score_sums]

    def ikm(self, weight: Weight = DEFAULT_WEIGHT) -> float | None:
        """Full-precision IKM; None without respondents."""
        return ikm_from_sums(self.score_sums, self.respondents, weight) if self.respondents else None

    def to_row(
        self, office_id: str, period_kind: PeriodKind, period: date, weight: Weight = DEFAULT_WEIGHT
    ) -> dict[str, Any] | None:
        """The ikm row (every column but `_version`); None without respondents (no IKM to show)."""
        nrr, ikm = self.nrr(), self.ikm(weight)
        if nrr is None or ikm is None:
            return None
        needed = min_sample(self.served)
        row: dict[str, Any] = {"office_id": office_id, "period_kind": period_kind, "period": period}
        row["respondents"] = self.respondents
        row.update(zip(_NRR_COLUMNS, nrr, strict=True))
        row.update(
            ikm=ikm,
            mutu=mutu(ikm),
            served=self.served,
            min_sample=needed,
            below_min_sample=int(self.respondents < needed),
        )
        return row

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-safe form for a Faust table."""
        return {"score_sums": list(self.score_sums), "respondents": self.respondents, "served": self.served}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IkmAccumulator:
        """Inverse of `to_dict`."""
        return cls([int(value) for value in data["score_sums"]], int(data["respondents"]), int(data["served"]))


@functools.lru_cache(maxsize=64)
def _weight_ratio(weight: Weight) -> tuple[int, int]:
    """The weight as the integers of its exact fraction, cached: every IKM row of a run has the same weight."""
    fraction = _fraction(weight)
    return fraction.numerator, fraction.denominator


def _fraction(value: Weight) -> Fraction:
    # str() of a float is its shortest decimal form, so 0.111 becomes exactly 111/1000.
    return Fraction(str(value)) if not isinstance(value, str) else Fraction(value)


def _rounded(ikm: float) -> Decimal:
    return Decimal(repr(ikm)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _period_months(kind: PeriodKind) -> int:
    months = {"month": 1, "quarter": 3, "semester": 6, "year": 12}.get(kind)
    if months is None:
        raise ValueError(f"unknown period kind {kind!r}; use one of {', '.join(PERIOD_KINDS)}")
    return months
