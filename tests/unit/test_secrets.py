"""The pseudonym key: never empty or short, generated once per state directory, private to its owner."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from pantau.errors import ConfigurationError
from pantau.secrets import KEY_FILE, key_fingerprint, pseudonym_key
from pantau.settings import PantauSettings


@pytest.mark.parametrize("value", ["", "   ", "\n"])
def test_an_empty_configured_key_is_refused(value: str, tmp_path: Path) -> None:
    settings = PantauSettings(pseudonym_key=SecretStr(value), state_dir=tmp_path)
    with pytest.raises(ConfigurationError, match="PANTAU_PSEUDONYM_KEY is empty"):
        pseudonym_key(settings)


def test_a_short_configured_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="shorter than 16"):
        pseudonym_key(PantauSettings(pseudonym_key=SecretStr("bench"), state_dir=tmp_path))


def test_an_empty_key_file_is_refused_not_replaced(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_text("")
    with pytest.raises(ConfigurationError, match=f"{KEY_FILE} is empty"):
        pseudonym_key(PantauSettings(state_dir=tmp_path))
    assert (tmp_path / KEY_FILE).read_text() == ""


def test_a_generated_key_is_random_private_and_kept(tmp_path: Path) -> None:
    first = pseudonym_key(PantauSettings(state_dir=tmp_path / "a"))
    assert pseudonym_key(PantauSettings(state_dir=tmp_path / "a")) == first
    assert pseudonym_key(PantauSettings(state_dir=tmp_path / "b")) != first
    assert stat.S_IMODE((tmp_path / "a" / KEY_FILE).stat().st_mode) == 0o600
    assert len(first) == 64


def test_a_fingerprint_names_a_key_without_revealing_it() -> None:
    key = b"a-pseudonym-key-of-some-length"
    assert key_fingerprint(key) == key_fingerprint(key) and len(key_fingerprint(key)) == 16
    assert key_fingerprint(key) != key_fingerprint(key + b"!")
    assert key.decode() not in key_fingerprint(key)
