"""Personal data out of complaints before they are kept (UU 27/2022): NIK pseudonyms and redaction.

A NIK becomes a keyed HMAC-SHA256 pseudonym: stable under one key, so complaints of one reporter can
be linked, and useless without the key (the NIK space is small enough to brute-force an unkeyed
hash). The pseudonym is the same as `pantau.privacy.pseudonymize_nik` gives for the same digits, so
the sink's `events` table and the stream's `complaints` table link up.

Free text loses e-mail addresses, then NIK-like strings (16 digits, optionally grouped by spaces, dots
or dashes), then Indonesian phone numbers: mobiles written 08..., +62 8..., 62 8... and landlines
written with a leading 0 or +62 and an area code, e.g. (021) 7654321, 0274-123456. The phone
patterns are anchored on those prefixes and digit counts, so a queue number, a time (10.30), a date
(02-11-2026, 2026-11-02) and an amount (Rp 50.000, Rp 625.000.000) stay as written. Over-redaction
is the safe failure: any run of 16 digits is taken as a NIK.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

NIK_TOKEN = "[NIK]"
PHONE_TOKEN = "[TELEPON]"
EMAIL_TOKEN = "[EMAIL]"
PSEUDONYM_PREFIX = "nik_"

_SEP = r"[ \t.\-]"
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_NIK = re.compile(rf"(?<!\d)(?:\d{_SEP}?){{15}}\d(?!\d)")
# Mobile: 0 / 62 / +62, then 8, then 7-11 more digits (10-13 digits in national form).
_MOBILE = rf"(?:\+62|62|0)[ \t.\-]?8(?:{_SEP}?\d){{7,11}}"
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
    """Replace e-mail-, NIK- and phone-like strings with [EMAIL], [NIK], [TELEPON]; other numbers stay."""
    text = _EMAIL.sub(EMAIL_TOKEN, text)
    text = _NIK.sub(NIK_TOKEN, text)
    return _PHONE.sub(_phone_unless_amount, text)


def _phone_unless_amount(match: re.Match[str]) -> str:
    # "Rp 628.123.456.789" is an amount of rupiah, not a 62-8... mobile number.
    if _AMOUNT_BEFORE.search(match.string, 0, match.start()):
        return match.group(0)
    return PHONE_TOKEN
