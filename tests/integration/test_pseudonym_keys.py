"""The stored fingerprint of the pseudonym key refuses a start with another key (real embedded engine)."""

from __future__ import annotations

import pytest
from clickhouse_connect.driver.client import Client

from pantau.clickhouse.pseudonym_keys import PseudonymKeyMismatchError, describe_key_check, verify_pseudonym_key
from pantau.secrets import key_fingerprint

pytestmark = pytest.mark.integration

OLD = b"the-key-the-data-was-made-with"
NEW = b"a-key-from-a-regenerated-file"


def test_the_first_start_records_the_key_and_later_starts_pass(clickhouse: Client, migrated_database: str) -> None:
    first = verify_pseudonym_key(clickhouse, migrated_database, OLD)
    assert first.recorded and first.fingerprint == key_fingerprint(OLD)
    assert describe_key_check(first) == f"Pseudonym key recorded with the data (fingerprint {key_fingerprint(OLD)})"
    again = verify_pseudonym_key(clickhouse, migrated_database, OLD)
    assert not again.recorded and describe_key_check(again) is None
    rows = clickhouse.query(f"SELECT fingerprint, rotation FROM {migrated_database}.pseudonym_keys").result_rows
    assert rows == [(key_fingerprint(OLD), 0)]


def test_another_key_is_refused_with_what_to_do(clickhouse: Client, migrated_database: str) -> None:
    verify_pseudonym_key(clickhouse, migrated_database, OLD)
    with pytest.raises(PseudonymKeyMismatchError) as refused:
        verify_pseudonym_key(clickhouse, migrated_database, NEW)
    message = str(refused.value)
    assert key_fingerprint(OLD) in message and key_fingerprint(NEW) in message
    assert "PANTAU_PSEUDONYM_KEY_ROTATION=1" in message and "Restore the key" in message
    assert OLD.decode() not in message and NEW.decode() not in message, "the message names keys by fingerprint only"
    count = clickhouse.query(f"SELECT count() FROM {migrated_database}.pseudonym_keys").result_rows
    assert count == [(1,)], "a refused key is not recorded"


def test_a_rotation_asked_for_is_recorded_and_then_the_old_key_is_the_stranger(
    clickhouse: Client, migrated_database: str
) -> None:
    verify_pseudonym_key(clickhouse, migrated_database, OLD)
    rotated = verify_pseudonym_key(clickhouse, migrated_database, NEW, rotation=True)
    assert rotated.recorded and rotated.rotated_from == key_fingerprint(OLD)
    assert "rotated" in (describe_key_check(rotated) or "")
    assert not verify_pseudonym_key(clickhouse, migrated_database, NEW).recorded
    with pytest.raises(PseudonymKeyMismatchError):
        verify_pseudonym_key(clickhouse, migrated_database, OLD)
