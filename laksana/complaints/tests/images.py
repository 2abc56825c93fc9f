"""Real image bytes for tests, made with Pillow (with EXIF GPS where asked)."""

import io

from PIL import Image


def jpeg_bytes(size=(64, 48), *, gps: bool = False, color=(200, 80, 40)) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "KameraUji"  # Make
        gps_ifd = {1: "S", 2: (6.0, 10.0, 22.0), 3: "E", 4: (106.0, 37.0, 55.0)}
        exif[0x8825] = gps_ifd
        image.save(out, "JPEG", exif=exif.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png_bytes(size=(40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 255, 128)).save(out, "PNG")
    return out.getvalue()
