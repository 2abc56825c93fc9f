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


def png_bomb_bytes(side: int = 7745) -> bytes:
    """A PNG of side × side black RGB pixels, written row by row: a few hundred KB on disk
    that would decode to side² × 3 bytes (7745: ~180 MB, with copies ~530 MB)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (side * 3)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def mpo_bytes(size=(64, 48)) -> bytes:
    """A two-frame MPO, as many Android cameras write their JPEGs."""
    first, second = Image.new("RGB", size, (10, 200, 10)), Image.new("RGB", size, (200, 10, 10))
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    return out.getvalue()


def jpeg_with_comment(comment: bytes, size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 90, 90)).save(out, "JPEG", comment=comment)
    return out.getvalue()
