"""What complaints say: short Indonesian texts by category, some carrying a NIK and a phone number.

Real complaints (SP4N-LAPOR!, WhatsApp, kotak saran) often include the reporter's NIK, name and phone
in the free text; the pipeline must redact them (UU 27/2022), so the simulator puts them there too,
in the formats people type: 0812-3456-7890, +62 812 3456 7890, 081234567890. A NIK is built like a
real one: province, regency and district codes, birth date (day + 40 for women), then a serial.
"""

from __future__ import annotations

import random

TEMPLATES: dict[str, tuple[str, ...]] = {
    "waktu": (
        "Antrean {layanan} sangat lama, saya menunggu {menit} menit belum juga dipanggil.",
        "Pelayanan {layanan} lambat sekali, baru dilayani setelah menunggu {menit} menit.",
        "Sudah {menit} menit menunggu, loket yang buka hanya sedikit. Mohon petugas ditambah.",
        "Saya pulang tanpa dilayani karena antrean {layanan} tidak bergerak.",
    ),
    "pungli": (
        "Ada oknum petugas meminta uang Rp{uang} supaya berkas {layanan} cepat selesai.",
        "Saya diminta membayar biaya tambahan Rp{uang} untuk {layanan}, padahal katanya gratis.",
    ),
    "perilaku_petugas": (
        "Petugas loket {loket} kurang ramah dan membentak pemohon.",
        "Petugas sibuk main HP saat melayani {layanan}, tidak menjelaskan prosedur.",
        "Sikap petugas tidak sopan ketika saya bertanya soal {layanan}.",
    ),
    "persyaratan": (
        "Persyaratan {layanan} tidak jelas, saya disuruh kembali membawa dokumen lain.",
        "Informasi syarat {layanan} di website berbeda dengan di loket, saya harus datang dua kali.",
        "Berkas saya ditolak karena kurang fotokopi, padahal tidak ada di daftar persyaratan.",
    ),
    "sarana_prasarana": (
        "Ruang tunggu panas, AC mati dan kursi kurang.",
        "Toilet kotor dan tidak ada air.",
        "Mesin antrean rusak, nomor tidak keluar. Tidak ada jalur kursi roda.",
        "Parkiran penuh dan tidak ada tempat berteduh.",
    ),
    "diskriminasi": (
        "Ada orang yang langsung dilayani tanpa antre karena kenal petugas.",
        "Nomor saya dilewati, pemohon yang datang belakangan dipanggil duluan di {layanan}.",
        "Pemohon lansia tidak didahulukan, malah disuruh antre di luar.",
    ),
    "lainnya": (
        "Mohon jam layanan {layanan} diperpanjang sampai sore.",
        "Aplikasi antrean online sering error saat mendaftar {layanan}.",
        "Hasil cetak dokumen {layanan} belum jadi padahal sudah lewat janji.",
    ),
}

_NAMES = (
    "Budi Santoso", "Siti Aminah", "Agus Setiawan", "Dewi Lestari", "Rudi Hartono", "Nur Hidayah",
    "Made Suartana", "Yohanes Wenda", "Andi Pratama", "Rina Marlina", "Hendra Gunawan", "Maria Lumban Gaol",
)  # fmt: skip
_MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "823", "852", "853", "857", "858", "877", "878", "896")
_AMOUNTS = ("50.000", "100.000", "150.000", "200.000", "300.000", "500.000")


def make_nik(rng: random.Random, province_code: str) -> str:
    """A 16-digit NIK of the province: regency, district, birth date (women: day + 40), serial."""
    female = rng.random() < 0.5
    day = rng.randint(1, 28) + (40 if female else 0)
    return (
        f"{province_code}{rng.randint(1, 30):02d}{rng.randint(1, 25):02d}"
        f"{day:02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}{rng.randint(1, 400):04d}"
    )


def make_phone(rng: random.Random) -> str:
    """An Indonesian mobile number in one of the formats people type."""
    prefix = rng.choice(_MOBILE_PREFIXES)
    middle, last = rng.randint(1000, 9999), rng.randint(1000, 9999)
    style = rng.randrange(3)
    if style == 0:
        return f"0{prefix}-{middle}-{last}"
    if style == 1:
        return f"+62 {prefix} {middle} {last}"
    return f"0{prefix}{middle}{last}"


def complaint_text(
    rng: random.Random,
    category: str,
    service_name: str,
    counter_id: str,
    wait_min: int,
    nik: str | None,
    with_phone: bool,
) -> str:
    """The free text of a complaint; `nik` and `with_phone` add the reporter's contact details."""
    text = rng.choice(TEMPLATES.get(category, TEMPLATES["lainnya"])).format(
        layanan=service_name, menit=wait_min, loket=counter_id or "depan", uang=rng.choice(_AMOUNTS)
    )
    if nik is not None:
        text += f" Nama saya {rng.choice(_NAMES)}, NIK {nik}."
    if with_phone:
        text += f" Mohon hubungi saya di {make_phone(rng)}."
    return text
