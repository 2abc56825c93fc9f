"""Photo validation: decided by content, re-encoded so no EXIF (GPS, camera serial) survives."""

import hashlib
import io
import math
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
# What a phone's multi-frame JPEG (MPO: many Android cameras) is stored as: its first frame.
OUTPUT = {"MPO": "JPEG"}


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
    the declared type are ignored) and accept only JPEG (also MPO's first frame), PNG and WebP;
    ask JPEG for a reduced decode; refuse more than MAX_PHOTO_MEGAPIXELS before decoding (413);
    apply the EXIF orientation, then drop all metadata (EXIF, XMP, comments, ICC) by re-encoding
    the pixels; shrink so the long side is at most 2048 px.
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
    too_many_pixels = _(
        "Resolusi foto terlalu besar (%(width)d × %(height)d piksel). Kirim foto dengan "
        "resolusi lebih kecil."
    )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            fmt = probe.format
            if fmt not in FORMATS and fmt not in OUTPUT:
                raise ValidationFailed(not_photo, code="not_an_image", fields={"photo": ""})
            if fmt in ("JPEG", "MPO"):
                # Decode at 1/2, 1/4 or 1/8 scale when the photo is far bigger than we keep:
                # memory follows the reduced size, not the camera's.
                ratio = min(1.0, MAX_SIDE / max(probe.size))
                keep = (math.ceil(probe.width * ratio), math.ceil(probe.height * ratio))
                probe.draft(probe.mode if probe.mode in ("L", "RGB") else "RGB", keep)
            width, height = probe.size
            if width * height > settings.MAX_PHOTO_MEGAPIXELS * 1_000_000:
                # Refused before decoding: a 175 KB PNG can unpack to 7745 × 7745 pixels (~530 MB).
                raise TooLarge(
                    too_many_pixels % {"width": width, "height": height},
                    code="too_many_pixels",
                    fields={"photo": ""},
                )
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except Image.DecompressionBombError:
        raise TooLarge(_("Resolusi foto terlalu besar."), fields={"photo": ""}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationFailed(not_photo, code="not_an_image", fields={"photo": ""}) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    fmt = OUTPUT.get(fmt, fmt)
    content_type, extension = FORMATS[fmt]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # Pillow writes a JPEG comment (COM), ICC profile and others from `info` on save: they can
    # hold a phone number or coordinates, so only the pixels go out.
    image.info = {}
    out = io.BytesIO()
    options = {"JPEG": {"quality": 85, "optimize": True}, "WEBP": {"quality": 85}, "PNG": {}}[fmt]
    image.save(out, format=fmt, **options)
    return CleanImage(out.getvalue(), content_type, extension, image.width, image.height)
