"""Photo processing: only real rasters, EXIF/GPS stripped, bombs and oversize refused, files managed."""

import io
from pathlib import Path

import pytest
from PIL import Image

from app.places import photos
from app.places.errors import PhotoError
from tests.places.samples import jpeg_with_gps, png_bomb


def test_reencoded_file_has_no_exif(app):
    """The stored JPEG and thumbnails carry no EXIF (no camera, no GPS)."""
    source = jpeg_with_gps()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825)
    processed = photos.process_image(source)
    for data in (processed.full, *processed.thumbs.values()):
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and b"Exif" not in data[:4096]
    assert sorted(processed.thumbs) == [320, 960]
    assert Image.open(io.BytesIO(processed.thumbs[320])).width == 320


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "JPEG、PNG 或 WebP"),
        (b"<?php system($_GET['c']); ?>", "JPEG、PNG 或 WebP"),
        (b"GIF89a" + b"\x00" * 40, "JPEG、PNG 或 WebP"),
        (b"", "没有收到文件"),
    ],
    ids=["svg", "php-renamed-jpg", "gif", "empty"],
)
def test_non_rasters_are_refused(app, data, message):
    """SVG, a PHP script named .jpg, GIF and empty uploads are refused with a Chinese message."""
    with pytest.raises(PhotoError, match=message) as info:
        photos.process_image(data)
    assert info.value.status == 422


def test_pixel_bomb_is_refused_without_decoding(app):
    """A 30000×30000 PNG is refused (413) from its header, with a Chinese message."""
    with pytest.raises(PhotoError, match="图片尺寸太大") as info:
        photos.process_image(png_bomb())
    assert info.value.status == 413


def test_moderately_large_image_over_our_cap_is_refused(app):
    """An image under Pillow's own limit but over our pixel cap is refused with its size."""
    app.config["PLACES_MAX_PHOTO_PIXELS"] = 1_000_000
    with pytest.raises(PhotoError, match="1600×1200") as info:
        photos.process_image(jpeg_with_gps())
    assert info.value.status == 413


def test_oversize_bytes_are_refused(app):
    """More bytes than the per-photo limit is a 413 with the limit in the message."""
    app.config["PLACES_MAX_PHOTO_BYTES"] = 1000
    with pytest.raises(PhotoError, match="最大") as info:
        photos.process_image(jpeg_with_gps())
    assert info.value.status == 413


def test_truncated_jpeg_is_refused(app):
    """A cut-off JPEG is reported as damaged, not a 500."""
    with pytest.raises(PhotoError, match="损坏"):
        photos.process_image(jpeg_with_gps()[:3000])


def test_png_with_alpha_is_flattened(app):
    """A transparent PNG becomes an RGB JPEG on white."""
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    processed = photos.process_image(out.getvalue())
    assert Image.open(io.BytesIO(processed.full)).getpixel((5, 5)) == (255, 255, 255)


def test_store_reorder_delete(app, make_user, make_place):
    """Photos are stored under random names with the Chinese file name as caption; reorder; delete."""
    place = make_place(make_user(roles=("archivist",)))
    first = photos.store_photo(place, jpeg_with_gps(), "C:\\照片\\联络站旧址正门.jpg", credit="区档案馆")
    second = photos.store_photo(place, jpeg_with_gps(800, 600), "院内.JPG", caption="院内全景")
    assert first.caption == "联络站旧址正门" and first.credit == "区档案馆"
    assert second.caption == "院内全景"
    assert "联络站" not in first.filename and len(first.filename) == 36
    directory = Path(app.config["UPLOAD_DIR"]) / "places"
    for name in (first.filename, first.thumb_filename, photos.medium_filename(first)):
        assert (directory / name).is_file()
    assert [p.id for p in place.photos] == [first.id, second.id]
    photos.move_photo(second, -1)
    assert [p.id for p in place.photos] == [second.id, first.id]
    name = first.filename
    photos.delete_photo(first)
    assert not (directory / name).exists()
    assert [p.id for p in place.photos] == [second.id]


def test_webp_and_png_are_accepted(app):
    """WebP and PNG uploads are accepted and re-encoded as JPEG."""
    for fmt in ("WEBP", "PNG"):
        out = io.BytesIO()
        Image.new("RGB", (500, 400), (20, 120, 60)).save(out, fmt)
        processed = photos.process_image(out.getvalue())
        assert processed.source_format == fmt
        assert Image.open(io.BytesIO(processed.full)).format == "JPEG"
