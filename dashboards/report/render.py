"""The report page: summary, office ranking, IKM, services, complaints, fairness, formulas."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from dashboards.i18n import COMPLAINT_CATEGORIES, t
from dashboards.report import svg
from dashboards.report.coverage import describe_days, missing_days
from dashboards.report.data import Table
from dashboards.report.formulas import FORMULAS
from dashboards.report.period import Period
from dashboards.report.sections import count, one, pct, table, text, three, tile, two

GREEN, YELLOW, ORANGE, RED = "#2e8b57", "#d4a017", "#e07b24", "#c0392b"
MUTU_COLOURS = {"A": GREEN, "B": "#7cb342", "C": ORANGE, "D": RED}
THIN = "sampel belum cukup"
MUTU_TEXT = {"A": "A (Sangat Baik)", "B": "B (Baik)", "C": "C (Kurang Baik)", "D": "D (Tidak Baik)", THIN: THIN}
STAFFING_METHOD = (
    "Jam-jam saat loket yang buka kurang dari yang diperlukan agar standar waktu tunggu layanan terpenuhi, "
    "dari yang paling kurang. Kedatangan per jam dan lama layanan diukur dari tiket beberapa minggu terakhir "
    "(perintah pantau staffing); jumlah loket yang diperlukan dihitung dengan rumus antrean Erlang C (M/M/c): "
    "loket paling sedikit yang membuat porsi warga yang menunggu paling lama sebesar target waktu tunggu "
    "mencapai target porsi standar pelayanan (mis. 90% dalam 30 menit). Asumsi model: warga datang secara "
    "acak (Poisson), lama layanan bervariasi secara eksponensial, satu antrean per layanan yang dilayani "
    "semua loketnya, dan tidak ada warga yang pergi sebelum dilayani. Loket buka = rata-rata loket yang "
    "melayani layanan itu pada jam tersebut."
)
GROUPS = {"regular": "reguler", "elderly": "lansia", "disability": "disabilitas", "pregnant": "ibu hamil",
          "child": "anak"}
CATEGORIES = {code: t(f"v.{code}") for code in COMPLAINT_CATEGORIES}

_STYLE = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:32px;color:#1d2530;max-width:1100px}
h1{font-size:24px;margin:0}h2{font-size:18px;border-bottom:2px solid #3b6ea5;padding-bottom:4px;margin-top:32px}
.sub{color:#555;margin:4px 0 16px}table{border-collapse:collapse;width:100%;font-size:12px;margin:8px 0}
th,td{border:1px solid #ccd3dc;padding:4px 6px;text-align:right}th{background:#eef2f7}
td.t,th.t{text-align:left}.tiles{display:flex;flex-wrap:wrap;gap:10px}
.tile{border:1px solid #ccd3dc;border-radius:6px;padding:10px 14px;min-width:150px;background:#f8fafc}
.tile .label{font-size:12px;color:#555}.tile .fig{font-size:22px;font-weight:bold}
.good{color:#2e8b57}.warn{color:#b7860b}.bad{color:#c0392b}.chart{font-size:11px;margin:8px 0}
.chart-title{font-weight:bold}.empty{color:#777;font-style:italic}.note{font-size:12px;color:#444}
.partial{border:1px solid #d4a017;background:#fff8e1;padding:8px 12px;border-radius:4px}
dl dt{font-weight:bold;margin-top:6px}dl dd{margin-left:16px;font-size:13px}
@media print{body{margin:0;max-width:none}table,svg,.chart,.tiles,tr,dt,dd{break-inside:avoid}
h2,h3,p.note{break-after:avoid}thead{display:table-header-group}}
"""

# Printed (PDF) pages: A4, the period and region on top of every page, page numbers at the bottom.
_PAGE = """
@page{{size:A4;margin:18mm 14mm 16mm 14mm;
@top-left{{content:"Evaluasi Berkala Pelayanan Publik - {period} - {region}";font-size:9px;color:#555}}
@bottom-right{{content:"Halaman " counter(page) " dari " counter(pages);font-size:9px;color:#555}}}}
"""


def _band(value: Any, good: float, warn: float, higher_is_better: bool = True) -> str:
    if value is None:
        return ""
    v = float(value)
    if higher_is_better:
        return "good" if v >= good else "warn" if v >= warn else "bad"
    return "good" if v <= good else "warn" if v <= warn else "bad"


