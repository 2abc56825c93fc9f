"""Indonesia's national list of areas (data/indonesia/, MIT, see its README): what a region is
built from when it is adopted. Plain reading, no database; each file is read once per process."""

import csv
import gzip
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from .geometry import repaired

NATIONAL_DIR = Path(settings.BASE_DIR) / "data" / "indonesia"
KIND_BY_PREFIX = {"Kabupaten": "kabupaten", "Kota": "kota"}


class UnknownArea(ValueError):
    pass


def _open(path: Path):
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8")
    return open(path, encoding="utf-8")


def read_features(path: Path) -> list[dict]:
    """The features of a GeoJSON file, gzip'd or not."""
    with _open(Path(path)) as fh:
        return json.load(fh)["features"]


@lru_cache(maxsize=1)
def wilayah() -> dict[str, tuple[str, str]]:
    """Every area's code: (name, level), level one of provinsi, kabkota, kecamatan,
    desa_kelurahan."""
    with _open(NATIONAL_DIR / "wilayah.csv.gz") as fh:
        return {row["kode"]: (row["nama"], row["tingkat"]) for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _areas_by_region() -> dict[str, list[tuple[str, str, str]]]:
    """(code, name, level) of the kecamatan and desa/kelurahan of each kabupaten/kota."""
    index: dict[str, list[tuple[str, str, str]]] = {}
    for code, (name, level) in wilayah().items():
        if level in {"kecamatan", "desa_kelurahan"}:
            index.setdefault(code[:5], []).append((code, name, level))
    return index


def regions() -> list[tuple[str, str]]:
    """All kabupaten/kota as (code, name), in code order."""
    return [(code, name) for code, (name, level) in wilayah().items() if level == "kabkota"]


@lru_cache(maxsize=2)
def _boundaries(name: str) -> dict[str, dict]:
    return {f["properties"]["kode"]: f for f in read_features(NATIONAL_DIR / f"{name}.geojson.gz")}


@lru_cache(maxsize=1)
def _centroids() -> dict[str, tuple[float, float]]:
    with _open(NATIONAL_DIR / "desa_kelurahan_centroids.csv.gz") as fh:
        return {row["kode"]: (float(row["lat"]), float(row["lng"])) for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _timezones() -> dict[str, str]:
    with _open(NATIONAL_DIR / "zona_waktu.csv") as fh:
        return {row["kode_provinsi"]: row["timezone"] for row in csv.DictReader(fh)}


def bundled_kelurahan_boundaries(code: str) -> Path | None:
    """The desa/kelurahan boundary file shipped for a region, if there is one."""
    path = NATIONAL_DIR / "desa_kelurahan" / f"{code}.geojson.gz"
    return path if path.is_file() else None


@dataclass
class RegionData:
    """A kabupaten/kota as the national data describes it, as GeoJSON features in the shape a
    region folder holds (properties kode, nama, centroid_lat/lng, kode_kecamatan)."""

    code: str
    name: str
    kind: str  # kota | kabupaten
    province: str
    timezone: str
    boundary: dict | None
    kecamatan: list[dict] = field(default_factory=list)
    kelurahan: list[dict] = field(default_factory=list)  # geometry None: approximate
    repaired: int = 0  # invalid polygons repaired

    @property
    def approximate(self) -> int:
        return sum(1 for f in self.kelurahan if not f["geometry"])


def region_data(code: str, *, kelurahan_boundaries: Path | None = None) -> RegionData:
    """The region with this Kemendagri code, its kecamatan and desa/kelurahan.

    Steps: name and kind from the national list (a 'Kabupaten …' or 'Kota …' row at the kabkota
    level); time zone from its province; the region's and each kecamatan's boundary (repaired);
    each desa/kelurahan with its centroid and, when a boundary file is given, its boundary from
    there (a code the region does not have is refused; one missing from the file stays
    approximate)."""
    areas = wilayah()
    name, level = areas.get(code, ("", ""))
    if level != "kabkota":
        raise UnknownArea(f"{code}: not a kabupaten/kota code in the national list")
    kind = KIND_BY_PREFIX[name.split(" ", 1)[0]]
    province = code.split(".")[0]
    data = RegionData(
        code=code,
        name=name,
        kind=kind,
        province=areas[province][0],
        timezone=_timezones()[province],
        boundary=None,
    )
    data.boundary = _feature(data, _boundaries("kabkota").get(code), code, name)
    given = _given_boundaries(code, kelurahan_boundaries) if kelurahan_boundaries else {}
    centroids = _centroids()
    for area_code, area_name, area_level in _areas_by_region().get(code, []):
        kecamatan_code = area_code[: len(code) + 3]
        if area_level == "kecamatan":
            source = _boundaries("kecamatan").get(area_code)
            data.kecamatan.append(_feature(data, source, area_code, area_name, kecamatan_code))
        elif area_level == "desa_kelurahan":
            feature = _feature(data, given.get(area_code), area_code, area_name, kecamatan_code)
            if area_code in centroids and feature["properties"]["centroid_lat"] is None:
                lat, lng = centroids[area_code]
                feature["properties"] |= {"centroid_lat": lat, "centroid_lng": lng}
            data.kelurahan.append(feature)
    return data


def _feature(
    data: RegionData, source: dict | None, code: str, name: str, kecamatan: str | None = None
) -> dict:
    geometry = source["geometry"] if source else None
    fixed = repaired(geometry)
    if fixed is not geometry:
        data.repaired += 1
    props = source["properties"] if source else {}
    return {
        "type": "Feature",
        "properties": {
            "kode": code,
            "nama": name,
            "centroid_lat": props.get("lat", props.get("centroid_lat")),
            "centroid_lng": props.get("lng", props.get("centroid_lng")),
            "kode_kecamatan": kecamatan,
        },
        "geometry": fixed,
    }


def _given_boundaries(code: str, path: Path) -> dict[str, dict]:
    features = {}
    for feature in read_features(path):
        props = feature.get("properties") or {}
        area_code = str(props.get("kode") or props.get("code") or "")
        features[area_code] = feature
    known = {c for c, (_n, level) in wilayah().items() if level == "desa_kelurahan"}
    foreign = sorted(c for c in features if not c.startswith(code + ".") or c not in known)
    if foreign:
        shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise UnknownArea(
            f"{path}: {len(foreign)} feature(s) are not desa/kelurahan of {code}: {shown}"
        )
    return features
