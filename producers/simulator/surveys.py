"""SKM satisfaction surveys (PermenPANRB 14/2017) after service, with scores that fall as waits grow.

A share of served citizens (per office, 15-30 %) answers on the tablet at the counter within minutes.
Each unsur U1..U9 is answered 1-4 around a typical level (U4 biaya is high: most services are free),
moved by the respondent's general mood, by the office's staff courtesy (U6 kompetensi, U7 perilaku)
and down by how far the wait ran past half its target, U3 (waktu penyelesaian) most of all.
"""

from __future__ import annotations

import random

from producers.simulator.queueing import Ticket

# Typical answer per unsur U1..U9 before rounding, and how much a long wait pulls each one down.
UNSUR_LEVEL = (3.3, 3.25, 3.2, 3.6, 3.3, 3.35, 3.4, 3.15, 3.1)
WAIT_SENSITIVITY = (0.1, 0.25, 0.75, 0.0, 0.1, 0.15, 0.25, 0.15, 0.15)
COURTESY_WEIGHT = (0.0, 0.3, 0.0, 0.0, 0.0, 0.6, 1.0, 0.4, 0.0)
_KEYS = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
_MAX_LATENESS = 3.0


def survey_delay_s(rng: random.Random) -> float:
    """Seconds between the end of service and the survey being submitted."""
    return rng.uniform(20.0, 600.0)


def survey_scores(rng: random.Random, ticket: Ticket, staff_courtesy: float) -> dict[str, int]:
    """Scores u1..u9 for one respondent, each an integer 1-4."""
    lateness = min(max(ticket.wait_ratio - 0.5, 0.0), _MAX_LATENESS)
    mood = rng.gauss(0.0, 0.3)
    gauss = rng.gauss
    scores: dict[str, int] = {}
    for key, level, sensitivity, courtesy in zip(_KEYS, UNSUR_LEVEL, WAIT_SENSITIVITY, COURTESY_WEIGHT, strict=True):
        value = level + mood + courtesy * staff_courtesy - sensitivity * lateness + gauss(0.0, 0.45)
        scores[key] = 4 if value >= 3.5 else 1 if value < 1.5 else int(value + 0.5)
    return scores
