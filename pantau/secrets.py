"""Secrets Pantau needs at run time, from configuration or, for a local set-up, generated once."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from pantau.errors import ConfigurationError
from pantau.settings import PantauSettings

log = logging.getLogger(__name__)

KEY_FILE = "pseudonym.key"
MIN_KEY_CHARS = 16


def pseudonym_key(settings: PantauSettings) -> bytes:
    """The HMAC key for NIK pseudonyms.

    From PANTAU_PSEUDONYM_KEY when set (deployments: the same key everywhere, so pseudonyms stay
    joinable). Otherwise a random key created once in the state directory with mode 0600, so a local
    run never falls back to a key written in the source code. An empty or short key is refused: an
    empty HMAC key makes every pseudonym reversible by anyone who tries all 10^16 NIKs. Whether the key
    is the one the stored data was pseudonymized with is checked where the data is
    (pantau.clickhouse.pseudonym_keys), because a lost key file is silently replaced here.
    """
    if settings.pseudonym_key is not None:
        return _checked(settings.pseudonym_key.get_secret_value(), "PANTAU_PSEUDONYM_KEY")
    path = Path(settings.state_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another Pantau process created it a moment ago
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
            log.warning("created a new pseudonym key in %s: keep a copy, it cannot be recreated", path)
    return _checked(path.read_text(), str(path))


def key_fingerprint(key: bytes) -> str:
    """A short, non-reversible name of a pseudonym key, stored with the data so a different key is noticed."""
    return hmac.new(key, b"pantau pseudonym key fingerprint v1", hashlib.sha256).hexdigest()[:16]


def _checked(value: str, origin: str) -> bytes:
    key = value.strip()
    if not key:
        raise ConfigurationError(f"{origin} is empty: a pseudonym key is a secret of {MIN_KEY_CHARS}+ characters")
    if len(key) < MIN_KEY_CHARS:
        raise ConfigurationError(f"{origin} is shorter than {MIN_KEY_CHARS} characters: too easy to guess")
    return key.encode()
