"""NIK pseudonyms and redaction: no personal number survives, ordinary numbers do."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pantau.privacy import pseudonymize_nik, redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIK saya 3171234567890123, hubungi 0812-3456-7890", "NIK saya [NIK], hubungi [TELEPON]"),
        ("nik 3171 2345 6789 0123 email a.b@dukcapil.go.id", "nik [NIK] email [EMAIL]"),
        ("telp +62 812 3456 7890 atau (021) 7654321", "telp [TELEPON] atau [TELEPON]"),
        (
            "antrean 42 jam 10.30, bayar Rp 50.000 tgl 02-11-2026",
            "antrean 42 jam 10.30, bayar Rp 50.000 tgl 02-11-2026",
        ),
    ],
)
def test_redaction_examples(text: str, expected: str) -> None:
    assert redact_text(text) == expected


digits = st.text(alphabet="0123456789", min_size=16, max_size=16)
separators = st.sampled_from(["", " ", "-", "."])
words = st.text(alphabet="abcdefghij klmnop,", max_size=20)


@given(words, digits, separators, words)
def test_no_nik_survives_in_any_grouping(before: str, nik: str, sep: str, after: str) -> None:
    grouped = sep.join(nik[i : i + 4] for i in range(0, 16, 4))
    redacted = redact_text(f"{before} {grouped} {after}")
    assert not re.search(r"\d{16}", re.sub(r"[\s.\-]", "", redacted))


@given(st.sampled_from(["08", "+628", "628"]), st.text(alphabet="0123456789", min_size=8, max_size=10), separators)
def test_no_phone_number_survives(prefix: str, rest: str, sep: str) -> None:
    number = prefix + sep.join(rest[i : i + 4] for i in range(0, len(rest), 4))
    assert redact_text(f"hubungi {number} segera") == "hubungi [TELEPON] segera"


def test_pseudonyms_are_keyed_stable_and_ignore_separators() -> None:
    first = pseudonymize_nik("3171234567890123", b"key-a")
    assert first == pseudonymize_nik("3171-2345-6789-0123", b"key-a")
    assert first != pseudonymize_nik("3171234567890123", b"key-b")
    assert first.startswith("nik_") and "3171234567890123" not in first
