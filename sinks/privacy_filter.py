"""Personal data out before storage: the reporter's NIK becomes a keyed pseudonym, free text is redacted."""

from __future__ import annotations

from typing import Any

from pantau.privacy import scrub_event


class PrivacyFilter:
    """Applies Pantau's pseudonymization (UU 27/2022) to a raw event before it is kept."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def scrub_event(self, document: dict[str, Any]) -> dict[str, Any]:
        """Any stored event: a complaint's NIK pseudonymized, then every other string redacted."""
        return scrub_event(document, self._key)
