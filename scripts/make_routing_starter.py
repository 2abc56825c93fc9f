"""Writes data/routing/starter.csv: the routing model's starter corpus (issue 19).

Every phrase below was written for Laksana; nothing is copied from real reports. Each category has
hand-written reports in several registers; the script combines them with places and the ways people
really type (abbreviations, dropped letters, no punctuation) so that each category has at least 40
different rows. Deterministic: the same script writes the same file.

    python scripts/make_routing_starter.py
"""

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "routing" / "starter.csv"
PER_CATEGORY = 44

PLACES = [
    "di depan gang Masjid Al-Ikhlas",
    "dekat pasar Anyar",
    "di RT 03 RW 05",
    "depan SDN 2",
    "di perumahan Poris Indah",
    "dkt pertigaan Cikokol",
    "di Jl. Imam Bonjol",
    "sebelah minimarket",
    "di Kelurahan Sukasari",
    "arah ke stasiun",
    "di belakang kantor kelurahan",
    "di komplek Banjar Wijaya",
    "deket lampu merah Tanah Tinggi",
    "di jalan Daan Mogot",
    "di kampung Kelapa Indah",
    "samping musholla",
    "",
    "",
]
OPENERS = [
    "",
    "",
    "",
    "Assalamualaikum, ",
    "Selamat pagi pak/bu, ",
    "Min, ",
    "Permisi, ",
    "Mohon maaf mengganggu, ",
    "Lapor, ",
    "Pak, ",
]
CLOSERS = [
    "",
    "",
    "",
    " Mohon segera ditindaklanjuti.",
    " tolong dong",
    " Terima kasih.",
    " udah lama bgt",
    " mohon bantuannya",
    " tlg diperhatikan",
    " sudah dilaporkan ke RT tapi belum ada tindakan.",
    " gimana ini pemkot??",
    " sangat meresahkan warga.",
]

# Informal spellings people use in chat and on the web form.
ABBREVIATIONS = {
    "jalan": "jln",
    "tidak": "gk",
    "sudah": "sdh",
    "yang": "yg",
    "dengan": "dgn",
    "tolong": "tlg",
    "sekali": "bgt",
    "segera": "sgr",
    "belum": "blm",
    "karena": "krn",
    "banyak": "byk",
    "warga": "wrg",
    "untuk": "utk",
    "bapak": "bpk",
    "saya": "sy",
    "lampu": "lmpu",
    "kami": "kmi",
    "ada": "ad",
    "sampai": "sampe",
    "hari": "hr",
}

