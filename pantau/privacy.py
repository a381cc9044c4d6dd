"""Personal data out of complaints before they are kept (UU 27/2022): NIK pseudonyms and redaction.

A NIK becomes a keyed HMAC-SHA256 pseudonym: stable under one key, so complaints of one reporter can
be linked, and useless without the key (the NIK space is small enough to brute-force an unkeyed
hash). The pseudonym is the same as `pantau.privacy.pseudonymize_nik` gives for the same digits, so
the sink's `events` table and the stream's `complaints` table link up.

Free text loses e-mail addresses, then NIK-like strings, then Indonesian phone numbers. A NIK-like
string is 16 digits with any separators between them: up to three spaces, dots, dashes, slashes or
underscores (3171/0123/4567/0080, 3171  0123  4567  0013); invisible characters (zero-width spaces,
soft hyphens, BOMs) and non-ASCII digits hide nothing (see `redact_text`). Phones: mobiles written
08..., +62 8..., 62 8... or (0812) ...; landlines written with a leading 0 or +62 and an area code,
e.g. (021) 7654321, 0274-123456; separators as for a NIK but one at a time. The phone patterns are
anchored on those prefixes and digit counts, so a queue number, a time (10.30), a date (02-11-2026,
2026-11-02) and an amount (Rp 50.000, Rp 625.000.000) stay as written. Over-redaction is the safe
failure: any run of 16 digits is taken as a NIK.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from typing import Any

NIK_TOKEN = "[NIK]"
PHONE_TOKEN = "[TELEPON]"
EMAIL_TOKEN = "[EMAIL]"
PSEUDONYM_PREFIX = "nik_"

_SEP = r"[ \t.\-/]"
_INVISIBLE_CLASS = "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
_INVISIBLE = re.compile(_INVISIBLE_CLASS)
_DISGUISE = re.compile(_INVISIBLE_CLASS + "|(?![0-9])\\d")
"""An invisible character, or a digit that is not ASCII: the text needs the careful path."""
# Only from the start of a run of address characters, and without giving any back: otherwise a long
# run without "@" (64 KiB of digits in a hostile field) is scanned again from every position in it,
# quadratic time that stalled a worker for hours.
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]++@[\w\-]+(?:\.[\w\-]+)+")
_NIK = re.compile(r"(?<!\d)(?:\d[ \t.\-/_]{0,3}){15}\d(?!\d)")
# Mobile: 0 / 62 / +62, then 8, then 7-11 more digits (10-13 digits in national form); or the prefix
# in parentheses, "(0812) 3456-0080".
_MOBILE_PLAIN = rf"(?:\+62|62|0)[ \t.\-]?8(?:{_SEP}?\d){{7,11}}"
_MOBILE_BRACKETED = rf"\((?:\+62[ ]?|0)8\d{{2,3}}\)[ \t.\-]?\d(?:{_SEP}?\d){{4,8}}"
_MOBILE = rf"(?:{_MOBILE_PLAIN}|{_MOBILE_BRACKETED})"
# Landline: (0AA[A]) or 0AA[A] or +62 AA[A], area codes start 2-7 or 9, then 5-8 subscriber digits.
_LANDLINE = rf"(?:\(0[2-79]\d{{1,2}}\)|(?:\+62{_SEP}?|0)[2-79]\d{{1,2}})[ \t.\-]?\d(?:{_SEP}?\d){{4,7}}"
# Not right after "digit." or "digit,": the 020 of "1.020.000" is part of a number, not a phone.
_PHONE = re.compile(rf"(?<![\w+])(?<!\d[.,]){_MOBILE}(?!\d)|(?<![\w+(])(?<!\d[.,]){_LANDLINE}(?!\d)")
_AMOUNT_BEFORE = re.compile(r"(?i)(?:rp|idr)\.?\s?[\d.,]*$")  # "Rp " or "Rp 1." right before the match
_NOT_DIGIT = re.compile(r"[^0-9]")


def normalize_nik(nik: str) -> str:
    """The NIK's digits only: full-width and other Unicode digits become ASCII, separators go."""
    return _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", nik))


def pseudonymize_nik(nik: str, key: bytes) -> str:
    """A keyed pseudonym of a NIK, 'nik_' and 24 hex characters; separators do not change it.

    Raises ValueError for an empty key (an unkeyed pseudonym is reversible) or a NIK without digits.
    """
    if not key:
        raise ValueError("the pseudonymization key is empty; configure the NIK key")
    digits = normalize_nik(nik)
    if not digits:
        raise ValueError("the NIK has no digits")
    return PSEUDONYM_PREFIX + hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()[:24]


