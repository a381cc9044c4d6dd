"""The pseudonym key must stay the one the stored data was pseudonymized with, unless rotated on purpose.

A complaint's reporter is kept as `reporter_ref`, an HMAC of the NIK. With another key the same
citizen gets another reference, and nothing shows it: counts of repeat complainants fall, a
reporter's history splits in two. So the fingerprint of the key in use is stored with the data
(table `pseudonym_keys`) and every start of the pipeline compares it: a different key is refused
with what to do, unless PANTAU_PSEUDONYM_KEY_ROTATION=1 asks for the new key to be used from now on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from clickhouse_connect.driver.client import Client

from pantau.errors import ConfigurationError
from pantau.secrets import key_fingerprint


class PseudonymKeyMismatchError(ConfigurationError):
    """The configured pseudonym key is not the one the stored data was pseudonymized with."""


@dataclass(frozen=True)
class KeyCheck:
    """The outcome of a start's key check: the fingerprint in use, and whether it was recorded just now."""

    fingerprint: str
    recorded: bool
    rotated_from: str | None = None


def verify_pseudonym_key(client: Client, database: str, key: bytes, rotation: bool = False) -> KeyCheck:
    """Compare `key` with the newest recorded fingerprint; record it when there is none or a rotation is asked.

    Raises PseudonymKeyMismatchError for another key without `rotation`.
    """
    fingerprint = key_fingerprint(key)
    rows = client.query(
        f"SELECT fingerprint, recorded_at FROM {database}.pseudonym_keys FINAL ORDER BY recorded_at DESC LIMIT 1"
    ).result_rows
    if rows and rows[0][0] == fingerprint:
        return KeyCheck(fingerprint, recorded=False)
    current = str(rows[0][0]) if rows else None
    if current is not None and not rotation:
        since = rows[0][1].strftime("%Y-%m-%d %H:%M UTC")
        raise PseudonymKeyMismatchError(
            f"The pseudonym key in use (fingerprint {fingerprint}) is not the key this data was pseudonymized with "
            f"(fingerprint {current}, in use since {since}). With it, every citizen would get a new reporter_ref "
            "and complaint histories would split. Restore the key (PANTAU_PSEUDONYM_KEY, or the file "
            "pseudonym.key in the state directory, from your backup), or set PANTAU_PSEUDONYM_KEY_ROTATION=1 "
            "to start new pseudonyms on purpose (older ones then no longer join the new)."
        )
    client.insert(
        f"{database}.pseudonym_keys",
        [[fingerprint, datetime.now(UTC), int(current is not None)]],
        column_names=["fingerprint", "recorded_at", "rotation"],
    )
    return KeyCheck(fingerprint, recorded=True, rotated_from=current)


def describe_key_check(check: KeyCheck) -> str | None:
    """What a start should tell its user about the key, or None when nothing changed."""
    if check.rotated_from is not None:
        return (
            f"Pseudonym key rotated: fingerprint {check.rotated_from} -> {check.fingerprint}; "
            "reporter_ref values from now on do not join earlier ones"
        )
    if check.recorded:
        return f"Pseudonym key recorded with the data (fingerprint {check.fingerprint})"
    return None
