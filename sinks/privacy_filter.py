"""Personal data out before storage: the reporter's NIK becomes a keyed pseudonym, free text is redacted."""

from __future__ import annotations

from typing import Any

from pantau.privacy import pseudonymize_nik, redact_text


class PrivacyFilter:
    """Applies Pantau's pseudonymization (UU 27/2022) to a raw complaint event before it is kept."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def scrub_complaint(self, document: dict[str, Any]) -> dict[str, Any]:
        scrubbed = dict(document)
        nik = scrubbed.pop("reporter_nik", None)
        if isinstance(nik, str) and nik:
            scrubbed["reporter_ref"] = pseudonymize_nik(nik, self._key)
        text = scrubbed.get("text")
        if isinstance(text, str):
            scrubbed["text"] = redact_text(text)
        return scrubbed
