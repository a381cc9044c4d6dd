"""Secrets Pantau needs at run time, from configuration or, for a local set-up, generated once."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pantau.settings import PantauSettings

_KEY_FILE = "pseudonym.key"


def pseudonym_key(settings: PantauSettings) -> bytes:
    """The HMAC key for NIK pseudonyms.

    From PANTAU_PSEUDONYM_KEY when set (deployments: the same key everywhere, so pseudonyms stay
    joinable). Otherwise a random key created once in the state directory with mode 0600, so a local
    run never falls back to a key written in the source code.
    """
    if settings.pseudonym_key is not None:
        return settings.pseudonym_key.get_secret_value().encode()
    path = Path(settings.state_dir) / _KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another Pantau process created it a moment ago
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
