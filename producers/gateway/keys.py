"""Per-office API keys for the gateway, compared in constant time and stored hashed if the operator wants.

The keys file maps office_id to either the key itself or `sha256:<hex digest of the key>`; the hashed
form lets the file be deployed without being a secret. A presented key is hashed and compared with every
office's digest using `hmac.compare_digest`, so timing reveals neither which office nor how much matched.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import yaml

from pantau.errors import ConfigurationError


class OfficeKeys:
    """Which office a presented key belongs to."""

    def __init__(self, digests: dict[str, bytes]) -> None:
        self._digests = digests

    @classmethod
    def from_mapping(cls, keys: dict[str, str]) -> OfficeKeys:
        digests: dict[str, bytes] = {}
        owners: dict[bytes, str] = {}
        for office_id, value in keys.items():
            if not isinstance(value, str) or not value:
                raise ConfigurationError(f"gateway keys: the key of {office_id!r} must be a non-empty string")
            if value.startswith("sha256:"):
                try:
                    digests[office_id] = bytes.fromhex(value.removeprefix("sha256:"))
                except ValueError:
                    raise ConfigurationError(f"gateway keys: {office_id!r} has a malformed sha256 digest") from None
            else:
                if len(value) < 16:
                    raise ConfigurationError(f"gateway keys: the key of {office_id!r} is shorter than 16 characters")
                digests[office_id] = digest(value)
            other = owners.setdefault(digests[office_id], office_id)
            if other != office_id:
                # Either office could then send as the other, and the gateway could not tell which one sent.
                raise ConfigurationError(
                    f"gateway keys: {other!r} and {office_id!r} have the same key; give each office its own"
                )
        return cls(digests)

    @classmethod
    def load(cls, path: Path) -> OfficeKeys:
        """Read a YAML mapping `office_id: key-or-sha256:digest`; errors name the file."""
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigurationError(f"{path}: cannot read gateway keys: {exc}") from None
        if not isinstance(document, dict):
            raise ConfigurationError(f"{path}: expected a mapping of office_id to key")
        return cls.from_mapping({str(office): value for office, value in document.items()})

    @property
    def offices(self) -> list[str]:
        return sorted(self._digests)

    def office_for(self, presented_key: str) -> str | None:
        """The office whose key this is, or None; checks every office so the time does not depend on a match."""
        presented = digest(presented_key)
        found: str | None = None
        for office_id, expected in self._digests.items():
            if hmac.compare_digest(presented, expected):
                found = office_id
        return found


def digest(key: str) -> bytes:
    """SHA-256 of the key; a header that is not UTF-8 (aiohttp keeps bytes as surrogates) hashes, matching nothing."""
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()