# category code -> (agency function of its default agency, reports)
CORPUS: dict[str, tuple[str, list[str]]] = {
    "JALAN-RUSAK": (
        "public_works",
        [
            "Jalan rusak parah banyak lubang besar",
            "jln rusak parah gk diperbaiki2",
            "Aspal jalan mengelupas dan berlubang, motor sering jatuh",
            "jalanan bolong bolong kalau hujan jadi kubangan",
            "Ada lubang besar di tengah jalan sudah memakan korban pengendara motor",
            "jalan ancur bgt pak udah setahun ga diaspal",
            "Kondisi jalan lingkungan rusak, beton retak dan amblas",
            "jalan amblas sebagian, bahaya buat kendaraan",
            "Mohon perbaikan jalan yang berlubang, mobil sering terperosok",
            "jalan rusak bergelombang bikin ban pecah",
            "Paving block jalan gang lepas lepas dan berlubang",
            "tambalan aspal kemarin udah ancur lagi, jalan bolong",
        ],
    ),
    "DRAINASE": (
        "public_works",
        [
            "Saluran air tersumbat sampah, air meluap ke jalan",
            "got mampet bau bgt airnya ga ngalir",
            "Selokan depan rumah tersumbat lumpur, perlu dikeruk",
            "gorong gorong buntu jadi air nya balik ke rumah warga",
            "Drainase tertutup sedimen sehingga air tidak mengalir",
            "saluran got pecah dan tutupnya hilang, bahaya",
            "Mohon normalisasi saluran air yang dangkal penuh lumpur",
            "selokan mampet banyak jentik nyamuk",
            "tutup saluran air (u-ditch) rusak dan ambrol",
            "Air got tergenang terus karena saluran tidak ada kemiringan",
            "gorong2 di bawah jalan tersumbat sampah plastik",
        ],
    ),
    "BANJIR": (
        "disaster",
        [
            "Banjir setinggi lutut masuk ke rumah warga",
            "banjir lagi pak air udah sepinggang, warga butuh evakuasi",
            "Genangan air tinggi setelah hujan deras, jalan tidak bisa dilewati",
            "tanggul kali jebol air masuk perumahan",
            "Warga terdampak banjir butuh perahu karet dan logistik",
            "air kali meluap rumah kebanjiran semua",
            "banjir sdh 2 hari blm surut, anak2 mulai sakit",
            "Mohon bantuan pompa air, perumahan kami terendam",
            "jalan tergenang banjir 50 cm motor pada mogok",
            "Debit air sungai naik, warga bantaran khawatir banjir malam ini",
            "rumah terendam banjir, perlu posko pengungsian",
        ],
    ),
    "JEMBATAN": (
        "public_works",
        [
            "Jembatan penghubung antar kampung rusak dan papannya lapuk",
            "jembatan kayu udah goyang mau ambruk",
            "Pagar pembatas jembatan patah, berbahaya bagi pejalan kaki",
            "jembatan retak retak takut roboh kalau dilewati truk",
            "Lantai jembatan berlubang, anak sekolah lewat situ setiap hari",
            "jembatan penyeberangan orang (JPO) tangganya rusak",
            "Oprit jembatan amblas sehingga kendaraan terbentur",
            "jembatan gantung kabelnya putus sebagian",
            "Besi jembatan berkarat dan keropos, mohon diperiksa",
            "jembatan kecil di atas kali ambrol sebelah",
        ],
    ),
    "PJU": (
        "housing",
        [
            "Lampu penerangan jalan umum mati sudah seminggu",
            "lampu pju mati, jalan gelap bgt rawan begal",
            "lampu jalan padam satu ruas, malam gelap gulita",
            "PJU kedip-kedip terus lalu mati",
            "Tiang lampu jalan miring dan lampunya tidak menyala",
            "lmpu jalan mati semua dr ujung sampe ujung",
            "Penerangan jalan di gang kami tidak ada, mohon dipasang PJU",
            "lampu jalanan nyala siang mati malem",
            "kabel lampu PJU terkelupas dan menjuntai",
            "Lampu jalan umum rusak setelah tersambar petir",
            "pju di jalan utama mati total, pengendara kesulitan",
        ],
    ),
    "TAMAN": (
        "housing",
        [
            "Taman kota tidak terawat, rumput tinggi dan banyak sampah",
            "taman nya kumuh, ayunan anak rusak",
            "Fasilitas bermain anak di taman rusak dan berbahaya",
            "bangku taman patah, lampu taman juga mati",
            "Ruang terbuka hijau dijadikan tempat parkir",
            "taman kotor bgt ga ada yg nyapu",
            "Air mancur taman tidak berfungsi dan airnya bau",
            "rumput taman udah tinggi sepinggang, banyak ular",
            "Toilet umum di taman rusak dan jorok",
            "jogging track di taman retak dan berlubang",
        ],
    ),
    "POHON": (
        "housing",
        [
            "Pohon tumbang menutup jalan setelah hujan angin",
            "pohon gede mau tumbang miring ke rumah warga",
            "Dahan pohon besar patah menimpa kabel listrik",
            "pohon tumbang nimpa mobil, jalan macet",
            "Mohon pemangkasan pohon yang rantingnya mengenai kabel",
            "pohon tua keropos rawan roboh kalau angin kenceng",
            "Akar pohon merusak trotoar dan dinding rumah",
            "ranting pohon nutupin lampu jalan",
            "pohon angsana tumbang melintang di jalan",
            "Pohon di pinggir jalan sudah mati dan lapuk, khawatir tumbang",
        ],
    ),
    "SAMPAH": (
        "environment",
        [
            "Sampah tidak diangkut sudah seminggu, bau menyengat",
            "sampah numpuk di kali",
            "TPS penuh sampah meluber ke jalan",
            "truk sampah gk dateng2 udah 5 hari",
            "Tumpukan sampah liar di lahan kosong dibakar warga",
            "sampah berserakan dimakan kucing bau busuk",
            "Mohon penambahan tong sampah dan jadwal pengangkutan",
            "orang buang sampah sembarangan di pinggir jalan",
            "petugas kebersihan tidak mengangkut sampah rumah tangga",
            "sampah menggunung di bantaran sungai",
            "bak sampah penuh belatung ga diangkut",
        ],
    ),
    "PENCEMARAN": (
        "environment",
        [
            "Pabrik membuang limbah ke sungai, air jadi hitam dan bau",
            "asap pabrik bikin sesak napas warga",
            "Bau menyengat limbah industri setiap malam",
            "kali berubah warna merah, ikan pada mati",
            "Pencemaran udara dari pembakaran sampah plastik",
            "limbah cair dibuang ke got sama pabrik tahu",
            "debu dari proyek bikin rumah kotor dan batuk",
            "Bau busuk dari peternakan babi mengganggu warga",
            "air sumur tercemar limbah, berminyak dan bau",
            "Kebisingan mesin pabrik 24 jam dan asap hitam",
        ],
    ),
    "PARKIR-LIAR": (
        "transport",
        [
            "Parkir liar di bahu jalan menyebabkan macet",
            "tukang parkir liar minta bayar 5rb di minimarket",
            "Mobil parkir sembarangan di trotoar",
            "parkir liar depan sekolah bikin macet pagi2",
            "Juru parkir tanpa karcis resmi memungut tarif tinggi",
            "truk parkir di pinggir jalan berhari hari",
            "Kendaraan parkir di depan pintu gerbang rumah warga",
            "parkir motor ojol numpuk di jalan",
            "Bahu jalan dijadikan lahan parkir oleh bengkel",
            "jukir liar galak minta duit parkir",
        ],
    ),
    "LALIN": (
        "transport",
        [
            "Lampu lalu lintas di perempatan mati",
            "lampu merah rusak nyala kuning terus",
            "Rambu lalu lintas roboh tertabrak kendaraan",
            "traffic light mati bikin semrawut",
            "Marka jalan sudah pudar tidak terlihat",
            "rambu dilarang parkir ketutup pohon",
            "Lampu APILL tidak sinkron, antrean panjang",
            "perlu polisi tidur atau rambu hati2 ada sekolah",
            "cermin tikungan pecah, rawan tabrakan",
            "Durasi lampu hijau terlalu singkat sehingga macet",
        ],
    ),
    "ANGKUTAN": (
        "transport",
        [
            "Sopir angkot ngetem sembarangan dan ugal-ugalan",
            "angkot ngetem di perempatan bikin macet",
            "Bus kota tidak berhenti di halte",
            "tarif angkot dinaikin seenaknya",
            "Halte bus rusak atapnya bocor",
            "supir angkutan umum merokok dan kasar ke penumpang",
            "Rute angkutan kota dihapus, warga kesulitan transportasi",
            "bus feeder telat terus sejam lebih",
            "Kernet bus menurunkan penumpang di tengah jalan",
            "angkot ugal2an hampir nabrak anak sekolah",
        ],
    ),
    "PKL": (
        "public_order",
        [
            "Pedagang kaki lima berjualan di trotoar",
            "pkl nutupin trotoar, pejalan kaki turun ke jalan",
            "Lapak PKL di bahu jalan menyebabkan kemacetan",
            "pedagang gerobak mangkal di depan sekolah sampe malem",
            "Gangguan ketertiban, anak muda nongkrong dan mabuk",
            "pengamen dan manusia silver di lampu merah",
            "Lapak pedagang liar di atas saluran air",
            "balap liar tiap malam minggu berisik",
            "PKL buang limbah minyak ke selokan",
            "lapak semi permanen pedagang di fasum",
        ],
    ),
    "BANGUNAN-LIAR": (
        "public_order",
        [
            "Bangunan liar berdiri di atas saluran air",
            "ada yg bangun ruko tanpa izin di bantaran kali",
            "Bangunan semi permanen di lahan fasos fasum",
            "warung liar dibangun di trotoar",
            "Bangunan melanggar garis sempadan jalan",
            "bangli di pinggir rel kereta makin banyak",
            "Pembangunan rumah kos tanpa IMB/PBG, mengganggu tetangga",
            "tembok dibangun nutup akses jalan warga",
            "Reklame liar dipasang tanpa izin di tiang listrik",
            "bangunan tambahan menjorok ke jalan umum",
        ],
    ),
    "KEBAKARAN": (
        "fire_rescue",
        [
            "Kebakaran rumah warga api membesar",
            "ada kebakaran cepet kirim damkar",
            "Api muncul dari korsleting listrik di ruko",
            "lahan kosong terbakar asapnya tebel",
            "Gudang terbakar, butuh mobil pemadam segera",
            "ular masuk rumah minta bantuan evakuasi",
            "Tabung gas bocor dan terbakar di dapur",
            "kucing nyangkut di atas pohon tinggi",
            "Sarang tawon besar di atap rumah, minta dievakuasi",
            "cincin nyangkut di jari gk bisa lepas minta tolong damkar",
            "Anak terjebak di dalam rumah terkunci",
        ],
    ),
    "AIR-BERSIH": (
        "water_utility",
        [
            "Air PDAM mati sudah tiga hari",
            "air pdam keruh kuning kayak teh",
            "Aliran air bersih kecil sekali hanya menetes",
            "pipa pdam bocor air nyembur ke jalan",
            "Tagihan PDAM naik drastis padahal pemakaian sama",
            "air ledeng bau kaporit bgt ga bisa diminum",
            "Meteran air rusak, pencatatan tidak sesuai",
            "air mati tiap malem gk ada pemberitahuan",
            "Pemasangan sambungan baru PDAM belum dikerjakan",
            "air tirta benteng ngalir cuma subuh doang",
        ],
    ),
    "KESEHATAN": (
        "health",
        [
            "Pelayanan puskesmas lambat, antre dari pagi",
            "puskesmas tutup padahal jam buka",
            "Petugas puskesmas tidak ramah kepada pasien BPJS",
            "obat di puskesmas sering kosong",
            "Banyak warga terkena demam berdarah, mohon fogging",
            "minta fogging pak nyamuk dbd banyak",
            "Posyandu tidak ada vaksin untuk balita",
            "dokter puskesmas jarang ada, cuma bidan",
            "Ada kasus gizi buruk balita di lingkungan kami",
            "ambulans puskesmas susah dihubungi",
        ],
    ),
    "RSUD-LAYANAN": (
        "hospital",
        [
            "Pelayanan di RSUD sangat lama, pasien menunggu berjam-jam di IGD",
            "rsud nolak pasien bpjs katanya kamar penuh",
            "Perawat rumah sakit daerah kasar kepada keluarga pasien",
            "antrean poli di rsud dari subuh baru dipanggil sore",
            "Biaya tambahan di RSUD padahal pakai BPJS",
            "toilet di ruang rawat inap rsud jorok",
            "Jadwal dokter spesialis di RSUD sering berubah tanpa info",
            "pasien igd rsud ditelantarkan di lorong",
            "Pengambilan obat di apotek RSUD antre tiga jam",
            "rumah sakit daerah minta uang jaminan dulu",
        ],
    ),
    "SEKOLAH": (
        "education",
        [
            "PPDB zonasi tidak transparan, anak saya tidak diterima",
            "sekolah minta pungutan uang seragam mahal",
            "Atap kelas SD bocor dan plafon hampir jatuh",
            "guru sering ga masuk ngajar",
            "Ijazah anak ditahan sekolah karena belum bayar",
            "Sistem PPDB online error tidak bisa daftar",
            "sekolah negeri jual buku LKS wajib",
            "Bullying di sekolah tidak ditangani guru",
            "wc sekolah rusak anak2 pada ga bisa pake",
            "Kekurangan guru di SMP negeri",
        ],
    ),
    "ADMINDUK": (
        "civil_registry",
        [
            "KTP elektronik belum jadi sudah enam bulan",
            "ektp blm jadi2 katanya blangko habis",
            "Pengurusan kartu keluarga berbelit-belit",
            "akta kelahiran anak salah nama, minta perbaikan",
            "Antrean disdukcapil panjang sekali, sistem offline",
            "kk baru gk bisa diunduh di aplikasi",
            "Data NIK ganda sehingga tidak bisa daftar BPJS",
            "pindah domisili prosesnya lama bgt",
            "Akta kematian belum terbit padahal berkas lengkap",
            "calo ktp di kantor kecamatan",
        ],
    ),
    "BANSOS": (
        "social",
        [
            "Bantuan sosial tidak tepat sasaran, orang mampu dapat",
            "bansos gk pernah dapet padahal warga miskin",
            "Ada orang dengan gangguan jiwa terlantar di jalan",
            "gelandangan tidur di emperan toko",
            "Lansia hidup sendiri tidak terurus, butuh bantuan",
            "data DTKS belum diperbarui, keluarga kami tidak terdaftar",
            "kartu PKH ga bisa dicairin",
            "Anak jalanan mengemis di perempatan",
            "bantuan sembako dipotong oknum",
            "Rumah warga miskin hampir roboh, mohon bantuan bedah rumah",
        ],
    ),
    "PERLINDUNGAN-ANAK": (
        "women_children",
        [
            "Ada anak yang sering dipukuli orang tuanya",
            "tetangga kdrt istrinya tiap malem teriak",
            "Dugaan pelecehan seksual terhadap anak di lingkungan kami",
            "anak dibawah umur dipekerjakan di bengkel",
            "Korban kekerasan dalam rumah tangga butuh pendampingan",
            "pernikahan anak di bawah umur di kampung sebelah",
            "Anak ditelantarkan orang tua, tidak sekolah",
            "istri dianiaya suami mohon perlindungan",
            "Perundungan anak sampai luka, keluarga butuh pendampingan psikolog",
            "ada pencabulan anak sd tolong ditindak",
        ],
    ),
    "TENAGA-KERJA": (
        "manpower",
        [
            "Perusahaan membayar gaji di bawah UMK",
            "gaji 3 bulan blm dibayar pabrik",
            "PHK sepihak tanpa pesangon",
            "THR tidak dibayarkan oleh perusahaan",
            "Karyawan tidak didaftarkan BPJS Ketenagakerjaan",
            "kontrak kerja diperpanjang terus gk diangkat",
            "Lowongan kerja palsu minta uang pendaftaran",
            "lembur gk dibayar disuruh kerja 12 jam",
            "Pelatihan kerja di BLK tidak ada kuota",
            "perusahaan outsourcing nahan ijazah karyawan",
        ],
    ),
    "PERIZINAN": (
        "licensing",
        [
            "Pengurusan izin usaha lewat OSS lama tidak diproses",
            "urus pbg udah 3 bulan gk kelar",
            "Izin mendirikan bangunan dipersulit petugas",
            "nib gagal terus di oss",
            "Permohonan izin reklame tidak ada kabar",
            "ada pungutan di luar tarif untuk izin usaha",
            "Pelayanan MPP lambat, nomor antrean terbatas",
            "izin usaha mikro ditolak gk jelas alasannya",
            "Sertifikat laik fungsi bangunan belum terbit",
            "status permohonan izin di aplikasi gak berubah",
        ],
    ),
    "PAJAK-DAERAH": (
        "revenue",
        [
            "Tagihan PBB naik tinggi sekali tahun ini",
            "sppt pbb blm dateng",
            "Nama di SPPT PBB salah, mohon dibetulkan",
            "bayar pbb online gagal tapi saldo kepotong",
            "Denda pajak daerah dikenakan padahal sudah bayar",
            "NJOP tanah kami tidak wajar",
            "pajak restoran dipungut tapi struk gk resmi",
            "Permohonan keringanan PBB untuk lansia belum diproses",
            "bphtb lama sekali validasinya",
            "Objek pajak ganda, kami ditagih dua kali",
        ],
    ),
    "ASN": (
        "inspectorate",
        [
            "Oknum pegawai kelurahan minta uang untuk surat pengantar",
            "ada pungli di kantor kecamatan",
            "Pegawai pemkot main HP saat jam pelayanan",
            "asn keluyuran di mall jam kerja",
            "Pungutan liar dalam pengurusan surat keterangan",
            "pegawai kelurahan jutek dan ga mau melayani",
            "Dugaan penyalahgunaan mobil dinas untuk keperluan pribadi",
            "petugas minta uang rokok biar cepet",
            "Lurah tidak pernah di kantor, pelayanan terbengkalai",
            "oknum pns jadi calo proyek",
        ],
    ),
    "INTERNET-PUBLIK": (
        "communication",
        [
            "Wifi publik di taman tidak bisa konek",
            "wifi gratis pemkot lemot bgt",
            "Aplikasi layanan kota error tidak bisa login",
            "website pemkot down gk bisa dibuka",
            "CCTV kota mati tidak merekam",
            "aplikasi tangerang live gagal kirim otp",
            "Hotspot internet di kelurahan sudah lama mati",
            "sinyal wifi di balai warga putus2",
            "Informasi di website kota sudah kedaluwarsa",
            "akun aplikasi warga keblokir gk bisa masuk",
        ],
    ),
    "LAINNYA": (
        "communication",
        [
            "Saya ingin bertanya tentang jadwal kegiatan pemkot",
            "usul diadakan car free day di kampung kami",
            "Kucing liar banyak sekali di lingkungan kami",
            "minta info lowongan relawan",
            "Saran agar pelayanan pemkot buka hari sabtu",
            "tetangga pelihara ayam berisik",
            "Mohon informasi prosedur sewa gedung serbaguna",
            "ada acara hajatan tutup jalan seharian",
            "Pertanyaan mengenai program kampung tematik",
            "mau tanya nomor pengaduan yang bisa dihubungi",
        ],
    ),
}