def redact_text(text: str) -> str:
    """Replace e-mail-, NIK- and phone-like strings with [EMAIL], [NIK], [TELEPON]; other numbers stay.

    Invisible characters (which could split a NIK unseen) and non-ASCII digits (full-width ３１７１)
    hide nothing: the patterns run on a shadow of the text without the former and with the latter
    as ASCII digits, and what they find is replaced in the text itself, so everything else stays
    exactly as written.
    """
    if _DISGUISE.search(text) is None:
        text = _EMAIL.sub(EMAIL_TOKEN, text)
        text = _NIK.sub(NIK_TOKEN, text)
        return _PHONE.sub(_phone_unless_amount, text)
    return _redact_disguised(text)


def _redact_disguised(text: str) -> str:
    kept = [index for index, char in enumerate(text) if _INVISIBLE.match(char) is None]
    shadow = "".join(_ascii_digit(text[index]) for index in kept)
    spans: list[tuple[int, int, str]] = []  # in shadow positions
    for pattern, token in ((_EMAIL, EMAIL_TOKEN), (_NIK, NIK_TOKEN), (_PHONE, PHONE_TOKEN)):
        found = [
            (match.start(), match.end(), token)
            for match in pattern.finditer(shadow)
            if token != PHONE_TOKEN or _phone_unless_amount(match) == PHONE_TOKEN
        ]
        if found:  # found text is masked, so a later pattern cannot take it again
            masked = list(shadow)
            for start, end, _ in found:
                masked[start:end] = "\x00" * (end - start)
            shadow = "".join(masked)
            spans += found
    out, position = [], 0
    for start, end, token in sorted(spans):
        first, last = kept[start], kept[end - 1] + 1
        out += [text[position:first], token]
        position = last
    out.append(text[position:])
    return "".join(out)


def _ascii_digit(char: str) -> str:
    if char.isdigit() and not char.isascii():
        try:
            return str(unicodedata.digit(char))
        except ValueError:  # a digit-like character without a decimal value (superscripts): left alone
            return char
    return char


def _phone_unless_amount(match: re.Match[str]) -> str:
    # "Rp 628.123.456.789" is an amount of rupiah, not a 62-8... mobile number.
    if _AMOUNT_BEFORE.search(match.string, 0, match.start()):
        return match.group(0)
    return PHONE_TOKEN


KEPT_FIELDS = frozenset(
    {
        "event_id", "type", "office_id", "occurred_at", "v", "ticket_id", "complaint_id", "survey_id",
        "service_code", "counter_id", "category", "channel", "outcome", "reason", "priority_group", "reporter_ref",
    }
)  # fmt: skip
"""Top-level contract fields kept as sent: identifiers and codes, which the tables join on."""
MAX_DEPTH = 64
TOO_DEEP = "[TERLALU_DALAM]"


def redact_document(document: dict[str, Any]) -> dict[str, Any]:
    """A JSON object with every string, key and long integer redacted, except the top-level KEPT_FIELDS.

    Offices' systems send fields the contract does not know (`reporter: {nik, phone}`, `nik_pelapor`,
    `citizen_nik` on a ticket, free text on any event): whatever is stored must hold none of it raw,
    so everything but the identifiers is redacted, at any depth. A NIK sent as a JSON number becomes
    the token as a string. Nesting deeper than MAX_DEPTH is replaced by a marker, not walked.
    """
    return {
        key if key in KEPT_FIELDS else redact_text(str(key)): (
            value if key in KEPT_FIELDS and isinstance(value, str | int) else _redact_value(value, 1)
        )
        for key, value in document.items()
    }


def _redact_value(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return TOO_DEEP
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bool) or not isinstance(value, int | dict | list):
        return value
    if isinstance(value, int):
        if abs(value) < 10**9:
            return value
        written = str(value)
        redacted = redact_text(written)
        return value if redacted == written else redacted
    if isinstance(value, list):
        return [_redact_value(item, depth + 1) for item in value]
    return {redact_text(str(key)): _redact_value(item, depth + 1) for key, item in value.items()}


def scrub_event(document: dict[str, Any], key: bytes) -> dict[str, Any]:
    """An event as Pantau keeps it, in Kafka as in ClickHouse: a complaint's NIK as its pseudonym, the rest redacted.

    `reporter_nik` becomes `reporter_ref` (none for a "NIK" without digits, e.g. "tidak ada"); a
    `reporter_ref` that is itself NIK-like (a foreign producer's mistake) is pseudonymized too. Then
    every other string is redacted (`redact_document`). Raises ValueError for an empty key.
    """
    scrubbed = dict(document)
    if scrubbed.get("type") == "complaint.filed":
        nik = scrubbed.pop("reporter_nik", None)
        ref = scrubbed.get("reporter_ref")
        if isinstance(ref, str) and redact_text(ref) != ref:
            nik = scrubbed.pop("reporter_ref")
        if isinstance(nik, str) and normalize_nik(nik):
            scrubbed["reporter_ref"] = pseudonymize_nik(nik, key)
    return redact_document(scrubbed)
