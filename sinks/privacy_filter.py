"""Personal data out before storage: the reporter's NIK becomes a keyed pseudonym, free text is redacted."""

from __future__ import annotations

from typing import Any

from pantau.privacy import normalize_nik, pseudonymize_nik, redact_document, redact_text


class PrivacyFilter:
    """Applies Pantau's pseudonymization (UU 27/2022) to a raw complaint event before it is kept."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def scrub_complaint(self, document: dict[str, Any]) -> dict[str, Any]:
        """The complaint with its NIK as a pseudonym (none for a "NIK" without digits, e.g. "tidak ada")."""
        scrubbed = dict(document)
        nik = scrubbed.pop("reporter_nik", None)
        if isinstance(nik, str) and normalize_nik(nik):
            scrubbed["reporter_ref"] = pseudonymize_nik(nik, self._key)
        text = scrubbed.get("text")
        if isinstance(text, str):
            scrubbed["text"] = redact_text(text)
        return scrubbed

    def scrub_event(self, document: dict[str, Any], is_complaint_filing: bool) -> dict[str, Any]:
        """Any stored event: the complaint's NIK pseudonymized, then every other string redacted."""
        if is_complaint_filing:
            document = self.scrub_complaint(document)
        return redact_document(document)
