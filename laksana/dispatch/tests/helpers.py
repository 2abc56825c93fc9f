"""Small builders shared by the dispatch tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from laksana.complaints.tests.images import jpeg_bytes

# About 50 m and about 1.1 km north of the test complaint's point in Sukarasa (IN_TANGERANG).
NEAR = (-6.17235, 106.6318)
FAR = (-6.1628, 106.6318)


def photo(*, gps: bool = False) -> SimpleUploadedFile:
    return SimpleUploadedFile("after.jpg", jpeg_bytes(gps=gps), content_type="image/jpeg")
