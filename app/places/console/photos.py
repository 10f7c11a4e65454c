"""Console photo pages: upload (verified and re-encoded), caption, reorder, delete, staff file access."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, send_from_directory, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from app.extensions import db
from app.places import photos
from app.places.console import confirmations
from app.places.console.blueprint import STAFF, console_bp
from app.places.console.entries import place_or_404
from app.places.errors import PhotoError
from app.places.forms import PhotoEditForm, PhotoUploadForm
from app.places.models import Photo, PlaceName
from app.web.access import role_required
from app.web.confirm import ask_first
from app.web.errors import error_response
from app.web.render import render, wants_fragment


def _photo_or_404(place: PlaceName, photo_id: int) -> Photo:
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.place_id != place.id:
        abort(404)
    return photo


def _photos_page(place, form=None, error=None, status=200, errors=()):
    return render(
        "places/console/place_photos.html",
        "places/console/_photo_list.html",
        status=status,
        place=place,
        form=form or PhotoUploadForm(),
        edit_form=PhotoEditForm(),
        error=error,
        errors=list(errors),
        max_mb=photos.MAX_PHOTO_BYTES // (1024 * 1024),
    )


def _store_each(place, uploads, form) -> tuple[list[Photo], list[tuple[str, str, int]]]:
    """Check and store every uploaded file on its own: (stored photos, (file name, error, status) per refusal)."""
    stored, refused = [], []
    for upload in uploads:
        try:
            stored.append(
                photos.store_photo(place, upload.read(), upload.filename, form.caption.data, form.credit.data)
            )
        except PhotoError as exc:
            refused.append((upload.filename, exc.message, exc.status))
    return stored, refused


@console_bp.route("/<code>/photos", methods=["GET", "POST"])
@role_required(*STAFF)
def place_photos(code: str):
    """List, upload (one or several files, each checked on its own), caption, reorder and delete photos."""
    place = place_or_404(code)
    form = PhotoUploadForm()
    if request.method == "GET":
        return _photos_page(place, form)
    if not form.validate_on_submit():
        return _photos_page(place, form, "页面已过期，请刷新后重试。", 400)
    uploads = [u for u in request.files.getlist("photo") if u and u.filename]
    if not uploads:
        return _photos_page(place, form, "请选择要上传的照片。", 422)
    stored, refused = _store_each(place, uploads, form)
    if stored:
        names = "、".join(f"“{p.caption}”" for p in stored)
        flash(f"已上传 {len(stored)} 张照片：{names}。", "success")
    if not refused:
        return redirect(url_for(".place_photos", code=place.code), code=303)
    db.session.refresh(place)
    status = refused[0][2] if len(uploads) == 1 else 422
    errors = [f"“{name}”：{message}" for name, message, _ in refused]
    return _photos_page(place, form, status=status, errors=errors)


@console_bp.post("/<code>/photos/<int:photo_id>")
@role_required(*STAFF)
def update_photo(code: str, photo_id: int):
    """Change a photo's caption and credit."""
    place = place_or_404(code)
    photo = _photo_or_404(place, photo_id)
    form = PhotoEditForm()
    if not form.validate_on_submit():  # back to the photos page (this URL is POST-only: no 405 on reload)
        flash("照片说明没有保存：说明最多 200 个字，来源最多 100 个字。", "error")
        return redirect(url_for(".place_photos", code=place.code, _anchor=f"caption-{photo.id}"), code=303)
    photos.update_photo(photo, form.caption.data, form.credit.data)
    flash("照片说明已保存。", "success")
    return redirect(url_for(".place_photos", code=place.code), code=303)


@console_bp.post("/<code>/photos/<int:photo_id>/move")
@role_required(*STAFF)
def move_photo(code: str, photo_id: int):
    """Move a photo up or down."""
    place = place_or_404(code)
    photo = _photo_or_404(place, photo_id)
    photos.move_photo(photo, -1 if request.form.get("direction") == "up" else 1)
    if wants_fragment():
        return _photos_page(place)
    return redirect(url_for(".place_photos", code=place.code), code=303)


@console_bp.route("/<code>/photos/<int:photo_id>/delete", methods=["GET", "POST"])
@role_required(*STAFF)
def delete_photo(code: str, photo_id: int):
    """Delete a photo and its files, after confirmation."""
    place = place_or_404(code)
    photo = _photo_or_404(place, photo_id)
    if (asked := ask_first(confirmations.photo_delete(photo))) is not None:
        return asked
    photos.delete_photo(photo)
    flash("照片已删除。", "success")
    if wants_fragment():
        return _photos_page(place)
    return redirect(url_for(".place_photos", code=place.code), code=303)


@console_bp.get("/files/<name>")
@role_required(*STAFF)
def photo_file(name: str):
    """Serve any stored photo to staff (drafts included); names are random and checked."""
    if not name.endswith(".jpg") or "/" in name or ".." in name:
        abort(404)
    return send_from_directory(photos.upload_dir(), name, max_age=0)


@console_bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """Uploads over the request limit: say what the limits are."""
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    return error_response(
        413,
        f"上传的文件太大：一次上传最多 {limit} MB，每张照片最多 {photos.MAX_PHOTO_BYTES // (1024 * 1024)} MB。"
        "请压缩或拆分后再上传。",
    )
