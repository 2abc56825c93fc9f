import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from laksana.common.errors import TooLarge, ValidationFailed
from laksana.complaints import services
from laksana.complaints.models import Attachment
from laksana.complaints.photos import clean_image
from laksana.complaints.tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_gps_and_camera_exif_are_stripped():
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the input has GPS
    cleaned = clean_image(SimpleUploadedFile("x.jpg", original))
    exif = Image.open(io.BytesIO(cleaned.data)).getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif
    assert cleaned.content_type == "image/jpeg"


def test_big_photos_are_resized_to_2048_px():
    cleaned = clean_image(SimpleUploadedFile("big.jpg", jpeg_bytes(size=(4000, 1000))))
    assert (cleaned.width, cleaned.height) == (2048, 512)


def test_a_pdf_named_jpg_is_not_a_photo():
    with pytest.raises(ValidationFailed) as refused:
        clean_image(SimpleUploadedFile("x.jpg", b"%PDF-1.7 fake", "image/jpeg"))
    assert refused.value.code == "not_an_image"


def test_gif_is_refused_even_though_it_is_an_image():
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    with pytest.raises(ValidationFailed):
        clean_image(SimpleUploadedFile("x.gif", out.getvalue()))


def test_a_file_over_the_limit_is_413(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(TooLarge) as refused:
        clean_image(SimpleUploadedFile("x.jpg", jpeg_bytes(size=(400, 400), color=(1, 2, 3)) * 4))
    assert refused.value.status == 413


def test_refused_photo_stores_nothing(submit, media_root):
    complaint, _token = submit()
    with pytest.raises(ValidationFailed):
        services.add_photo(
            complaint=complaint,
            actor=services.Citizen(),
            upload=SimpleUploadedFile("x.jpg", b"not an image"),
        )
    assert not Attachment.objects.exists()
    assert complaint.events.count() == 1
    assert not list(media_root.rglob("*.*")) if media_root.exists() else True
