"""Writes data/routing/starter.csv: the routing model's starter corpus (issue 19).

The hand-written reports are data, in data/routing/stems/<CATEGORY>.txt; every phrase there and
below was written for Laksana, nothing is copied from real reports. The script combines each report
with places and the ways people really type (abbreviations, dropped letters, no punctuation), two
rows per report and at least 44 per category. Deterministic: the same files give the same CSV.

    python scripts/make_routing_starter.py
"""

import csv
import random
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "routing"
OUT = DATA / "starter.csv"
STEMS = DATA / "stems"
# Rows per category: two per hand-written report, and never fewer than 44.
PER_STEM = 2
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


def read_stems(folder: Path = STEMS) -> dict[str, tuple[str, list[str]]]:
    """category code -> (agency function of its default agency, hand-written reports). One file
    per category, `stems/<CODE>.txt`: a line `agency_function = ...`, then one report a line;
    blank lines and lines starting with `#` are skipped."""
    corpus: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(folder.glob("*.txt")):
        function, reports = "", []
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("agency_function ="):
                function = line.split("=", 1)[1].strip()
            else:
                reports.append(line)
        if not function:
            raise SystemExit(f"{path}: no agency_function line")
        if len(set(reports)) != len(reports):
            raise SystemExit(f"{path}: a report is written twice")
        corpus[path.stem] = (function, reports)
    return corpus


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
    while len(rows) < max(PER_CATEGORY, PER_STEM * len(reports)):
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
        for code, (function, reports) in read_stems().items():
            for stem, text in variants(code, reports, rng):
                w.writerow([text, code, function, f"{code}-{stem}"])


if __name__ == "__main__":
    main()
