"""Photo validation: decided by content, re-encoded so no EXIF (GPS, camera serial) survives."""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from laksana.common.errors import TooLarge, ValidationFailed

FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
MAX_SIDE = 2048
MAX_PIXELS = 60_000_000  # refuse decompression bombs before decoding


@dataclass
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def as_file(self) -> ContentFile:
        return ContentFile(self.data)


def clean_image(upload) -> CleanImage:
    """Validate an uploaded file as a photo and return it re-encoded without metadata.

    Steps: refuse files over MAX_UPLOAD_BYTES (413); let Pillow identify the content (the name and
    the declared type are ignored) and accept only JPEG, PNG and WebP; refuse oversized pixel
    counts; apply the EXIF orientation, then drop all metadata by re-encoding; shrink so the long
    side is at most 2048 px.
    """
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise TooLarge(
            _("Foto terlalu besar (%(size).1f MB). Paling besar %(limit)d MB.")
            % {"size": size / 1048576, "limit": limit // 1048576},
            fields={"photo": ""},
        )
    not_photo = _("Berkas bukan foto yang didukung. Kirim foto JPEG, PNG atau WebP.")
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            fmt = probe.format
            if fmt not in FORMATS:
                raise ValidationFailed(not_photo, code="not_an_image", fields={"photo": ""})
            if probe.width * probe.height > MAX_PIXELS:
                raise TooLarge(_("Resolusi foto terlalu besar."), fields={"photo": ""})
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationFailed(not_photo, code="not_an_image", fields={"photo": ""}) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    content_type, extension = FORMATS[fmt]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    # Saving without exif=/pnginfo= writes no metadata: GPS and camera details are gone.
    options = {"JPEG": {"quality": 85, "optimize": True}, "WEBP": {"quality": 85}, "PNG": {}}[fmt]
    image.save(out, format=fmt, **options)
    return CleanImage(out.getvalue(), content_type, extension, image.width, image.height)
