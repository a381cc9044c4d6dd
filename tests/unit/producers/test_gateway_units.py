"""Gateway keys and rate limiting, without a network."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.errors import ConfigurationError
from producers.gateway import OfficeKeys, RateLimiter
from producers.gateway.keys import digest


def test_keys_map_to_offices_in_plain_and_hashed_form(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(f"MPP-JKT-01: plain-key-0123456789\nKANIM-DPS: sha256:{digest('hashed-key-0123456789').hex()}\n")
    keys = OfficeKeys.load(path)
    assert keys.office_for("plain-key-0123456789") == "MPP-JKT-01"
    assert keys.office_for("hashed-key-0123456789") == "KANIM-DPS"
    assert keys.office_for("plain-key-012345678") is None
    assert keys.offices == ["KANIM-DPS", "MPP-JKT-01"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("MPP: short", "shorter than 16"),
        ("MPP: 'sha256:zz'", "malformed sha256"),
        ("- a list", "expected a mapping"),
        ("A: same-key-0123456789\nB: same-key-0123456789", "'A' and 'B' have the same key"),
        (f"A: same-key-0123456789\nB: sha256:{digest('same-key-0123456789').hex()}", "'A' and 'B' have the same key"),
    ],
)
def test_bad_key_files_are_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(content)
    with pytest.raises(ConfigurationError, match=message):
        OfficeKeys.load(path)


def test_a_key_that_is_not_utf8_matches_no_office() -> None:
    keys = OfficeKeys.from_mapping({"MPP-JKT-01": "plain-key-0123456789"})
    assert keys.office_for(b"\xff\xfe".decode("utf-8", "surrogateescape")) is None


def test_the_rate_limiter_refills_over_time_per_office() -> None:
    now = [0.0]
    limiter = RateLimiter(rate_per_s=10, burst=20, clock=lambda: now[0])
    assert limiter.try_take("A", 20) == 0.0
    assert limiter.try_take("A", 5) == pytest.approx(0.5)
    assert limiter.try_take("B", 20) == 0.0
    now[0] = 1.0
    assert limiter.try_take("A", 10) == 0.0
    assert limiter.try_take("A", 21) == float("inf")
