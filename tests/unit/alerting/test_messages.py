"""Alert texts: Indonesian, local time with zone, what/where/since/how bad/action/link."""

from __future__ import annotations

from alerting.messages import compose, dashboard_link, local_time
from alerting.model import Alert, AlertState, Severity
from tests.unit.alerting.factories import BAD, CATALOG, wib


def test_local_time_in_the_office_zone() -> None:
    assert local_time(wib(2, "08:31"), "Asia/Jakarta") == "Senin, 2 November 2026 08.31 WIB"
    assert local_time(wib(2, "08:31"), "Asia/Jayapura") == "Senin, 2 November 2026 10.31 WIT"


def test_firing_message_says_what_where_since_how_bad_and_links_the_dashboard() -> None:
    alert = Alert(
        alert_id="live_wait_breach:MPP-JKT-01:KTP@1",
        dedup_key="live_wait_breach|MPP-JKT-01|KTP|",
        rule="live_wait_breach",
        office_id=BAD,
        service_code="KTP",
        subject="",
        severity=Severity.critical,
        zero_tolerance=False,
        state=AlertState.firing,
        opened_at=wib(2, "08:32"),
        since=wib(2, "08:30"),
        summary="3 tiket KTP menunggu lebih dari 30 menit (terlama 32 menit)",
    )
    message = compose(alert, "firing", CATALOG, "https://grafana.example.go.id/", wib(2, "08:42"), "Buka loket.")
    lines = message.text.splitlines()
    assert lines[0] == "[PERINGATAN KRITIS] Antrean melewati target waktu tunggu - Mal Pelayanan Publik DKI Jakarta"
    assert "Apa: 3 tiket KTP menunggu lebih dari 30 menit (terlama 32 menit)" in lines
    assert "Di mana: Mal Pelayanan Publik DKI Jakarta (MPP-JKT-01), Jakarta Selatan, DKI Jakarta" in lines
    assert "Layanan: Perekaman dan Pencetakan KTP-el (KTP)" in lines
    assert "Sejak: Senin, 2 November 2026 08.30 WIB (12 menit lalu)" in lines
    assert "Tindakan: Buka loket." in lines
    assert "Dasbor: https://grafana.example.go.id/d/pantau-office/?var-office=MPP-JKT-01" in lines
    assert message.payload["dashboard_url"] == dashboard_link("https://grafana.example.go.id", BAD)
