"""Personal data protection (UU 27/2022): NIK pseudonyms and redaction of free text.

Shared by the stream worker and the sink, so a complaint is scrubbed the same way wherever it is
stored. A NIK becomes a keyed HMAC-SHA256 pseudonym: stable for the same key (complaints of one
reporter can be linked), useless without the key (a 16-digit space is small enough to brute-force an
unkeyed hash). Free text loses anything that looks like a NIK, a phone number or an e-mail address.
"""

from __future__ import annotations

import hashlib
import hmac
import re

NIK_TOKEN = "[NIK]"
PHONE_TOKEN = "[TELEPON]"
EMAIL_TOKEN = "[EMAIL]"

# 16 digits, optionally grouped by spaces, dots or dashes (e.g. 3171 2345 6789 0123, 31.71.23...).
_NIK = re.compile(r"(?<!\d)(?:\d[\s.\-]?){15}\d(?!\d)")
# Indonesian mobile and landline numbers: 08xx..., +62 8xx..., 62-21-..., (021) 1234567.
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0|\(0)\d*\)?(?:[\s.\-]?\d)+")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_DIGITS = re.compile(r"\D")


def pseudonymize_nik(nik: str, key: bytes) -> str:
    """A keyed pseudonym of a NIK, e.g. 'nik_3f9a...'; separators in the NIK do not change it."""
    digits = _DIGITS.sub("", nik)
    return "nik_" + hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:24]


def redact_text(text: str) -> str:
    """Replace NIK-, phone- and e-mail-like strings; ordinary numbers (queue 42, Rp 50.000) stay."""
    text = _EMAIL.sub(EMAIL_TOKEN, text)
    text = _NIK.sub(NIK_TOKEN, text)
    return _PHONE.sub(_phone_or_keep, text)


def _phone_or_keep(match: re.Match[str]) -> str:
    digits = _DIGITS.sub("", match.group(0))
    # Real numbers have 9-13 digits; shorter runs are amounts or dates that happen to start with 0.
    return PHONE_TOKEN if 9 <= len(digits) <= 14 else match.group(0)
