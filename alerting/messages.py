"""Alert messages in Bahasa Indonesia: what, where, since when, how bad, what to do, and a dashboard link.

Supervisors read these on a phone, so the text is plain (no Markdown to escape), times are the office's
local time with its zone (WIB, WITA, WIT), and the first line says enough on a lock screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from alerting.model import Alert, Severity
from pantau.catalog import Catalog

OFFICE_DASHBOARD_UID = "pantau-office"  # dashboards/boards.py OFFICE_UID
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
RULE_TITLES = {
    "live_wait_breach": "Antrean melewati target waktu tunggu",
    "burn_rate": "Kepatuhan waktu tunggu turun cepat",
    "queue_length": "Antrean terlalu panjang",
    "complaint_spike": "Lonjakan pengaduan",
    "pungli": "Pengaduan pungutan liar (pungli)",
    "office_not_open": "Kantor belum buka sesuai jadwal",
    "counter_not_open": "Loket belum buka sesuai jadwal",
    "complaint_response_overdue": "Pengaduan terlambat ditanggapi",
    "pipeline_silent": "Data kantor tidak masuk",
}
SEVERITY_LABELS = {Severity.critical: "KRITIS", Severity.warning: "PERHATIAN"}
KIND_LABELS = {
    "firing": "PERINGATAN",
    "escalated": "ESKALASI",
    "reminder": "PENGINGAT",
    "resolved": "SELESAI",
}


@dataclass(frozen=True)
class AlertMessage:
    """One message about one alert, the same for every channel."""

    subject: str
    text: str
    payload: dict[str, Any]


def dashboard_link(base_url: str, office_id: str) -> str:
    """The office dashboard in Grafana, filtered to this office."""
    return f"{base_url.rstrip('/')}/d/{OFFICE_DASHBOARD_UID}/?var-office={quote(office_id)}"


def local_time(moment: datetime, timezone: str) -> str:
    """`Senin, 2 November 2026 08.31 WIB` in the office's own zone."""
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(timezone))
    zone = ZONE_NAMES.get(timezone, timezone)
    return f"{DAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year} {local:%H.%M} {zone}"


def compose(
    alert: Alert, kind: str, catalog: Catalog, base_url: str, now: datetime, action: str = "", level_name: str = ""
) -> AlertMessage:
    """The message for a firing, escalated, reminder or resolved notification."""
    office = catalog.office(alert.office_id)
    title = RULE_TITLES.get(alert.rule, alert.rule)
    severity = SEVERITY_LABELS.get(alert.severity, str(alert.severity))
    head = f"[{KIND_LABELS.get(kind, kind.upper())} {severity}] {title} - {office.name}"
    since = alert.since or alert.opened_at
    minutes = max(0, round((now - since).total_seconds() / 60))
    lines = [head, ""]
    lines.append(f"Apa: {alert.summary}")
    lines.append(f"Di mana: {office.name} ({office.id}), {office.district}, {office.region}")
    if alert.service_code and catalog.has_service(alert.service_code):
        lines.append(f"Layanan: {catalog.service(alert.service_code).name} ({alert.service_code})")
    lines.append(f"Sejak: {local_time(since, office.timezone)} ({minutes} menit lalu)")
    lines.append(f"Tingkat: {severity}" + (" - toleransi nol" if alert.zero_tolerance else ""))
    if kind == "escalated":
        lines.append(f"Eskalasi ke {level_name or 'tingkat berikutnya'}: belum ada yang menanggapi.")
    if kind == "resolved":
        done = alert.resolved_at or now
        lines.append(f"Selesai: {local_time(done, office.timezone)}")
    elif action:
        lines.append(f"Tindakan: {action}")
    lines.append(f"Dasbor: {dashboard_link(base_url, office.id)}")
    if kind != "resolved":
        lines.append(f"Tanggapi: pantau alerts ack {alert.alert_id}")
    payload = {
        "kind": kind,
        "alert_id": alert.alert_id,
        "dedup_key": alert.dedup_key,
        "rule": alert.rule,
        "title": title,
        "office_id": office.id,
        "office_name": office.name,
        "region": office.region,
        "service_code": alert.service_code,
        "severity": str(alert.severity),
        "state": str(alert.state),
        "summary": alert.summary,
        "facts": alert.facts,
        "since": since.isoformat(),
        "opened_at": alert.opened_at.isoformat(),
        "level": level_name,
        "dashboard_url": dashboard_link(base_url, office.id),
        "text": "\n".join(lines),
    }
    return AlertMessage(subject=head, text="\n".join(lines), payload=payload)
