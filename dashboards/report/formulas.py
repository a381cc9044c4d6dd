"""Short explanations of each figure's formula, for readers of the report (Bahasa Indonesia)."""

FORMULAS: tuple[tuple[str, str], ...] = (
    ("Kepatuhan SLA", "Jumlah layanan dengan waktu tunggu ≤ target layanan ÷ jumlah layanan selesai (tiket batal "
     "tidak dihitung). Dibandingkan dengan target porsi dalam standar pelayanan (mis. 90%)."),
    ("Waktu tunggu", "Waktu sejak tiket diambil sampai petugas mulai melayani. p50/p90/p95: 50%, 90%, 95% warga "
     "menunggu paling lama selama itu."),
    ("Tingkat batal", "Tiket yang ditinggalkan atau tidak hadir saat dipanggil ÷ seluruh tiket yang berakhir."),
    ("Pengaduan per 1.000 layanan",
     "Jumlah pengaduan yang diajukan ÷ layanan selesai × 1.000, per kantor dan periode."),
    ("Tanggapan terlambat", "Pengaduan yang belum ditanggapi dalam 3 hari kerja (hari libur nasional dan cuti "
     "bersama tidak dihitung)."),
    ("IKM", "NRR unsur = jumlah nilai unsur ÷ jumlah responden; NRR tertimbang = Σ NRR × 0,111; IKM = NRR "
     "tertimbang × 25 (PermenPANRB 14/2017). Mutu: A ≥ 88,31; B ≥ 76,61; C ≥ 65,00; D di bawahnya."),
    ("Kecukupan sampel", "Sampel minimum Krejcie & Morgan: s = 3,841·N·0,25 ÷ (0,0025·(N−1) + 3,841·0,25), N = "
     "warga yang dilayani dalam periode. IKM dengan responden di bawah s tetap ditampilkan, ditandai kurang."),
    ("Serobot antrean", "Tiket reguler yang dipanggil sebelum tiket reguler lain yang diambil lebih dulu dan masih "
     "menunggu, pada layanan yang sama. Kelompok prioritas (lansia, disabilitas, ibu hamil, anak) boleh didahulukan."),
    ("Loket terlambat buka", "Pembukaan pertama loket dalam sehari yang lebih dari 5 menit setelah jam buka kantor."),
    ("Kebutuhan loket (Erlang C)", "Beban a = kedatangan per jam × lama layanan rata-rata (detik) ÷ 3.600. Dengan c "
     "loket (c > a): peluang menunggu P = Erlang C(a, c); porsi sesuai standar = 1 − P·e^(−(c−a)·T/S), T = target "
     "waktu tunggu, S = lama layanan. Loket perlu = c terkecil yang porsinya ≥ target porsi standar pelayanan."),
)
