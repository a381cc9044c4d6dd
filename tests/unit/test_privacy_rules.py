"""NIK pseudonyms and redaction: no NIK or phone number survives; ordinary numbers do."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.privacy import pseudonymize_nik, redact_text

SEPARATORS = st.sampled_from(["", " ", "-", "."])
WORDS = st.text(alphabet="abcdefghij klmnop,", max_size=20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIK saya 3171234567890123, hubungi 0812-3456-7890", "NIK saya [NIK], hubungi [TELEPON]"),
        ("nik 3171 2345 6789 0123 email a.b@dukcapil.go.id", "nik [NIK] email [EMAIL]"),
        ("nik 31.71.23.456789.0123 ya", "nik [NIK] ya"),
        ("telp +62 812 3456 7890 atau (021) 7654321", "telp [TELEPON] atau [TELEPON]"),
        ("wa 62 812-3456-789, kantor 0274-123456", "wa [TELEPON], kantor [TELEPON]"),
        (
            "antrean 42 jam 10.30, bayar Rp 50.000 tgl 02-11-2026",
            "antrean 42 jam 10.30, bayar Rp 50.000 tgl 02-11-2026",
        ),
        (
            "Rp 625.000.000 dan Rp628.123.456.789 pada 2026-11-02",
            "Rp 625.000.000 dan Rp628.123.456.789 pada 2026-11-02",
        ),
    ],
)
def test_redaction_examples(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@given(WORDS, st.text(alphabet="0123456789", min_size=16, max_size=16), SEPARATORS, WORDS)
def test_no_nik_survives_in_any_grouping(before: str, nik: str, sep: str, after: str) -> None:
    grouped = sep.join(nik[i : i + 4] for i in range(0, 16, 4))

    redacted = redact_text(f"{before} {grouped} {after}")

    assert not re.search(r"\d{16}", re.sub(r"[\s.\-]", "", redacted))


@given(
    st.sampled_from(["08", "+628", "628", "+62 8", "62-8", "0 8"]),
    st.text(alphabet="0123456789", min_size=8, max_size=10),
    SEPARATORS,
)
def test_no_mobile_number_survives(prefix: str, rest: str, sep: str) -> None:
    number = prefix + sep.join(rest[i : i + 4] for i in range(0, len(rest), 4))

    assert redact_text(f"hubungi {number} segera") == "hubungi [TELEPON] segera"


DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
ordinary = st.one_of(
    st.integers(1, 9999).map(lambda n: f"antrean {n}"),
    DATES.map(lambda d: f"tanggal {d:%d-%m-%Y}"),
    DATES.map(lambda d: f"tanggal {d:%d/%m/%Y}"),
    DATES.map(lambda d: f"tanggal {d.isoformat()}"),
    st.times().map(lambda t: f"jam {t:%H.%M}"),
    st.integers(0, 10**12).map(lambda n: "biaya Rp " + f"{n:,}".replace(",", ".")),
    st.integers(0, 10**12).map(lambda n: "biaya Rp" + f"{n:,}".replace(",", ".") + ",00"),
)


@settings(max_examples=200)
@given(st.lists(ordinary, min_size=1, max_size=4))
def test_ordinary_numbers_are_kept(parts: list[str]) -> None:
    text = ", ".join(parts)

    assert redact_text(text) == text


def test_pseudonyms_are_keyed_stable_and_ignore_separators() -> None:
    first = pseudonymize_nik("3171234567890123", b"key-a")

    assert first == pseudonymize_nik("3171-2345-6789-0123", b"key-a")
    assert first == pseudonymize_nik("３１７１２３４５６７８９０１２３", b"key-a")  # full-width digits
    assert first != pseudonymize_nik("3171234567890123", b"key-b")
    assert re.fullmatch(r"nik_[0-9a-f]{24}", first)


def test_an_empty_key_or_a_nik_without_digits_is_refused() -> None:
    with pytest.raises(ValueError, match="key is empty"):
        pseudonymize_nik("3171234567890123", b"")
    with pytest.raises(ValueError, match="no digits"):
        pseudonymize_nik("tidak ada", b"k")