def _css(column: str, record: dict[str, Any]) -> str:
    value = record.get(column)
    if column == "compliance":
        target = record.get("target") or 0.9
        return _band(value, float(target), float(target) - 0.1)
    if column in ("p90_wait_min", "p95_wait_min"):
        return _band(value, 30, 60, higher_is_better=False)
    if column == "abandonment_rate":
        return _band(value, 0.05, 0.10, higher_is_better=False)
    if column in ("complaints_per_1000", "per_1000"):
        return _band(value, 5, 10, higher_is_better=False)
    if column == "ikm":
        return _band(value, 88.31, 76.61)
    if column in ("overdue", "pungli", "below_min_sample"):
        return "bad" if value else "good"
    return ""


def _mutu(value: Any) -> str:
    return MUTU_TEXT.get(str(value), "-")


def _category(value: Any) -> str:
    return CATEGORIES.get(str(value), str(value)).capitalize()


def _css_text(value: str) -> str:
    return value.replace("\\", "").replace('"', "'")


def _graded(data: dict[str, Table]) -> Table:
    """The office ranking with the IKM grade withheld where the IKM rests on fewer respondents than the minimum
    sample (DOMAIN.md): a grade on 1-3 answers would overstate what is known."""
    thin = {r["office_id"] for r in data["ikm"].records() if r["below_min_sample"]}
    ranking = data["ranking"]
    index = ranking.columns.index("mutu")
    office = ranking.columns.index("office_id")
    rows = [(*row[:index], THIN, *row[index + 1:]) if row[office] in thin else row for row in ranking.rows]
    return Table(ranking.columns, rows)


def _office_names(data: dict[str, Table]) -> dict[str, str]:
    """office_id -> name, from the tables that carry both (tables keyed by id show names with it)."""
    return {str(r["office_id"]): str(r["office"]) for name in ("ranking", "ikm") for r in data[name].records()}


def _coverage(data: dict[str, Table], period: Period) -> str:
    """A warning when only part of the period's days hold data: its figures are not the whole period's."""
    days = [d if isinstance(d, date) else date.fromisoformat(str(d)[:10]) for (d,) in data["days"].rows]
    missing = missing_days(days, period.start, period.end)
    if not days or missing == 0:
        return ""
    total = (period.end - period.start).days
    return (
        f'<p class="partial"><b>Data sebagian:</b> hanya {total - missing} dari {total} hari dalam periode ini '
        f"berisi data ({escape(describe_days(days))}). Angka di laporan ini hanya mewakili hari-hari tersebut.</p>"
    )


def _summary_text(data: dict[str, Table]) -> str:
    ranking = data["ranking"].records()
    meeting = sum(1 for r in ranking if r["compliance"] is not None and r["compliance"] >= (r["target"] or 0))
    below = sum(1 for r in data["ikm"].records() if r["below_min_sample"])
    pungli = data["complaints"].first()["pungli"] or 0
    ranked = [r for r in ranking if r["rank"] is not None]  # offices under the minimum volume are not ranked
    worst = ranked[-1]["office"] if ranked else "-"
    lines = [
        f"{meeting} dari {len(ranking)} kantor memenuhi target kepatuhan waktu tunggu.",
        f"Kepatuhan terendah: {escape(str(worst))}.",
        f"{below} kantor memiliki responden SKM di bawah sampel minimum." if below else
        "Semua kantor memenuhi sampel minimum SKM.",
        f"{pungli} pengaduan pungli tercatat dan wajib ditindaklanjuti." if pungli else "Tidak ada pengaduan pungli.",
    ]
    return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"


