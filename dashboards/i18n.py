"""Labels people read, in Bahasa Indonesia (default) and English. Code and SQL stay in English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")

# The nine unsur of the IKM survey (PermenPANRB 14/2017), U1..U9.
UNSUR_NAMES = (
    ("Persyaratan", "Requirements"),
    ("Sistem, mekanisme, dan prosedur", "Systems, mechanisms and procedures"),
    ("Waktu penyelesaian", "Completion time"),
    ("Biaya/tarif", "Cost/fee"),
    ("Produk spesifikasi jenis pelayanan", "Service products"),
    ("Kompetensi pelaksana", "Staff competence"),
    ("Perilaku pelaksana", "Staff behaviour"),
    ("Penanganan pengaduan, saran, dan masukan", "Handling of complaints and suggestions"),
    ("Sarana dan prasarana", "Facilities"),
)

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
    # panel descriptions (what each measures), d.<panel>
    "d.compliance": (
        "Layanan selesai, kepatuhan SLA (porsi tiket yang menunggu tidak lebih dari standar layanannya) dan "
        "selisihnya dari target layanan itu sendiri, perubahan terhadap periode sebelumnya yang sama panjang,"
        " tunggu p90, tingkat batal, pengaduan per 1.000 layanan, IKM dan mutunya.",
        "Completed services, SLA compliance (share of tickets waiting no longer than their service's "
        "standard) and its gap to the services' own target, change against the previous period of the same "
        "length, p90 wait, abandonment, complaints per 1,000 services, IKM and its grade.",
    ),
    "d.office_ranking": (
        "Kantor diurutkan menurut selisih kepatuhan dari target layanannya (merah di bawah 0), lalu tunggu "
        "p90. Kantor dengan layanan selesai di bawah minimum (PANTAU_DASHBOARDS_MIN_TICKETS) ditandai dan "
        "tidak diberi peringkat. Klik baris untuk Detail Kantor.",
        "Offices ordered by compliance gap to their services' target (red below 0), then p90 wait. Offices "
        "with fewer completed services than the minimum (PANTAU_DASHBOARDS_MIN_TICKETS) are flagged and not "
        "ranked. Click a row for the office detail.",
    ),
    "d.live_by_office": (
        "Warga yang sudah mengambil tiket dan belum dipanggil pada akhir rentang waktu, dan yang terlama "
        "menunggu, per kantor.",
        "Citizens holding a ticket and not yet called at the end of the range, and the longest wait, per "
        "office.",
    ),
    "d.regions": (
        "Per provinsi: layanan selesai, kepatuhan, target layanan dan selisihnya, tunggu p90, tingkat batal.",
        "Per province: completed services, compliance, the services' target and the gap, p90 wait, abandonment.",
    ),
    "d.fairness": (
        "Serobot antrean per 1.000 layanan, loket terlambat buka, dan tunggu median kelompok prioritas "
        "dibanding reguler, per kantor.",
        "Queue jumps per 1,000 services, counters opening late, and the median wait of priority groups "
        "against regular citizens, per office.",
    ),
    "d.compliance_trend": (
        "Selisih kepatuhan dari target layanan per provinsi dari waktu ke waktu; garis putus di 0 adalah "
        "target. Garis terputus pada jam tutup.",
        "Compliance gap to the services' target per province over time; the dashed line at 0 is the target. "
        "Lines break over closed hours.",
    ),
    "d.p90_trend": (
        "Tunggu p90 (nearest rank) per provinsi; garis putus di 30 dan 60 menit. Garis terputus pada jam "
        "tutup.",
        "p90 wait (nearest rank) per province; dashed lines at 30 and 60 minutes. Lines break over closed "
        "hours.",
    ),
    "d.live_queue": (
        "Warga yang menunggu sekarang (tiket diambil dalam 12 jam terakhir dan belum dipanggil) dan tunggu "
        "terlama.",
        "Citizens waiting now (ticket taken in the last 12 hours, not yet called) and the longest wait.",
    ),
    "d.voice": (
        "Pengaduan kantor dalam rentang waktu (per 1.000 layanan, terlambat ditanggapi, pungli) dan IKM "
        "bulan-bulan setempat yang beririsan, dengan mutu dan jumlah responden.",
        "The office's complaints in the range (per 1,000 services, overdue, illegal levies) and the IKM of "
        "the local months it overlaps, with grade and respondents.",
    ),
    "d.arrivals_served": (
        "Tiket diambil dan layanan selesai per interval: selama kedatangan di atas layanan selesai, antrean "
        "bertambah.",
        "Tickets taken and services completed per interval: while arrivals stay above completions the queue "
        "grows.",
    ),
    "d.breach_trend": (
        "Pelanggaran standar waktu tunggu yang dideteksi worker: warga masih menunggu melewati standar, atau "
        "dilayani terlambat.",
        "Waiting-time breaches detected by the worker: citizens still waiting past the standard, or served "
        "late.",
    ),
    "d.waits_by_service": (
        "Per layanan: selesai, tunggu p50/p90/p95 (nearest rank), standar tunggu, kepatuhan dan selisih dari "
        "target, pelanggaran, batal, warga yang pergi sebelum dipanggil dan yang tidak hadir saat dipanggil "
        "(terpisah), rata-rata lama layanan.",
        "Per service: completed, p50/p90/p95 wait (nearest rank), wait standard, compliance and gap to "
        "target, breaches, abandonment, walk-outs and no-shows (apart), mean service time.",
    ),
    "d.wait_trend": (
        "Tunggu p50, p90 dan p95 dari tiket yang mulai dilayani per interval. Garis terputus pada jam tutup.",
        "p50, p90 and p95 wait of the tickets whose service started in each interval. Lines break over closed"
        " hours.",
    ),
    "d.throughput_hour": (
        "Layanan selesai dan batal per jam hari waktu setempat kantor.",
        "Completed and abandoned services per hour of the office's local day.",
    ),
    "d.wait_heatmap": (
        "Tunggu p90 per hari dan jam waktu setempat kantor (hijau < 30 menit, kuning < 60, merah): kapan "
        "antrean menumpuk.",
        "p90 wait per local weekday and hour (green < 30 minutes, yellow < 60, red): when waits pile up.",
    ),
    "d.counters": (
        "Per loket: layanan selesai, rata-rata lama layanan, utilisasi (waktu melayani dibagi rentang kerja "
        "dari panggilan pertama sampai layanan terakhir tiap hari) dan jam menganggur, tunggu p90, terlambat "
        "buka dan serobot antrean (kosong bila tidak ada).",
        "Per counter: completed, mean service time, utilisation (service time over the working span from "
        "first call to last completion each day) and idle hours, p90 wait, late openings and queue jumps "
        "(empty where none).",
    ),
    "d.late_openings": (
        "Loket yang buka setelah jam buka kantor, dengan keterlambatannya.",
        "Counters that opened after the office's opening time, and by how much.",
    ),
    "d.priority_waits": (
        "Tunggu rata-rata, p50 dan p90 per kelompok prioritas (lansia, disabilitas, ibu hamil, anak) "
        "dibanding reguler.",
        "Mean, p50 and p90 wait per priority group (elderly, disability, pregnant, child) against regular "
        "citizens.",
    ),
    "d.queue_jumps": (
        "Tiket yang dipanggil sebelum tiket lebih awal dari layanan yang sama, dan berapa lama mendahului.",
        "Tickets called before earlier tickets of the same service, and by how long.",
    ),
    "d.complaints_summary": (
        "Pengaduan dalam rentang waktu, per 1.000 layanan selesai, yang terlambat ditanggapi (3 hari kerja), "
        "belum ditanggapi, dan pungli.",
        "Complaints in the range, per 1,000 completed services, overdue first responses (3 working days), "
        "unanswered, and illegal levies.",
    ),
    "d.by_category": (
        "Pengaduan dan yang terlambat ditanggapi per kategori SP4N-LAPOR!.",
        "Complaints and overdue responses per SP4N-LAPOR! category.",
    ),
    "d.by_channel": (
        "Pengaduan per kanal masuk.",
        "Complaints per channel.",
    ),
    "d.by_office": (
        "Per kantor: layanan selesai, pengaduan, per 1.000 layanan, terlambat ditanggapi, pungli. Klik baris "
        "untuk Detail Kantor.",
        "Per office: completed services, complaints, per 1,000 services, overdue, illegal levies. Click a row"
        " for the office detail.",
    ),
    "d.complaint_trend": (
        "Pengaduan per kategori per hari (hari waktu WIB).",
        "Complaints per category per day (WIB days).",
    ),
    "d.overdue": (
        "Pengaduan yang tanggapan pertamanya melewati batas, terlama dulu.",
        "Complaints whose first response came after the deadline, longest first.",
    ),
    "d.pungli": (
        "Setiap pengaduan pungli (toleransi nol), teks sudah disamarkan.",
        "Every illegal-levy complaint (zero tolerance), text redacted.",
    ),
    "d.ikm_summary": (
        "IKM wilayah (rata-rata berbobot responden), responden, dan kantor dengan sampel di bawah minimum "
        "Krejcie-Morgan.",
        "IKM of the area (weighted by respondents), respondents, and offices below the Krejcie-Morgan minimum"
        " sample.",
    ),
    "d.nrr_unsur": (
        "Nilai rata-rata (skala 1-4) tiap unsur U1-U9 PermenPANRB 14/2017 atas semua kantor terpilih.",
        "Mean score (1-4) of each element U1-U9 of PermenPANRB 14/2017 over the chosen offices.",
    ),
    "d.ikm_ranking": (
        "Peringkat IKM per periode dengan mutu, responden, populasi terlayani, sampel minimum dan "
        "kecukupannya.",
        "IKM ranking per period with grade, respondents, served population, minimum sample and whether it is "
        "met.",
    ),
    "d.nrr_office": (
        "NRR tiap unsur per kantor dan periode.",
        "Score of each element per office and period.",
    ),
    "d.ikm_trend": (
        "IKM bulanan per provinsi selama 12 bulan terakhir (waktu relatif panel), garis putus di batas mutu.",
        "Monthly IKM per province over the last 12 months (panel relative time), dashed lines at the grade "
        "boundaries.",
    ),
    "d.pipeline_summary": (
        "Event yang mendarat, per detik, jeda pengiriman p95, dead letter dan porsinya.",
        "Events landed, per second, p95 delivery lag, dead letters and their share.",
    ),
    "d.events_per_s": (
        "Event valid per detik per jenis, menurut menit diterima Kafka.",
        "Valid events per second per type, by the minute Kafka received them.",
    ),
    "d.delivery_lag": (
        "Jeda dari jam kantor ke Kafka: p50, p95, maksimum.",
        "Delay from the office clock to Kafka: p50, p95, maximum.",
    ),
    "d.dead_letters": (
        "Dead letter per alasan, dengan satu contoh.",
        "Dead letters per reason, with one example.",
    ),
    "d.dead_letter_trend": (
        "Dead letter per alasan dari waktu ke waktu.",
        "Dead letters per reason over time.",
    ),
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
    # columns added with issue #19
    "c.arrivals": ("Kedatangan", "Arrivals"),
    "c.arrivals_per_hour": ("Kedatangan per jam", "Arrivals per hour"),
    "c.complaint_id": ("ID pengaduan", "Complaint ID"),
    "c.completed_change": ("Perubahan layanan selesai", "Change in completed"),
    "c.compliance_change": ("Perubahan kepatuhan", "Change in compliance"),
    "c.compliance_gap": ("Selisih dari target", "Gap to target"),
    "c.counters_needed": ("Loket diperlukan", "Counters needed"),
    "c.counters_open": ("Loket buka", "Counters open"),
    "c.day": ("Hari", "Day"),
    "c.detail": ("Rincian", "Detail"),
    "c.filed_at": ("Diajukan", "Filed"),
    "c.hour_label": ("Jam", "Hour"),
    "c.idle_hours": ("Jam menganggur", "Idle hours"),
    "c.kind": ("Jenis", "Kind"),
    "c.low_volume": ("Volume", "Volume"),
    "c.max_lag_s": ("Jeda maks.", "Max lag"),
    "c.p50_lag_s": ("Jeda p50", "p50 lag"),
    "c.no_shows": ("Tidak hadir saat dipanggil", "No-shows"),
    "c.walkouts": ("Pergi sebelum dipanggil", "Walk-outs"),
    "c.opened_at": ("Dibuka", "Opened"),
    "c.responded_at": ("Ditanggapi", "Responded"),
    "c.response_due_at": ("Batas tanggapan", "Response due"),
    "c.service_level_needed": ("Tingkat layanan diperlukan", "Service level needed"),
    "c.service_level_now": ("Tingkat layanan sekarang", "Service level now"),
    "c.taken_at": ("Waktu", "Taken at"),
    "c.text_redacted": ("Isi (disamarkan)", "Text (redacted)"),
    "c.ticket_id": ("ID tiket", "Ticket ID"),
    "c.type": ("Jenis event", "Event type"),
    "c.utilisation": ("Utilisasi", "Utilisation"),
    **{f"c.wait_wd{day}": (name, english) for day, (name, english) in enumerate(
        (("Senin", "Monday"), ("Selasa", "Tuesday"), ("Rabu", "Wednesday"), ("Kamis", "Thursday"),
         ("Jumat", "Friday"), ("Sabtu", "Saturday"), ("Minggu", "Sunday")), start=1)},
    # unsur of PermenPANRB 14/2017 (DOMAIN.md), for U1-U9 and the nrr_u1..nrr_u9 columns
    **{f"v.U{i}": (f"U{i} {name}", f"U{i} {english}") for i, (name, english) in enumerate(UNSUR_NAMES, start=1)},
    **{f"c.nrr_u{i}": (f"U{i} {name}", f"U{i} {english}") for i, (name, english) in enumerate(UNSUR_NAMES, start=1)},
    "v.low_volume": ("di bawah minimum", "below minimum"),
    "v.enough_volume": ("cukup", "enough"),
    # panels added with issue #19
    "p.live_by_office": ("Antrean saat ini per kantor", "Queue now by office"),
    "p.voice": ("Pengaduan dan IKM kantor", "Complaints and IKM of the office"),
    "p.arrivals_served": ("Kedatangan dan layanan selesai", "Arrivals and completed services"),
    "p.wait_heatmap": ("Tunggu p90 per hari dan jam (waktu setempat)", "p90 wait by weekday and hour (local time)"),
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
