"""The redactor against generated shapes: a NIK or a phone however it is written, and numbers that are neither.

Each NIK is 16 generated digits joined by generated separators (spaces, dots, dashes, slashes,
underscores, several in a row, invisible characters, full-width digits) and embedded in generated
Indonesian text; the redacted text must no longer hold the digits in order. Amounts, dates, times and
ticket numbers, generated the same way, must come out unchanged.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.privacy import NIK_TOKEN, PHONE_TOKEN, redact_text
from tests.conftest import REPO_ROOT

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
VISIBLE = [" ", "  ", "   ", ".", "-", "/", "_", " - ", ". "]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
words = st.lists(st.sampled_from(["saya", "nomor", "NIK", "tolong", "dibantu", "terima kasih", "di loket", ":"]))


def digits_in_order(text: str) -> str:
    return re.sub(
        r"\D",
        "",
        text.translate({ord(c): None for c in INVISIBLE}).translate(
            str.maketrans("０１２３４５６７８９", "0123456789")
        ),
    )


@st.composite
def nik_shapes(draw: st.DrawFn) -> tuple[str, str]:
    digits = draw(st.text("0123456789", min_size=16, max_size=16))
    groups = draw(st.sampled_from([[4, 4, 4, 4], [6, 6, 4], [2, 2, 2, 6, 4], [16], [1] * 16]))
    parts, start = [], 0
    for size in groups:
        parts.append(digits[start : start + size])
        start += size
    separators = st.sampled_from(VISIBLE + INVISIBLE)
    written = parts[0]
    for part in parts[1:]:
        written += draw(separators) + part
    if draw(st.booleans()):
        written = written.translate(FULL_WIDTH)
    return digits, written


@st.composite
def phone_shapes(draw: st.DrawFn) -> tuple[str, str]:
    rest = draw(st.text("0123456789", min_size=8, max_size=9))
    provider = draw(st.sampled_from(["812", "813", "821", "852", "857", "878", "896"]))
    sep = draw(st.sampled_from([" ", ".", "-", ""]))
    body = f"{rest[:4]}{sep}{rest[4:]}"
    written = draw(
        st.sampled_from(
            [f"0{provider}{sep}{body}", f"+62 {provider} {body}", f"62{provider}{sep}{body}", f"(0{provider}) {body}"]
        )
    )
    return f"{provider}{rest}", written


@settings(max_examples=300, deadline=None)
@given(nik_shapes(), words, words)
def test_a_nik_in_any_shape_is_redacted(nik: tuple[str, str], before: list[str], after: list[str]) -> None:
    digits, written = nik
    text = " ".join([*before, written, *after])

    redacted = redact_text(text)

    assert digits not in digits_in_order(redacted), (text, redacted)
    assert NIK_TOKEN in redacted or PHONE_TOKEN in redacted


@settings(max_examples=300, deadline=None)
@given(phone_shapes(), words, words)
def test_a_phone_in_any_shape_is_redacted(phone: tuple[str, str], before: list[str], after: list[str]) -> None:
    digits, written = phone
    text = " ".join([*before, "hp", written, *after])

    redacted = redact_text(text)

    assert digits not in digits_in_order(redacted), (text, redacted)
    assert PHONE_TOKEN in redacted


amounts = st.integers(1, 999_999_999).map(lambda n: f"Rp {n:,}".replace(",", "."))
dates = st.dates(date(1950, 1, 1), date(2100, 12, 31)).map(
    lambda d: st.sampled_from([d.strftime("%d-%m-%Y"), d.isoformat(), d.strftime("%d/%m/%Y")])
)
times = st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda hm: f"jam {hm[0]:02d}.{hm[1]:02d}")
tickets = st.tuples(st.sampled_from("ABCKQ"), st.integers(1, 999)).map(lambda t: f"tiket {t[0]}-{t[1]:03d}")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(amounts, dates.flatmap(lambda s: s), times, tickets), min_size=1, max_size=4), words)
def test_amounts_dates_times_and_ticket_numbers_stay(numbers: list[str], filler: list[str]) -> None:
    text = " ".join([*filler, *(f"{n}," for n in numbers)])
    assert redact_text(text) == text


HOSTILE_RUNS = {
    "letters": "a" * 2_000_000,
    "digits": "1" * 2_000_000,
    "dashed groups": "0812-" * 400_000,
    "dotted words": "a." * 1_000_000,
    "at signs": "a@" * 1_000_000,
    "disguised digits": "\u0661\u200b" * 500_000,
}


def test_redaction_of_megabytes_of_hostile_runs_finishes() -> None:
    """A run of address characters without "@" was scanned again from every position in it: 64 KiB of digits
    took minutes and a 1 MB field hours, a stalled worker. Each 2 MB run must now finish; it is run in a child
    process so that a relapse fails here after a minute instead of hanging the suite."""
    script = (
        "from tests.unit.test_redaction_shapes import HOSTILE_RUNS\nfrom pantau.privacy import redact_text\n"
        "for name, text in HOSTILE_RUNS.items():\n    redact_text(text)\n    print(name, flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:-1] == list(HOSTILE_RUNS)
