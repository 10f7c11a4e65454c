"""Archivist console for the 红色地名 archive: /console/places/.

Views are thin: parse a form, check access (decorator + model predicate), call one service, render.
Archivists do everything here; admins may too (and may approve their own entries, see PlaceName.can_review).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.extensions import db
from app.places import photos, reference, services
from app.places.forms import CommentForm, PhotoEditForm, PhotoUploadForm, PlaceForm
from app.places.models import STATUS_LABELS, Photo, PlaceName
from app.places.pinyin import tone_pinyin
from app.web.access import role_required
from app.web.errors import error_response
from app.web.render import render, wants_fragment

console_bp = Blueprint("places_console", __name__, url_prefix="/console/places")
STAFF = ("archivist", "admin")
PER_PAGE = 30


# --- helpers ----------------------------------------------------------------------------------------


def _place_or_404(code: str) -> PlaceName:
    place = services.get_place(code)
    if place is None:
        abort(404)
    return place


def _form(place: PlaceName | None = None) -> PlaceForm:
    form = PlaceForm()
    form.set_choices(
        reference.all_categories(),
        reference.all_towns(),
        reference.all_eras(),
        reference.all_protection_levels(),
    )
    if place is not None and request.method == "GET":
        form.load(place)
    return form


def _row_action(form: PlaceForm) -> bool:
    """Handle "再加一行"/"删除这一行" buttons; True when the form should simply be shown again."""
    add = request.form.get("add_row")
    remove = request.form.get("remove_row")
    if add in {"aliases", "sources", "themes"}:
        form.add_row(add)
        return True
    if remove:
        which, _, index = remove.partition(":")
        if which in {"aliases", "sources", "themes"} and index.isdigit():
            form.remove_row(which, int(index))
            return True
    return False


def _warnings(data: dict, place_id: int | None) -> list[str]:
    """Non-blocking checks shown after saving: same name in the same 镇街, coordinates outside Zhangqiu."""
    out = []
    town = reference.ReferenceMatcher().town(data["town"]) if data.get("town") else None
    others = services.same_name_in_town(data["name"], town.id if town else None, place_id)
    if others:
        out.append(f"同一镇街已有同名条目：{'、'.join(others)}，请确认不是重复。")
    if services.outside_zhangqiu(data.get("latitude"), data.get("longitude")):
        out.append("坐标不在章丘区范围内，请核对经纬度。")
    return out


def _save_form(place: PlaceName | None):
    form = _form(place)
    status = 200
    if request.method == "POST":
        if _row_action(form):
            pass  # only the rows changed: show the form again, nothing is validated or saved
        elif form.validate():
            data = form.to_data()
            try:
                saved = services.save_place(data, current_user, place)
            except services.PlaceError as exc:
                field = getattr(form, exc.field or "", None) or form.name
                field.errors = [*field.errors, exc.message]
                status = 422
            else:
                flash("已保存。" if place else "已新建草稿。", "success")
                for warning in _warnings(data, saved.id):
                    flash(warning, "warning")
                return redirect(url_for(".view_place", code=saved.code), code=303)
        else:
            status = 422
    template = "places/console/place_form.html"
    return render(
        template,
        "places/console/_place_form.html",
        status=status,
        form=form,
        place=place,
        theme_choices=reference.all_themes(),
    )


# --- list, create, edit -----------------------------------------------------------------------------


@console_bp.get("/")
@role_required(*STAFF)
def list_places():
    """Entries with a status filter and a search box (live results via htmx)."""
    status = request.args.get("status", "")
    status = status if status in STATUS_LABELS else ""
    q = request.args.get("q", "").strip()[:100]
    page = request.args.get("page", 1, type=int) or 1
    pagination = db.paginate(services.staff_query(status or None, q), page=max(page, 1), per_page=PER_PAGE)
    return render(
        "places/console/place_list.html",
        "places/console/_place_list.html",
        pagination=pagination,
        places=pagination.items,
        current_status=status,
        q=q,
        counts=services.status_counts(),
        statuses=STATUS_LABELS,
    )


@console_bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_place():
    """Create a draft entry."""
    return _save_form(None)


@console_bp.route("/<code>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_place(code: str):
    """Edit an entry (not while it is in review)."""
    place = _place_or_404(code)
    if not place.can_edit(current_user):
        flash("这个条目正在审核中，审核通过或退回之前不能修改。", "warning")
        return redirect(url_for(".view_place", code=place.code), code=303)
    return _save_form(place)


@console_bp.post("/check/<field>")
@role_required(*STAFF)
def check_field(field: str):
    """Inline validation of one field while typing: duplicate code (error), same name, coordinates."""
    place_id = request.form.get("place_id", type=int)
    kind, message = None, ""
    if field == "code":
        code = request.form.get("code", "").strip().upper()
        if code and not services.CODE_RE.match(code):
            kind, message = "error", "编号只能用字母、数字和连字符，如 ZQ-0001。"
        elif code and services.code_taken(code, place_id):
            kind, message = "error", f"编号 {code} 已被其他条目使用。"
        elif code:
            kind, message = "ok", "编号可用。"
    elif field == "name":
        data = {"name": request.form.get("name", ""), "town": request.form.get("town") or None}
        town = reference.ReferenceMatcher().town(data["town"]) if data["town"] else None
        others = services.same_name_in_town(data["name"], town.id if town else None, place_id)
        if others:
            kind, message = "warning", f"同一镇街已有同名条目：{'、'.join(others)}，请确认不是重复。"
    elif field == "coordinates":
        try:
            lon = float(request.form.get("longitude", "").strip())
            lat = float(request.form.get("latitude", "").strip())
        except ValueError:
            lon = lat = None
        if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            kind, message = "error", "经纬度超出范围：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。"
        elif lat is not None and services.outside_zhangqiu(lat, lon):
            kind, message = "warning", "坐标不在章丘区范围内，请核对（经纬度是否填反？）。"
    else:
        abort(404)
    return render("places/console/_check.html", kind=kind, message=message, field=field)


@console_bp.post("/pinyin")
@role_required(*STAFF)
def generate_pinyin():
    """Return the pinyin input pre-filled with the generated pinyin of the typed name."""
    form = _form(None)
    form.pinyin.data = tone_pinyin(request.form.get("name", "").strip()[:100])
    return render("places/console/_pinyin_field.html", form=form)


# --- one entry: view and workflow -------------------------------------------------------------------


@console_bp.get("/<code>")
@role_required(*STAFF)
def view_place(code: str):
    """An entry as staff see it: status, review comment, workflow actions."""
    place = _place_or_404(code)
    return render("places/console/place_detail.html", place=place, comment_form=CommentForm())


def _workflow(code: str, action, success: str):
    place = _place_or_404(code)
    form = CommentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action(place, form.comment.data or "")
    except services.PlaceError as exc:
        status = 403 if isinstance(exc, services.NotAllowed) else 409
        return render(
            "places/console/place_detail.html",
            place=place,
            comment_form=form,
            action_error=exc.message,
            status=status,
        )
    flash(success, "success")
    return redirect(url_for(".view_place", code=place.code), code=303)


@console_bp.post("/<code>/submit")
@role_required(*STAFF)
def submit_place(code: str):
    """Send a draft to the review queue."""
    return _workflow(code, lambda p, _c: services.submit_for_review(p, current_user), "已提交审核。")


@console_bp.post("/<code>/approve")
@role_required(*STAFF)
def approve_place(code: str):
    """Approve and publish (a different archivist than the author, or an admin)."""
    return _workflow(code, lambda p, c: services.approve(p, current_user, c), "审核通过，已发布。")


@console_bp.post("/<code>/return")
@role_required(*STAFF)
def return_place(code: str):
    """Return an entry in review to its author with a comment."""
    return _workflow(code, lambda p, c: services.return_with_comment(p, current_user, c), "已退回修改。")


@console_bp.post("/<code>/archive")
@role_required(*STAFF)
def archive_place(code: str):
    """Archive an entry (hidden from the public)."""
    return _workflow(code, lambda p, _c: services.archive(p, current_user), "已归档，公众页面不再显示。")


@console_bp.post("/<code>/reopen")
@role_required(*STAFF)
def reopen_place(code: str):
    """Turn a published or archived entry back into a draft."""
    return _workflow(code, lambda p, _c: services.reopen(p, current_user), "已转为草稿。")


# --- history ----------------------------------------------------------------------------------------


@console_bp.get("/<code>/history")
@role_required(*STAFF)
def place_history(code: str):
    """Every saved version of an entry, newest first."""
    place = _place_or_404(code)
    return render(
        "places/console/place_history.html", place=place, revisions=place.revisions, statuses=STATUS_LABELS
    )


@console_bp.get("/<code>/history/<int:revision_id>")
@role_required(*STAFF)
def revision_diff(code: str, revision_id: int):
    """What changed in one version compared with the one before it (or with ?against=ID)."""
    place = _place_or_404(code)
    revision = services.get_revision(place, revision_id)
    if revision is None:
        abort(404)
    revisions = place.revisions
    against_id = request.args.get("against", type=int)
    if against_id:
        older = services.get_revision(place, against_id)
        if older is None:
            abort(404)
    else:
        index = revisions.index(revision)
        older = revisions[index + 1] if index + 1 < len(revisions) else None
    changes = services.diff_revisions(older.snapshot if older else {}, revision.snapshot)
    return render(
        "places/console/revision_diff.html",
        place=place,
        revision=revision,
        older=older,
        changes=changes,
        revisions=revisions,
    )


@console_bp.post("/<code>/history/<int:revision_id>/restore")
@role_required(*STAFF)
def restore_revision(code: str, revision_id: int):
    """Restore an older version as a new version."""
    place = _place_or_404(code)
    revision = services.get_revision(place, revision_id)
    if revision is None:
        abort(404)
    try:
        services.restore_revision(place, revision, current_user)
    except services.PlaceError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".place_history", code=place.code), code=303)
    flash(f"已恢复到版本 #{revision.id}（作为新版本保存）。", "success")
    return redirect(url_for(".view_place", code=place.code), code=303)


# --- photos -----------------------------------------------------------------------------------------


def _photo_or_404(place: PlaceName, photo_id: int) -> Photo:
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.place_id != place.id:
        abort(404)
    return photo


def _photos_page(place, form=None, error=None, status=200):
    return render(
        "places/console/place_photos.html",
        "places/console/_photo_list.html",
        status=status,
        place=place,
        form=form or PhotoUploadForm(),
        edit_form=PhotoEditForm(),
        error=error,
        max_mb=photos.MAX_PHOTO_BYTES // (1024 * 1024),
    )


@console_bp.route("/<code>/photos", methods=["GET", "POST"])
@role_required(*STAFF)
def place_photos(code: str):
    """List, upload, caption, reorder and delete an entry's photos."""
    place = _place_or_404(code)
    form = PhotoUploadForm()
    if request.method == "GET":
        return _photos_page(place, form)
    if not form.validate_on_submit():
        return _photos_page(place, form, "页面已过期，请刷新后重试。", 400)
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return _photos_page(place, form, "请选择要上传的照片。", 422)
    try:
        photo = photos.store_photo(place, upload.read(), upload.filename, form.caption.data, form.credit.data)
    except photos.PhotoError as exc:
        return _photos_page(place, form, exc.message, exc.status)
    flash(f"照片“{photo.caption}”已上传。", "success")
    return redirect(url_for(".place_photos", code=place.code), code=303)


