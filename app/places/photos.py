"""Place photos: verify uploads with Pillow, re-encode (drops EXIF/GPS), thumbnails, random file names.

Only real JPEG/PNG/WebP rasters are accepted. The file's content decides, never its name or the browser's
Content-Type: an SVG or a PHP script renamed ``.jpg`` fails to open as a raster and is refused. Pixel
bombs are refused from the header before any pixel is decoded, so a 30000×30000 PNG costs no memory.
Every stored file is a fresh JPEG written by Pillow without EXIF, XMP or ICC data.
"""

import io
import secrets
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from app.extensions import db
from app.places.errors import PhotoError
from app.places.models import Photo

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # per photo; the request as a whole is capped by MAX_CONTENT_LENGTH
MAX_PHOTO_PIXELS = 40_000_000  # e.g. 8000×5000: any phone or camera photo, far below a bomb
MAX_PHOTO_EDGE = 12_000  # width or height (issue 15: a 1×39,000,000 PNG is few pixels but no photo)
MAX_STORED_EDGE = 2400  # the "original" we keep is re-encoded and at most this wide/high
THUMB_WIDTHS = (320, 960)
JPEG_QUALITY = 85
PHOTO_SUBDIR = "places"


@dataclass
class ProcessedPhoto:
    """A verified, re-encoded image and its thumbnails, all as JPEG bytes."""

    width: int
    height: int
    source_format: str
    full: bytes
    thumbs: dict[int, bytes] = field(default_factory=dict)


def _limits() -> tuple[int, int]:
    config = current_app.config if current_app else {}
    return (
        int(config.get("PLACES_MAX_PHOTO_BYTES", MAX_PHOTO_BYTES)),
        int(config.get("PLACES_MAX_PHOTO_PIXELS", MAX_PHOTO_PIXELS)),
    )


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB"


def _open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """Open ``data`` as an allowed raster and check its size from the header (no decoding yet)."""
    with warnings.catch_warnings():
        # Pillow warns (and our test config turns warnings into errors) before its own bomb limit;
        # we check the size ourselves right after, so either path ends in a clear PhotoError.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoError(_too_many_pixels_message(max_pixels), 413) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise PhotoError("无法识别这个文件：只能上传 JPEG、PNG 或 WebP 格式的照片。") from exc
    if image.format not in ALLOWED_FORMATS:
        raise PhotoError("只能上传 JPEG、PNG 或 WebP 格式的照片。")
    width, height = image.size
    if width < 1 or height < 1:
        raise PhotoError("图片尺寸无效。")
    if width * height > max_pixels or max(width, height) > MAX_PHOTO_EDGE:
        raise PhotoError(_too_many_pixels_message(max_pixels, width, height), 413)
    return image


def _too_many_pixels_message(max_pixels: int, width: int | None = None, height: int | None = None) -> str:
    size = f"（{width}×{height} 像素）" if width else ""
    return (
        f"图片尺寸太大{size}：最多 {max_pixels / 1_000_000:g} 百万像素、宽和高各不超过 {MAX_PHOTO_EDGE} 像素，"
        "请缩小后再上传。"
    )


