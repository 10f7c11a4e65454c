"""Console import (upload → dry-run report → confirm) and export downloads."""

from __future__ import annotations

import json
import secrets
import time
from datetime import date
from pathlib import Path

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from app.places import exporter
from app.places import import_template as import_template_files
from app.places.console.blueprint import STAFF, console_bp
from app.places.errors import ImportRejected
from app.places.forms import ImportForm
from app.places.importing import apply
from app.places.rules import COLUMN_LABELS, COLUMNS, STATUS_LABELS
from app.web.access import role_required
from app.web.errors import error_response
from app.web.render import render

IMPORT_TOKEN_BYTES = 16
IMPORT_MAX_AGE = 24 * 3600  # an upload that is never confirmed is deleted after a day


# --- import -----------------------------------------------------------------------------------------


def _import_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in path.iterdir():  # uploads never confirmed are dropped after a day
        if now - old.stat().st_mtime > IMPORT_MAX_AGE:
            old.unlink(missing_ok=True)
    return path


def _import_paths(token: str) -> tuple[Path, Path]:
    if len(token) != IMPORT_TOKEN_BYTES * 2 or not all(c in "0123456789abcdef" for c in token):
        abort(404)
    directory = _import_dir()
    return directory / f"{token}.bin", directory / f"{token}.json"


def _upload_page(form, error=None, status=200):
    return render(
        "places/console/import_upload.html",
        form=form,
        columns=COLUMNS,
        labels=COLUMN_LABELS,
        error=error,
        status=status,
    )


@console_bp.route("/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_upload():
    """Upload a CSV/XLSX file; a clean file is kept under a token and its report shown at a GET URL."""
    form = ImportForm()
    if request.method == "GET":
        return _upload_page(form)
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        return _upload_page(form, "请选择一个 CSV 或 XLSX 文件。", 422)
    data = upload.read()
    report = apply.check(data, upload.filename)
    if not report.ok:  # nothing kept: the errors are shown here, and GET /import is the upload form again
        return render(
            "places/console/import_report.html", report=report, token=None, publish=False, status=422
        )
    token = secrets.token_hex(IMPORT_TOKEN_BYTES)
    blob, meta = _import_paths(token)
    blob.write_bytes(data)
    meta.write_text(
        json.dumps(
            {"filename": upload.filename, "user_id": current_user.id, "publish": bool(form.publish.data)},
            ensure_ascii=False,
        )
    )
    return redirect(url_for(".import_status", token=token), code=303)


def _own_meta(path: Path) -> dict:
    meta = json.loads(path.read_text())
    if meta.get("user_id") != current_user.id:
        abort(403)
    return meta


@console_bp.get("/import/<token>")
@role_required(*STAFF)
def import_status(token: str):
    """The checked upload's report with 确认导入 (checked again now), or the result once it ran."""
    blob, meta_path = _import_paths(token)
    done = _done_path(token)
    if done.exists():
        return render("places/console/import_result.html", report=_own_meta(done))
    if not blob.exists() or not meta_path.exists():
        return error_response(404, "这次导入已失效（超过一天），请重新上传文件。")
    meta = _own_meta(meta_path)
    report = apply.check(blob.read_bytes(), meta.get("filename", ""))
    return render(
        "places/console/import_report.html",
        report=report,
        token=token if report.ok else None,
        publish=bool(meta.get("publish")) and current_user.has_role("admin"),
        status=200 if report.ok else 422,
    )


@console_bp.post("/import/<token>")
@role_required(*STAFF)
def import_confirm(token: str):
    """Run the checked import for real (all or nothing), then show the outcome at GET /import/<token>."""
    blob, meta_path = _import_paths(token)
    back = redirect(url_for(".import_status", token=token), code=303)
    if _done_path(token).exists():
        return back  # already imported (a second click or a re-sent form): show the result once more
    if not blob.exists() or not meta_path.exists():
        return error_response(404, "这次导入已失效（已完成或超过一天），请重新上传文件。")
    meta = _own_meta(meta_path)
    publish = bool(meta.get("publish")) and current_user.has_role("admin")
    try:
        report = apply.run(blob.read_bytes(), meta.get("filename", ""), publish=publish, user=current_user)
    except ImportRejected:
        # The data changed since the dry run (e.g. a code was taken meanwhile): the GET shows the new report.
        return back
    result = {
        "user_id": current_user.id,
        **{k: getattr(report, k) for k in ("created", "updated", "published", "staged")},
    }
    _done_path(token).write_text(json.dumps(result))
    blob.unlink(missing_ok=True)
    meta_path.unlink(missing_ok=True)
    return back


def _done_path(token: str) -> Path:
    return _import_paths(token)[0].with_suffix(".done.json")


@console_bp.get("/import-template.<fmt>")
@role_required(*STAFF)
def import_template(fmt: str):
    """Download an empty import template with the Chinese column labels (XLSX: plus the reference lists)."""
    if fmt not in import_template_files.FORMATS:
        abort(404)
    data = import_template_files.template_csv() if fmt == "csv" else import_template_files.template_xlsx()
    response = current_app.response_class(data, mimetype=import_template_files.FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="places-import-template.{fmt}"'
    return response


# --- export -----------------------------------------------------------------------------------------


@console_bp.get("/export")
@role_required(*STAFF)
def export_places():
    """Download every entry with its status as CSV, XLSX, JSON or GeoJSON."""
    fmt = request.args.get("format", "csv")
    if fmt not in exporter.FORMATS:
        abort(404)
    status = request.args.get("status") or None
    if status and status not in STATUS_LABELS:
        abort(404)
    mimetype, extension = exporter.FORMATS[fmt]
    data = exporter.export(fmt, status)
    response = current_app.response_class(data, mimetype=mimetype)
    filename = f"places-{status or 'all'}-{date.today():%Y%m%d}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
