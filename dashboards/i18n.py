"""Labels people read, in Bahasa Indonesia (default) and English. Code and SQL stay in English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")

# key: (Bahasa Indonesia, English)
_LABELS: dict[str, tuple[str, str]] = {
    # dashboards
    "dash.regional": ("Ringkasan Regional", "Regional Overview"),
    "dash.office": ("Detail Kantor", "Office Detail"),
    "dash.complaints": ("Pengaduan", "Complaints"),
    "dash.ikm": ("Evaluasi Berkala (IKM)", "Periodic Evaluation (IKM)"),
    "dash.pipeline": ("Kesehatan Pipeline", "Pipeline Health"),
    "folder": ("Pantau", "Pantau"),
    # variables
    "var.region": ("Provinsi", "Province"),
    "var.district": ("Kabupaten/Kota", "District"),
    "var.office": ("Kantor", "Office"),
    "var.service": ("Layanan", "Service"),
    "var.period_kind": ("Jenis periode", "Period kind"),
    # rows
    "row.summary": ("Ringkasan", "Summary"),
    "row.ranking": ("Peringkat kantor", "Office ranking"),
    "row.trends": ("Tren", "Trends"),
    "row.live": ("Saat ini", "Now"),
    "row.waits": ("Waktu tunggu", "Waiting times"),
    "row.counters": ("Loket", "Counters"),
    "row.fairness": ("Keadilan", "Fairness"),
    "row.detail": ("Rincian", "Details"),
    # panels
    "p.compliance": ("Kepatuhan SLA", "SLA compliance"),
    "p.target": ("Target", "Target"),
    "p.p90": ("Tunggu p90", "p90 wait"),
    "p.abandonment": ("Tingkat batal", "Abandonment"),
    "p.complaint_rate": ("Pengaduan per 1.000 layanan", "Complaints per 1,000 services"),
    "p.ikm": ("IKM", "IKM"),
    "p.office_ranking": ("Peringkat kantor (klik untuk detail)", "Office ranking (click for detail)"),
    "p.regions": ("Per provinsi", "By province"),
    "p.compliance_trend": ("Kepatuhan SLA per provinsi", "SLA compliance by province"),
    "p.p90_trend": ("Tunggu p90 per provinsi", "p90 wait by province"),
    "p.live_queue": ("Antrean saat ini", "Queue now"),
    "p.waits_by_service": ("Waktu tunggu per layanan", "Waiting times by service"),
    "p.wait_trend": ("Waktu tunggu (p50/p90/p95)", "Waiting time (p50/p90/p95)"),
    "p.breach_trend": ("Pelanggaran standar waktu tunggu", "Waiting-time breaches"),
    "p.throughput_hour": ("Layanan selesai per jam (waktu setempat)", "Completed services by hour (local time)"),
    "p.counters": ("Kinerja loket", "Counters"),
    "p.late_openings": ("Loket terlambat buka", "Counters opening late"),
    "p.staffing": ("Rekomendasi jumlah loket: kekurangan per jam", "Counter plan: counters short per hour"),
    "p.queue_jumps": ("Serobot antrean", "Queue jumps"),
    "p.priority_waits": ("Waktu tunggu per kelompok prioritas", "Waiting time by priority group"),
    "p.fairness": ("Keadilan dan ketepatan waktu per kantor", "Fairness and punctuality by office"),
    "c.queue_jumps_per_1000": ("Serobot/1.000", "Jumps/1,000"),
    "c.priority_p50_wait_min": ("Tunggu p50 prioritas", "Priority p50 wait"),
    "c.regular_p50_wait_min": ("Tunggu p50 reguler", "Regular p50 wait"),
    "p.complaints_summary": ("Ringkasan pengaduan", "Complaints summary"),
    "p.by_category": ("Per kategori", "By category"),
    "p.by_channel": ("Per kanal", "By channel"),
    "p.by_office": ("Per kantor", "By office"),
    "p.complaint_trend": ("Pengaduan per kategori", "Complaints by category"),
    "p.overdue": ("Tanggapan terlambat", "Overdue responses"),
    "p.pungli": ("Pungli (toleransi nol)", "Illegal levies (zero tolerance)"),
    "p.ikm_summary": ("IKM wilayah", "IKM of the area"),
    "p.ikm_ranking": ("Peringkat IKM dan kecukupan sampel", "IKM ranking and sample sufficiency"),
    "p.nrr_unsur": ("NRR per unsur", "NRR per element"),
    "p.nrr_office": ("NRR per unsur per kantor", "NRR per element per office"),
    "p.ikm_trend": ("Tren IKM bulanan", "Monthly IKM trend"),
    "p.pipeline_summary": ("Ringkasan", "Summary"),
    "p.events_per_s": ("Event per detik", "Events per second"),
    "p.delivery_lag": ("Jeda pengiriman (kantor -> Kafka)", "Delivery lag (office -> Kafka)"),
    "p.dead_letters": ("Dead letter per alasan", "Dead letters by reason"),
    "p.dead_letter_trend": ("Dead letter dari waktu ke waktu", "Dead letters over time"),
    "p.freshness": ("Kesegaran data per tabel", "Data freshness per table"),
    "d.staffing": (
        "Kekurangan loket per hari dan jam (waktu setempat): loket yang diperlukan agar standar waktu tunggu "
        "layanan terpenuhi (Erlang C, dari kedatangan dan lama layanan beberapa minggu terakhir) dikurangi "
        "rata-rata loket yang melayani. Merah: kurang loket; hijau: cukup (angka negatif: loket menganggur). "
        "Model: kedatangan acak, satu antrean per layanan, tanpa warga yang pergi. Diperbarui `pantau staffing`.",
        "Counters short per weekday and hour (local time): the counters the services' waiting standard needs "
        "(Erlang C, from the last weeks' arrivals and service times) minus the mean counters serving. Red: "
        "short; green: enough (negative: idle counters). Model: random arrivals, one queue per service, "
        "nobody leaving. Refreshed by `pantau staffing`.",
    ),
    "d.freshness": (
        "Umur baris terbaru tiap tabel pada akhir rentang waktu. Lag konsumen Kafka dan latensi insert sink "
        "tidak tersimpan di ClickHouse: perlu metrik dari worker dan sink.",
        "Age of each table's newest row at the end of the range. Kafka consumer lag and the sink's insert "
        "latency are not in ClickHouse: they need metrics from the worker and the sink.",
    ),
    # columns
    "c.rank": ("Peringkat", "Rank"),
    "c.office_id": ("ID kantor", "Office ID"),
    "c.office": ("Kantor", "Office"),
    "c.region": ("Provinsi", "Province"),
    "c.district": ("Kabupaten/Kota", "District"),
    "c.completed": ("Layanan selesai", "Completed"),
    "c.compliance": ("Kepatuhan", "Compliance"),
    "c.target": ("Target", "Target"),
    "c.p50_wait_min": ("Tunggu p50", "p50 wait"),
    "c.p90_wait_min": ("Tunggu p90", "p90 wait"),
    "c.p95_wait_min": ("Tunggu p95", "p95 wait"),
    "c.target_wait_min": ("Target tunggu", "Wait target"),
    "c.mean_wait_min": ("Rata-rata tunggu", "Mean wait"),
    "c.abandonment_rate": ("Batal", "Abandoned"),
    "c.complaints_per_1000": ("Pengaduan/1.000", "Complaints/1,000"),
    "c.per_1000": ("Per 1.000 layanan", "Per 1,000 services"),
    "c.ikm": ("IKM", "IKM"),
    "c.mutu": ("Mutu", "Grade"),
    "c.service_code": ("Kode layanan", "Service code"),
    "c.service": ("Layanan", "Service"),
    "c.breaches": ("Pelanggaran", "Breaches"),
    "c.waiting": ("Menunggu", "Waiting"),
    "c.longest_wait_min": ("Tunggu terlama", "Longest wait"),
    "c.counter_id": ("Loket", "Counter"),
    "c.mean_service_min": ("Rata-rata layanan", "Mean service"),
    "c.late_openings": ("Terlambat buka", "Late openings"),
    "c.avg_minutes_late": ("Rata-rata terlambat", "Mean lateness"),
    "c.queue_jumps": ("Serobot antrean", "Queue jumps"),
    "c.minutes_late": ("Terlambat", "Late by"),
    "c.minutes_ahead": ("Mendahului", "Ahead by"),
    "c.grp": ("Kelompok", "Group"),
    "c.tickets": ("Tiket", "Tickets"),
    "c.complaints": ("Pengaduan", "Complaints"),
    "c.overdue": ("Terlambat ditanggapi", "Overdue"),
    "c.unanswered": ("Belum ditanggapi", "Unanswered"),
    "c.pungli": ("Pungli", "Illegal levy"),
    "c.category": ("Kategori", "Category"),
    "c.channel": ("Kanal", "Channel"),
    "c.hours_late": ("Jam terlambat", "Hours late"),
    "c.respondents": ("Responden", "Respondents"),
    "c.served": ("Dilayani", "Served"),
    "c.min_sample": ("Sampel minimum", "Minimum sample"),
    "c.below_min_sample": ("Sampel kurang", "Below minimum sample"),
    "c.period": ("Periode", "Period"),
    "c.period_kind": ("Jenis periode", "Period kind"),
    "c.events": ("Event", "Events"),
    "c.events_per_s": ("Event/detik", "Events/s"),
    "c.p95_lag_s": ("Jeda p95", "p95 lag"),
    "c.dead_letters": ("Dead letter", "Dead letters"),
    "c.dead_letter_share": ("Porsi dead letter", "Dead-letter share"),
    "c.reason_code": ("Alasan", "Reason"),
    "c.example": ("Contoh", "Example"),
    "c.source": ("Tabel", "Table"),
    "c.minutes_since_last_row": ("Menit sejak baris terakhir", "Minutes since last row"),
    "c.rows": ("Baris", "Rows"),
    "c.respondents_total": ("Responden", "Respondents"),
    "c.offices_below_min_sample": ("Kantor dengan sampel kurang", "Offices below minimum sample"),
    "c.offices": ("Kantor", "Offices"),
    "c.hour": ("Jam", "Hour"),
    "c.wd1": ("Senin", "Monday"),
    "c.wd2": ("Selasa", "Tuesday"),
    "c.wd3": ("Rabu", "Wednesday"),
    "c.wd4": ("Kamis", "Thursday"),
    "c.wd5": ("Jumat", "Friday"),
    "c.wd6": ("Sabtu", "Saturday"),
    "c.wd7": ("Minggu", "Sunday"),
    "c.abandoned": ("Batal", "Abandoned"),
    "c.unsur": ("Unsur", "Element"),
    "c.nrr": ("NRR", "NRR"),
    # value texts
    "v.regular": ("reguler", "regular"),
    "v.elderly": ("lansia", "elderly"),
    "v.disability": ("disabilitas", "disability"),
    "v.pregnant": ("ibu hamil", "pregnant"),
    "v.child": ("anak", "child"),
    "v.below": ("kurang", "below"),
    "v.sufficient": ("cukup", "sufficient"),
    "v.live_wait": ("masih menunggu", "still waiting"),
    "v.completed_wait": ("selesai terlambat", "served late"),
    "v.waktu": ("waktu pelayanan", "slow service"),
    "v.pungli": ("biaya/pungli", "illegal levy (pungli)"),
    "v.perilaku_petugas": ("perilaku petugas", "staff behaviour"),
    "v.persyaratan": ("persyaratan", "requirements"),
    "v.sarana_prasarana": ("sarana prasarana", "facilities"),
    "v.diskriminasi": ("diskriminasi", "discrimination"),
    "v.lainnya": ("lainnya", "other"),
    "v.A": ("A (Sangat Baik)", "A (Very good)"),
    "v.B": ("B (Baik)", "B (Good)"),
    "v.C": ("C (Kurang Baik)", "C (Poor)"),
    "v.D": ("D (Tidak Baik)", "D (Bad)"),
}


# The catalog's default complaint categories (DOMAIN: SP4N-LAPOR! categories), labelled as `v.<code>`.
COMPLAINT_CATEGORIES = ("waktu", "pungli", "perilaku_petugas", "persyaratan", "sarana_prasarana", "diskriminasi",
                        "lainnya")


def t(key: str, lang: Lang = "id") -> str:
    """The label for `key`; an unknown key is a programming error, so it raises KeyError."""
    indonesian, english = _LABELS[key]
    return indonesian if lang == "id" else english


def has(key: str) -> bool:
    """Whether a label exists (column labels are optional: the SQL name is shown otherwise)."""
    return key in _LABELS