@console_bp.post("/<code>/photos/<int:photo_id>")
@role_required(*STAFF)
def update_photo(code: str, photo_id: int):
    """Change a photo's caption and credit."""
    place = _place_or_404(code)
    photo = _photo_or_404(place, photo_id)
    form = PhotoEditForm()
    if not form.validate_on_submit():
        return _photos_page(place, error="说明最多 200 个字，来源最多 100 个字。", status=422)
    photos.update_photo(photo, form.caption.data, form.credit.data)
    flash("照片说明已保存。", "success")
    return redirect(url_for(".place_photos", code=place.code), code=303)


@console_bp.post("/<code>/photos/<int:photo_id>/move")
@role_required(*STAFF)
def move_photo(code: str, photo_id: int):
    """Move a photo up or down."""
    place = _place_or_404(code)
    photo = _photo_or_404(place, photo_id)
    photos.move_photo(photo, -1 if request.form.get("direction") == "up" else 1)
    if wants_fragment():
        return _photos_page(place)
    return redirect(url_for(".place_photos", code=place.code), code=303)


@console_bp.post("/<code>/photos/<int:photo_id>/delete")
@role_required(*STAFF)
def delete_photo(code: str, photo_id: int):
    """Delete a photo and its files."""
    place = _place_or_404(code)
    photos.delete_photo(_photo_or_404(place, photo_id))
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


from app.places import console_io  # noqa: E402, F401  (registers the import/export views on console_bp)


def init_app(app: Flask) -> None:
    """Register the console blueprint, its console tile and the ``flask places`` CLI."""
    from app.places.cli import places_cli
    from app.web.registry import ConsoleEntry, get_registry

    app.register_blueprint(console_bp)
    app.cli.add_command(places_cli)
    get_registry(app).console.append(
        ConsoleEntry(
            "红色地名档案",
            "places_console.list_places",
            STAFF,
            "条目编辑、审核、照片、导入导出",
            order=30,
        )
    )
