"""Console entry pages: the list with status filter and search, create, edit, inline field checks."""

from __future__ import annotations

from flask import abort, flash, redirect, request, session, url_for
from flask_login import current_user

from app.extensions import db
from app.places import reference, revisions, services
from app.places.console.blueprint import STAFF, console_bp
from app.places.errors import PlaceError
from app.places.forms import CommentForm, PlaceForm
from app.places.models import PlaceName
from app.places.pinyin import tone_pinyin
from app.places.rules import CODE_RE, LIST_FILTERS, outside_zhangqiu
from app.web.access import role_required
from app.web.render import render

PER_PAGE = 30
REFUSED_KEY = "places_refused_action"  # a refused workflow step's error and comment, for the next GET


def place_or_404(code: str) -> PlaceName:
    """The entry with ``code`` (any status), or a 404."""
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


def _same_name(name: str, town_name: str | None, place_id: int | None) -> list[str]:
    town = reference.ReferenceMatcher().town(town_name) if town_name else None
    return services.same_name_in_town(name, town.id if town else None, place_id)


def _warnings(data: dict, place_id: int | None) -> list[str]:
    """Non-blocking checks shown after saving: same name in the same 镇街, coordinates outside Zhangqiu."""
    out = []
    others = _same_name(data["name"], data.get("town"), place_id)
    if others:
        out.append(f"同一镇街已有同名条目：{'、'.join(others)}，请确认不是重复。")
    if outside_zhangqiu(data.get("latitude"), data.get("longitude")):
        out.append("坐标不在章丘区范围内，请核对经纬度。")
    return out


def _saved_message(place: PlaceName | None) -> str:
    if place is None:
        return "已新建草稿。"
    if place.is_public:
        if place.draft is None:
            return "内容与已发布版本相同，没有未发布的修改。"
        return "修改已保存为未发布的修改：公众页面仍显示已发布版本，提交审核并通过后才会更新。"
    return "已保存。"


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
            except PlaceError as exc:
                field = getattr(form, exc.field or "", None) or form.name
                field.errors = [*field.errors, exc.message]
                status = 422
            else:
                flash(_saved_message(place), "success")
                for warning in _warnings(data, saved.id):
                    flash(warning, "warning")
                return redirect(url_for(".view_place", code=saved.code), code=303)
        else:
            status = 422
    return render(
        "places/console/place_form.html",
        "places/console/_place_form.html",
        status=status,
        form=form,
        place=place,
        theme_choices=reference.all_themes(),
    )


@console_bp.get("/")
@role_required(*STAFF)
def list_places():
    """Entries with a status filter and a search box (live results via htmx)."""
    status = request.args.get("status", "")
    status = status if status in LIST_FILTERS else ""
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
        statuses=LIST_FILTERS,
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
    place = place_or_404(code)
    if not place.can_edit(current_user):
        flash("这个条目（或它的修改）正在审核中，审核通过或退回之前不能修改。", "warning")
        return redirect(url_for(".view_place", code=place.code), code=303)
    return _save_form(place)


def _check_code(place_id: int | None) -> tuple[str | None, str]:
    code = request.form.get("code", "").strip().upper()
    if code and not CODE_RE.match(code):
        return "error", "编号只能用字母、数字和连字符，如 ZQ-0001。"
    if code and services.code_taken(code, place_id):
        return "error", f"编号 {code} 已被其他条目使用。"
    if code:
        return "ok", "编号可用。"
    return None, ""


def _check_name(place_id: int | None) -> tuple[str | None, str]:
    others = _same_name(request.form.get("name", ""), request.form.get("town") or None, place_id)
    if others:
        return "warning", f"同一镇街已有同名条目：{'、'.join(others)}，请确认不是重复。"
    return None, ""


def _check_coordinates(_place_id: int | None) -> tuple[str | None, str]:
    try:
        lon = float(request.form.get("longitude", "").strip())
        lat = float(request.form.get("latitude", "").strip())
    except ValueError:
        return None, ""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return "error", "经纬度超出范围：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。"
    if outside_zhangqiu(lat, lon):
        return "warning", "坐标不在章丘区范围内，请核对（经纬度是否填反？）。"
    return None, ""


FIELD_CHECKS = {"code": _check_code, "name": _check_name, "coordinates": _check_coordinates}


@console_bp.post("/check/<field>")
@role_required(*STAFF)
def check_field(field: str):
    """Inline validation of one field while typing: duplicate code (error), same name, coordinates."""
    if field not in FIELD_CHECKS:
        abort(404)
    kind, message = FIELD_CHECKS[field](request.form.get("place_id", type=int))
    return render("places/console/_check.html", kind=kind, message=message, field=field)


@console_bp.post("/pinyin")
@role_required(*STAFF)
def generate_pinyin():
    """Return the pinyin input pre-filled with the generated pinyin of the typed name."""
    form = _form(None)
    form.pinyin.data = tone_pinyin(request.form.get("name", "").strip()[:100])
    return render("places/console/_pinyin_field.html", form=form)


@console_bp.get("/<code>")
@role_required(*STAFF)
def view_place(code: str):
    """An entry as staff see it: status, review comment, pending changes with their diff, workflow actions.

    A refused workflow step (POST) redirects here with its error and the typed comment kept in the
    session (post/redirect/get), so a reload never re-posts.
    """
    place = place_or_404(code)
    form = CommentForm()
    refused = session.pop(REFUSED_KEY, None)
    action_error = None
    if refused and refused.get("code") == place.code:
        form.comment.data = refused.get("comment", "")
        action_error = refused.get("error")
    return render(
        "places/console/place_detail.html",
        place=place,
        comment_form=form,
        action_error=action_error,
        pending=revisions.pending_changes(place),
    )