def _to_rgb(image: Image.Image) -> Image.Image:
    """Flatten transparency onto white and convert to RGB (JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile= or xmp= arguments: the new file carries pixels only.
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def process_image(data: bytes) -> ProcessedPhoto:
    """Verify ``data`` is an allowed raster within limits and return it re-encoded with thumbnails."""
    max_bytes, max_pixels = _limits()
    if not data:
        raise PhotoError("没有收到文件，请选择一张照片。")
    if len(data) > max_bytes:
        raise PhotoError(f"照片太大（{_mb(len(data))}）：每张照片最大 {_mb(max_bytes)}。", 413)
    probe = _open_checked(data, max_pixels)
    source_format = probe.format
    try:
        with probe:
            probe.verify()  # structural check of the whole file (truncated/corrupt data fails here)
        image = _open_checked(data, max_pixels)  # verify() leaves the image unusable; reopen
        image.seek(0)  # animated PNG/WebP: keep the first frame
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
        image = ImageOps.exif_transpose(image)  # honour the camera's orientation before EXIF is gone
        image = _to_rgb(image)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError(_too_many_pixels_message(max_pixels), 413) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoError("照片文件已损坏或不完整，请重新导出后再上传。") from exc

    try:  # issue 15: encoding inside the guard too, so no odd raster ends in a 500
        return _resized(image, source_format)
    except (OSError, ValueError, MemoryError) as exc:
        raise PhotoError(
            "这张照片无法处理（尺寸或格式异常），请用手机或电脑另存为普通 JPEG 后再上传。", 422
        ) from exc


def _resized(image: Image.Image, source_format: str) -> ProcessedPhoto:
    full = image.copy()
    full.thumbnail((MAX_STORED_EDGE, MAX_STORED_EDGE), Image.Resampling.LANCZOS)
    result = ProcessedPhoto(
        width=full.width, height=full.height, source_format=source_format, full=_encode(full)
    )
    for width in THUMB_WIDTHS:
        thumb = image.copy()
        if thumb.width > width:
            thumb.thumbnail((width, width * 10), Image.Resampling.LANCZOS)
        result.thumbs[width] = _encode(thumb)
    return result


def upload_dir() -> Path:
    """The directory holding place photos (created on demand)."""
    path = Path(current_app.config["UPLOAD_DIR"]) / PHOTO_SUBDIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_stem() -> str:
    """A random, unguessable file stem (never derived from the user's file name)."""
    return secrets.token_hex(16)


def file_name(stem: str, width: int | None = None) -> str:
    """The stored file name for ``stem``: ``<stem>.jpg`` or ``<stem>-<width>.jpg`` for a thumbnail."""
    return f"{stem}-{width}.jpg" if width else f"{stem}.jpg"


def write_files(stem: str, processed: ProcessedPhoto) -> list[Path]:
    """Write the full image and thumbnails under ``stem``; return the paths written."""
    directory = upload_dir()
    written = []
    for width, data in [(None, processed.full), *processed.thumbs.items()]:
        path = directory / file_name(stem, width)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written.append(path)
    return written


def remove_files(stem: str) -> None:
    """Delete the files of ``stem`` (missing files are fine)."""
    directory = upload_dir()
    for width in (None, *THUMB_WIDTHS):
        (directory / file_name(stem, width)).unlink(missing_ok=True)


def caption_from_filename(filename: str | None) -> str:
    """The default caption: the original file name without folders and extension (Chinese kept)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = "".join(ch for ch in stem if ch.isprintable()).strip()
    return stem[:200]


# --- services ---------------------------------------------------------------------------------------


def medium_filename(photo) -> str:
    """The 960-wide variant's file name (``<stem>-960.jpg``) next to ``photo.filename``."""
    return file_name(photo.filename.rsplit(".", 1)[0], THUMB_WIDTHS[1])


def store_photo(
    place, data: bytes, filename: str | None, caption: str | None = None, credit: str | None = None
):
    """Verify, re-encode and store an uploaded photo for ``place``; return the committed Photo."""
    processed = process_image(data)
    stem = new_stem()
    write_files(stem, processed)
    small = processed.thumbs[THUMB_WIDTHS[0]]
    with Image.open(io.BytesIO(small)) as thumb:
        thumb_width, thumb_height = thumb.size
    try:
        position = db.session.scalar(select(func.max(Photo.position)).where(Photo.place_id == place.id))
        photo = Photo(
            place=place,
            filename=file_name(stem),
            thumb_filename=file_name(stem, THUMB_WIDTHS[0]),
            caption=((caption or "").strip() or caption_from_filename(filename))[:200],
            credit=(credit or "").strip()[:100],
            position=(position or 0) + 1,
            width=processed.width,
            height=processed.height,
            thumb_width=thumb_width,
            thumb_height=thumb_height,
        )
        db.session.add(photo)
        db.session.commit()
    except Exception:
        db.session.rollback()
        remove_files(stem)  # no orphan files when the row could not be saved
        raise
    return photo


def update_photo(photo, caption: str, credit: str):
    """Change a photo's caption and credit."""
    photo.caption = (caption or "").strip()[:200]
    photo.credit = (credit or "").strip()[:100]
    db.session.commit()
    return photo


def delete_photo(photo) -> None:
    """Delete a photo's row, then its files."""
    stem = photo.filename.rsplit(".", 1)[0]
    db.session.delete(photo)
    db.session.commit()
    remove_files(stem)


def reorder_photos(place, photo_ids: list[int]) -> None:
    """Put ``place``'s photos in the order of ``photo_ids`` (ids of other entries are ignored)."""
    by_id = {p.id: p for p in place.photos}
    ordered = [by_id[i] for i in photo_ids if i in by_id]
    ordered += [p for p in place.photos if p not in ordered]
    for position, photo in enumerate(ordered, start=1):
        photo.position = position
    db.session.commit()
    db.session.refresh(place)


def move_photo(photo, offset: int) -> None:
    """Move a photo one place up (-1) or down (+1) in its entry's order."""
    place = photo.place
    ids = [p.id for p in place.photos]
    index = ids.index(photo.id)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    reorder_photos(place, ids)
