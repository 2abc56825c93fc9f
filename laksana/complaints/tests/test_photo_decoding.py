"""Photos as phones and attackers send them: decompression bombs, MPO, hidden comments."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from laksana.complaints.models import Attachment
from laksana.complaints.photos import clean_image
from laksana.complaints.tests.images import (
    jpeg_bytes,
    jpeg_with_comment,
    mpo_bytes,
    png_bomb_bytes,
)
from laksana.testing.personas import IN_TANGERANG

pytestmark = pytest.mark.django_db


def _token(client) -> str:
    body = {
        "category": "SAMPAH",
        "description": "Sampah menumpuk di depan pasar sudah lima hari, bau sekali.",
        "lat": IN_TANGERANG[0],
        "lng": IN_TANGERANG[1],
    }
    response = client.post(
        "/api/v1/regions/kota-tangerang/complaints",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


def _upload(client, token, name, data):
    return client.post(f"/api/v1/track/{token}/photos", {"photo": SimpleUploadedFile(name, data)})


def test_a_small_png_of_huge_resolution_is_refused_before_decoding(client, tangerang, media_root):
    bomb = png_bomb_bytes(7745)
    assert len(bomb) < 200_000  # 175 KB on the wire, 7745 × 7745 pixels inside
    response = _upload(client, _token(client), "layar.png", bomb)
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_many_pixels" and "7745" in body["detail"]
    assert "Resolusi foto terlalu besar" in body["detail"]
    assert not Attachment.objects.exists()
    assert not (media_root.exists() and [p for p in media_root.rglob("*") if p.is_file()])


def test_the_pixel_limit_is_a_setting(settings):
    settings.MAX_PHOTO_MEGAPIXELS = 0.001  # 1,000 pixels
    with pytest.raises(Exception) as refused:
        clean_image(SimpleUploadedFile("x.png", png_bomb_bytes(40)))
    assert refused.value.status == 413
    settings.MAX_PHOTO_MEGAPIXELS = 16
    assert clean_image(SimpleUploadedFile("x.png", png_bomb_bytes(40))).width == 40


def test_a_camera_jpeg_beyond_the_pixel_limit_is_decoded_reduced(settings):
    # 6000 × 4000 = 24 MP, over a 16 MP limit: JPEG decodes at 1/2 (12 MP) instead of refusing.
    settings.MAX_PHOTO_MEGAPIXELS = 16
    cleaned = clean_image(SimpleUploadedFile("kamera.jpg", jpeg_bytes(size=(6000, 4000))))
    assert (cleaned.width, cleaned.height) == (2048, 1365)


def test_an_android_mpo_photo_is_accepted_as_its_first_frame(client, tangerang, media_root):
    data = mpo_bytes()
    assert Image.open(io.BytesIO(data)).format == "MPO"
    response = _upload(client, _token(client), "IMG_2026.jpg", data)
    assert response.status_code == 201, response.content
    stored = Attachment.objects.get()
    assert stored.content_type == "image/jpeg"
    with Image.open(stored.file.path) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
        red, green, _blue = image.convert("RGB").getpixel((5, 5))
        assert green > 150 and red < 60  # the first (green) frame


def test_jpeg_comments_do_not_reach_the_stored_file(client, tangerang, media_root):
    secret = b"HP 081299998888 lokasi -6.1781,106.6297"
    data = jpeg_with_comment(secret)
    assert secret in data
    response = _upload(client, _token(client), "foto.jpg", data)
    assert response.status_code == 201, response.content
    stored = Attachment.objects.get().file.path
    raw = Path(stored).read_bytes()
    assert b"081299998888" not in raw and b"106.6297" not in raw
    assert b"\xff\xfe" not in raw[: raw.find(b"\xff\xda")]  # no COM segment before the scan


SECRET = b"HP 081299998888 lokasi -6.1781,106.6297"


def _saved(fmt: str, mode: str = "RGB", **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (64, 48), (90, 120, 150)).save(out, fmt, **options)
    return out.getvalue()


def _png_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_text("Description", SECRET.decode(), zip=True)  # zTXt
    info.add_itxt("Author", SECRET.decode(), lang="id")
    return _saved("PNG", pnginfo=info)


def _exif_text() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = SECRET.decode()  # ImageDescription
    exif[0x013B] = "Siti Aminah"  # Artist
    return exif.tobytes()


METADATA = {
    "jpeg-comment": lambda: _saved("JPEG", comment=SECRET),
    "jpeg-xmp": lambda: _saved("JPEG", xmp=b"<x:xmpmeta>" + SECRET + b"</x:xmpmeta>"),
    "jpeg-icc": lambda: _saved("JPEG", icc_profile=b"ICC desc " + SECRET),
    "jpeg-exif-text": lambda: _saved("JPEG", exif=_exif_text()),
    "png-text-chunks": _png_text,
    "png-exif": lambda: _saved("PNG", exif=_exif_text()),
    "png-icc": lambda: _saved("PNG", icc_profile=b"ICC desc " + SECRET),
    "webp-xmp-exif-icc": lambda: _saved(
        "WEBP",
        xmp=b"<x:xmpmeta>" + SECRET + b"</x:xmpmeta>",
        exif=_exif_text(),
        icc_profile=b"ICC desc " + SECRET,
    ),
}


@pytest.mark.parametrize("kind", METADATA)
def test_no_metadata_of_any_kind_reaches_the_stored_file(client, tangerang, media_root, kind):
    data = METADATA[kind]()
    with Image.open(io.BytesIO(data)) as original:
        carried = set(original.info) & {"comment", "xmp", "icc_profile", "exif", "Comment"}
        assert carried or kind == "png-text-chunks" and original.text  # the input holds it
    response = _upload(client, _token(client), f"foto.{kind.split('-')[0]}", data)
    assert response.status_code == 201, response.content
    raw = Path(Attachment.objects.get().file.path).read_bytes()
    assert b"081299998888" not in raw and b"106.6297" not in raw and b"Siti" not in raw
    for marker in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"XMP ", b"EXIF", b"ICCP"):
        assert marker not in raw, marker  # PNG and WebP metadata chunks
    for marker in (b"\xff\xe1", b"\xff\xe2", b"\xff\xfe"):  # JPEG APP1 (EXIF, XMP), APP2, COM
        assert marker not in raw[: raw.find(b"\xff\xda")], marker
    with Image.open(io.BytesIO(raw)) as stored:
        assert not set(stored.info) & {"comment", "xmp", "icc_profile", "exif"}
        assert not getattr(stored, "text", {})