def _informal(text: str, rng: random.Random) -> str:
    words = text.split()
    out = []
    for w in words:
        low = w.lower().strip(",.")
        if low in ABBREVIATIONS and rng.random() < 0.7:
            out.append(ABBREVIATIONS[low])
        else:
            out.append(w)
    return " ".join(out).lower().replace(",", "")


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) > 4]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    words[i] = w[:j] + w[j + 1 :] if rng.random() < 0.5 else w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def variants(code: str, reports: list[str], rng: random.Random) -> list[tuple[int, str]]:
    """(stem number, text): the stem is the hand-written report the row was made from."""
    rows: list[tuple[int, str]] = []
    seen: set[str] = set()
    i = 0
    while len(rows) < PER_CATEGORY:
        stem = i % len(reports)
        base = reports[stem]
        i += 1
        place = rng.choice(PLACES)
        text = f"{rng.choice(OPENERS)}{base}{' ' + place if place else ''}.{rng.choice(CLOSERS)}"
        style = rng.random()
        if style < 0.35:
            text = _informal(text, rng)
        elif style < 0.5:
            text = _typo(text, rng)
        elif style < 0.6:
            text = text.upper() if rng.random() < 0.3 else text.replace(".", "")
        text = " ".join(text.split())
        if text not in seen:
            seen.add(text)
            rows.append((stem, text))
    return rows


def main() -> None:
    rng = random.Random(19)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "category", "agency_function", "stem"])
        for code, (function, reports) in CORPUS.items():
            for stem, text in variants(code, reports, rng):
                w.writerow([text, code, function, f"{code}-{stem}"])


if __name__ == "__main__":
    main()