def render_report(
    data: dict[str, Table], period: Period, region: str | None, generated_at: datetime | None,
    timezone: str = "Asia/Jakarta",
) -> str:
    """The whole report as one self-contained HTML document (also the PDF's source: see pdf.py).

    `timezone` is the report's (settings.report_timezone): the generated time is written in it, with its name.
    """
    local = (generated_at or datetime.now(UTC)).astimezone(ZoneInfo(timezone))
    moment = f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({timezone})"
    names = _office_names(data)

    def office_name(value: Any) -> str:
        return f"{names[str(value)]} ({value})" if str(value) in names else str(value)

    data = {**data, "ranking": _graded(data)}
    area = region or "Semua provinsi"
    thin_ikm = any(r["below_min_sample"] for r in data["ikm"].records())
    s = data["summary"].first()
    c = data["complaints"].first()
    ranking = data["ranking"].records()
    parts = [
        f"<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Evaluasi Berkala {period.label()}"
        f"</title><style>{_STYLE}{_PAGE.format(period=_css_text(period.label()), region=_css_text(area))}</style>"
        "</head><body>",
        "<h1>Laporan Evaluasi Berkala Pelayanan Publik</h1>",
        f'<p class="sub">Periode: <b>{escape(period.label())}</b> · Wilayah: <b>{escape(area)}'
        f"</b> · Dibuat {moment} oleh Pantau</p>",
        _coverage(data, period),
        "<h2>1. Ringkasan</h2><div class=\"tiles\">",
        tile("summary", "completed", "Layanan selesai", s["completed"], count),
        tile("summary", "compliance", "Kepatuhan SLA", s["compliance"], pct, _css("compliance", s)),
        tile("summary", "target", "Target", s["target"], pct),
        tile("summary", "p90_wait_min", "Tunggu p90 (menit)", s["p90_wait_min"], one),
        tile("summary", "abandonment_rate", "Tingkat batal", s["abandonment_rate"], pct),
        tile("summary", "complaints_per_1000", "Pengaduan/1.000", s["complaints_per_1000"], two),
        tile("summary", "ikm", "IKM", s["ikm"], two),
        tile("summary", "mutu", "Mutu", s["mutu"], _mutu),
        "</div>",
        _summary_text(data),
        "<h2>2. Peringkat kantor</h2>",
        '<p class="note">Diurutkan menurut selisih kepatuhan terhadap target, lalu tunggu p90. Warna: hijau memenuhi '
        "target, kuning kurang dari 10 poin di bawah target, merah lebih jauh.</p>",
        table("ranking", data["ranking"], [
            ("rank", "#", count), ("office", "Kantor", text), ("region", "Provinsi", text),
            ("completed", "Layanan", count), ("compliance", "Kepatuhan", pct), ("target", "Target", pct),
            ("p90_wait_min", "Tunggu p90 (mnt)", one), ("abandonment_rate", "Batal", pct),
            ("complaints_per_1000", "Pengaduan/1.000", two), ("ikm", "IKM", two), ("mutu", "Mutu", _mutu),
        ], css_of=_css, keep=lambda r: not r["low_volume"]),
        "<h3>Kantor dengan layanan terlalu sedikit untuk diperingkat (sampel belum cukup)</h3>"
        if any(r["low_volume"] for r in ranking) else "",
        "" if not any(r["low_volume"] for r in ranking) else table("ranking", data["ranking"], [
            ("office", "Kantor", text), ("region", "Provinsi", text), ("completed", "Layanan", count),
            ("compliance", "Kepatuhan", pct), ("target", "Target", pct), ("p90_wait_min", "Tunggu p90 (mnt)", one),
        ], keep=lambda r: bool(r["low_volume"])),
        svg.bar_chart(
            "Kepatuhan SLA per kantor (garis: target rata-rata)",
            [(str(r["office"]), r["compliance"]) for r in ranking], 1.0,
            {str(r["office"]): svg.traffic_light(r["compliance"], [(0, RED), ((r["target"] or 0.9) - 0.1, YELLOW),
                                                                  (r["target"] or 0.9, GREEN)]) for r in ranking},
            marker=s["target"], as_percent=True,
        ),
        "<h2>3. Indeks Kepuasan Masyarakat (IKM)</h2>",
        '<p class="note">Diurutkan menurut IKM. Mutu dan peringkat hanya untuk kantor yang respondennya mencapai '
        "sampel minimum (rumus Krejcie dan Morgan, lihat bagian 8).</p>",
        table("ikm", data["ikm"], [
            ("office", "Kantor", text), ("ikm", "IKM", two), ("mutu", "Mutu", _mutu),
            ("respondents", "Responden", count), ("served", "Dilayani", count),
            ("min_sample", "Sampel minimum", count),
        ], css_of=_css, keep=lambda r: not r["below_min_sample"]),
        "<h3>Responden belum mencapai sampel minimum (sampel belum cukup): tanpa mutu dan tanpa peringkat</h3>"
        if thin_ikm else "",
        "" if not thin_ikm else table("ikm", data["ikm"], [
            ("office", "Kantor", text), ("ikm", "IKM sementara", two), ("respondents", "Responden", count),
            ("min_sample", "Sampel minimum", count), ("served", "Dilayani", count),
        ], keep=lambda r: bool(r["below_min_sample"])),
        svg.bar_chart(
            "IKM per kantor (sampel cukup)",
            [(str(r["office"]), r["ikm"]) for r in data["ikm"].records() if not r["below_min_sample"]], 100.0,
            {str(r["office"]): MUTU_COLOURS.get(str(r["mutu"]), "#999") for r in data["ikm"].records()}, decimals=2,
        ),
        svg.bar_chart("NRR per unsur (skala 1-4)", [(str(r["unsur"]), r["nrr"]) for r in data["nrr_unsur"].records()],
                      4.0, decimals=3),
        table("nrr_office", data["nrr_office"], [("office_id", "Kantor", office_name)] + [
            (f"nrr_u{i}", f"U{i}", three) for i in range(1, 10)] + [("ikm", "IKM", two)]),
        "<h2>4. Kepatuhan SLA dan waktu tunggu per layanan</h2>",
        table("services", data["services"], [
            ("service", "Layanan", text), ("completed", "Selesai", count), ("p50_wait_min", "p50 (mnt)", one),
            ("p90_wait_min", "p90 (mnt)", one), ("p95_wait_min", "p95 (mnt)", one),
            ("target_wait_min", "Target tunggu (mnt)", count), ("compliance", "Kepatuhan", pct),
            ("target", "Target", pct), ("breaches", "Pelanggaran", count), ("abandonment_rate", "Batal", pct),
        ], css_of=_css),
        "<h2>5. Pengaduan</h2><div class=\"tiles\">",
        tile("complaints", "complaints", "Pengaduan", c["complaints"], count),
        tile("complaints", "complaints_per_1000", "Per 1.000 layanan", c["complaints_per_1000"], two),
        tile("complaints", "overdue", "Tanggapan terlambat", c["overdue"], count, "bad" if c["overdue"] else ""),
        tile("complaints", "pungli", "Pungli", c["pungli"], count, "bad" if c["pungli"] else ""),
        "</div>",
        table("complaint_categories", data["complaint_categories"], [
            ("category", "Kategori", _category), ("complaints", "Pengaduan", count), ("overdue", "Terlambat", count)]),
        table("complaint_offices", data["complaint_offices"], [
            ("office", "Kantor", text), ("completed", "Layanan", count), ("complaints", "Pengaduan", count),
            ("per_1000", "Per 1.000", two), ("overdue", "Terlambat", count), ("pungli", "Pungli", count),
        ], css_of=_css),
        "<h3>Tanggapan terlambat</h3>",
        table("overdue", data["overdue"], [
            ("complaint_id", "Pengaduan", text), ("office_id", "Kantor", office_name),
            ("category", "Kategori", _category),
            ("hours_late", "Jam terlambat", count)], limit=20),
        "<h3>Pungli</h3>",
        table("pungli", data["pungli"], [
            ("complaint_id", "Pengaduan", text), ("office_id", "Kantor", office_name), ("channel", "Kanal", text),
            ("text_redacted", "Isi (disamarkan)", text)], limit=20),
        "<h2>6. Temuan keadilan dan ketepatan waktu</h2>",
        table("fairness", data["fairness"], [
            ("office_id", "Kantor", office_name), ("completed", "Layanan", count), ("queue_jumps", "Serobot", count),
            ("queue_jumps_per_1000", "Serobot/1.000", two), ("late_openings", "Loket terlambat buka", count),
            ("priority_p50_wait_min", "Tunggu p50 prioritas (mnt)", one),
            ("regular_p50_wait_min", "Tunggu p50 reguler (mnt)", one),
        ]),
        table("priority", data["priority"], [
            ("grp", "Kelompok", lambda v: GROUPS.get(str(v), str(v))), ("tickets", "Tiket", count),
            ("mean_wait_min", "Rata-rata (mnt)", one), ("p50_wait_min", "p50 (mnt)", one),
            ("p90_wait_min", "p90 (mnt)", one)]),
        "<h2>7. Rekomendasi jumlah loket</h2>",
        f"<p>{escape(STAFFING_METHOD)}</p>",
        table("staffing", data["staffing"], [
            ("office", "Kantor", text), ("service", "Layanan", text),
            ("day", "Hari", text), ("hour_label", "Jam", text),
            ("arrivals_per_hour", "Kedatangan/jam", one), ("counters_open", "Loket buka", one),
            ("counters_needed", "Loket perlu", count), ("service_level_now", "Sesuai standar kini", pct),
            ("service_level_needed", "Dengan saran", pct),
        ], limit=20),
        "<h2>8. Penjelasan rumus</h2><dl>",
        "".join(f"<dt>{escape(name)}</dt><dd>{escape(body)}</dd>" for name, body in FORMULAS),
        "</dl>",
        '<p class="note">Sumber: basis data Pantau; setiap kejadian dihitung satu kali, dengan perhitungan yang sama '
        f"seperti dasbor pemantauan. Data dari tanggal {escape(period.start.isoformat())} sampai sebelum tanggal "
        f"{escape(period.end.isoformat())}.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


__all__ = ["render_report"]
