"""What citizens say afterwards: SKM surveys and complaints, both worse when the wait was long.

Survey scores fall with the wait relative to the target (U3, waiting time, most of all). Complaint
probability rises with the wait and at understaffed offices; the category follows the cause (slow
service -> waktu). A rare complaint is about pungli. Some complaint texts carry a NIK and a phone
number, as real ones do, so the pipeline's redaction is exercised.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from producers.simulation.queueing import Ticket, TimedEvent

SURVEY_SHARE = 0.22
_UNSUR_SENSITIVITY = (0.3, 0.4, 1.0, 0.1, 0.2, 0.3, 0.4, 0.3, 0.3)  # U1..U9
_CATEGORIES_SLOW = (
    ("waktu", 0.6),
    ("perilaku_petugas", 0.12),
    ("sarana_prasarana", 0.1),
    ("persyaratan", 0.1),
    ("diskriminasi", 0.03),
    ("lainnya", 0.05),
)
_CATEGORIES_OTHER = (
    ("persyaratan", 0.3),
    ("perilaku_petugas", 0.2),
    ("sarana_prasarana", 0.25),
    ("waktu", 0.1),
    ("diskriminasi", 0.05),
    ("lainnya", 0.1),
)
_CHANNELS = (("lapor", 0.35), ("whatsapp", 0.3), ("kotak_saran", 0.15), ("email", 0.05), ("langsung", 0.15))
_TEXTS = {
    "waktu": "Antrean {service} sangat lama, saya menunggu {minutes} menit.",
    "perilaku_petugas": "Petugas loket kurang ramah dan tidak menjelaskan prosedur {service}.",
    "sarana_prasarana": "Ruang tunggu panas dan kursi kurang, AC tidak menyala.",
    "persyaratan": "Persyaratan {service} tidak jelas, saya harus datang dua kali.",
    "diskriminasi": "Ada pemohon yang didahulukan tanpa antre.",
    "lainnya": "Mohon sistem antrean online diperbaiki.",
    "pungli": "Petugas meminta uang pelicin Rp 100.000 agar {service} cepat selesai.",
}


def survey_for(rng: random.Random, ticket: Ticket, number: int) -> TimedEvent | None:
    """A survey after a served ticket, for about a fifth of them."""
    if ticket.completed is None or ticket.outcome != "served" or rng.random() >= SURVEY_SHARE:
        return None
    lateness = max(0.0, (ticket.wait_s or 0.0) / ticket.service.target_wait_s - 0.5)
    scores = {}
    for index, sensitivity in enumerate(_UNSUR_SENSITIVITY, start=1):
        value = rng.gauss(3.45 - sensitivity * lateness, 0.55)
        scores[f"u{index}"] = int(min(4, max(1, round(value))))
    body = {
        "type": "survey.submitted",
        "survey_id": f"S-{ticket.issued:%Y%m%d}-{number:04d}",
        "service_code": ticket.service.code,
        "scores": scores,
    }
    return ticket.completed + timedelta(seconds=rng.uniform(30, 600)), body


def complaint_for(rng: random.Random, ticket: Ticket, understaffed: bool, number: int) -> TimedEvent | None:
    """A complaint after a ticket, more likely after a long wait or an abandoned ticket."""
    wait_ratio = (ticket.wait_s or ticket.patience_s) / ticket.service.target_wait_s
    probability = 0.003 + 0.012 * max(0.0, wait_ratio - 1.0) + (0.004 if understaffed else 0.0)
    if ticket.outcome == "abandoned":
        probability += 0.01
    if rng.random() >= min(probability, 0.2):
        return None
    if rng.random() < 0.02:
        category = "pungli"
    else:
        table = _CATEGORIES_SLOW if wait_ratio > 1 else _CATEGORIES_OTHER
        category = rng.choices([c for c, _ in table], [w for _, w in table])[0]
    at = (ticket.completed or ticket.abandoned_at or ticket.issued) + timedelta(minutes=rng.uniform(5, 180))
    text = _TEXTS[category].format(service=ticket.service.name, minutes=round((ticket.wait_s or 0) / 60))
    body: dict[str, Any] = {
        "type": "complaint.filed",
        "complaint_id": f"C-{ticket.issued:%Y%m%d}-{number:04d}",
        "category": category,
        "channel": rng.choices([c for c, _ in _CHANNELS], [w for _, w in _CHANNELS])[0],
        "service_code": ticket.service.code,
        "text": text,
    }
    if rng.random() < 0.4:
        nik = "".join(rng.choice("0123456789") for _ in range(16))
        body["reporter_nik"] = nik
        if rng.random() < 0.3:
            body["text"] += (
                f" NIK saya {nik}, hubungi 08{rng.randint(10, 99)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}."
            )
    return at, body


def follow_ups(rng: random.Random, complaint_id: str, filed: datetime, working_day_after: Any) -> list[TimedEvent]:
    """Response and resolution days later in office hours; some late, some not within the run."""
    events: list[TimedEvent] = []
    if rng.random() < 0.9:
        responded = working_day_after(filed, rng.choices((1, 2, 3, 4, 6), (0.35, 0.3, 0.15, 0.1, 0.1))[0])
        responded += timedelta(minutes=rng.uniform(0, 300))
        events.append((responded, {"type": "complaint.responded", "complaint_id": complaint_id}))
        if rng.random() < 0.8:
            resolved = working_day_after(responded, rng.choice((1, 2, 3, 5, 8, 15)))
            resolved += timedelta(minutes=rng.uniform(0, 300))
            events.append((resolved, {"type": "complaint.resolved", "complaint_id": complaint_id}))
    return events
