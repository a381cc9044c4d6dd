"""Random streams derived from the run's seed, independent of the process and of the other offices.

Every office-day gets its own generator seeded from (seed, office_id, date), so an office's events do
not change when more offices are simulated, and Python's per-process string hashing never leaks in.
"""

from __future__ import annotations

import hashlib
import random

_GOLDEN = 0.6180339887498949


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from its parts; the same parts give the same seed in every process."""
    text = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def derived_random(*parts: object) -> random.Random:
    """A generator of its own for one purpose, e.g. `derived_random(seed, office_id, day)`."""
    return random.Random(stable_seed(*parts))


def spread_flag(seed: int, stream: str, index: int, share: float) -> bool:
    """True for about `share` of office indices, spread evenly over every prefix of the catalog.

    A golden-ratio sequence instead of independent coin flips: its first eight points leave no gap
    wider than 0.146, so any run of eight or more offices has some of each kind for shares >= 0.15,
    and the share over the catalog is close to `share`. Tests and dashboards need both kinds.
    """
    phase = stable_seed(seed, stream) / 2.0**64
    return (phase + index * _GOLDEN) % 1.0 < share


def pick(choices: tuple[tuple[str, float], ...], roll: float) -> str:
    """The choice a uniform `roll` in [0, 1) lands on, for (value, share) pairs whose shares sum to ~1.

    Cheaper than `Random.choices` in the hot loops, and the caller controls the draw.
    """
    for value, share in choices:
        if roll < share:
            return value
        roll -= share
    return choices[-1][0]
