"""Console import (upload → dry-run report → confirm) and export downloads."""

from __future__ import annotations

import json
import secrets
import time
from datetime import date
from pathlib import Path

from flask import abort, current_app, request
from flask_login import current_user

from app.places import exporter
from app.places.console.blueprint import STAFF, console_bp
from app.places.errors import ImportRejected
from app.places.forms import ImportForm
from app.places.importing import apply
from app.places.rules import COLUMNS, STATUS_LABELS
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


@console_bp.route("/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_upload():
    """Upload a CSV/XLSX file and see the dry-run report by row and column."""
    form = ImportForm()
    if request.method == "GET":
        return render("places/console/import_upload.html", form=form, columns=COLUMNS)
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        return render(
            "places/console/import_upload.html",
            form=form,
            columns=COLUMNS,
            error="请选择一个 CSV 或 XLSX 文件。",
            status=422,
        )
    data = upload.read()
    report = apply.check(data, upload.filename)
    token = None
    if report.ok:
        token = secrets.token_hex(IMPORT_TOKEN_BYTES)
        blob, meta = _import_paths(token)
        blob.write_bytes(data)
        meta.write_text(
            json.dumps(
                {"filename": upload.filename, "user_id": current_user.id, "publish": bool(form.publish.data)},
                ensure_ascii=False,
            )
        )
    status = 200 if report.ok else 422
    return render(
        "places/console/import_report.html",
        report=report,
        token=token,
        publish=bool(form.publish.data) and current_user.has_role("admin"),
        status=status,
    )


@console_bp.post("/import/<token>")
@role_required(*STAFF)
def import_confirm(token: str):
    """Run the checked import for real (all or nothing)."""
    blob, meta_path = _import_paths(token)
    if not blob.exists() or not meta_path.exists():
        return error_response(404, "这次导入已失效（已完成或超过一天），请重新上传文件。")
    meta = json.loads(meta_path.read_text())
    if meta.get("user_id") != current_user.id:
        abort(403)
    publish = bool(meta.get("publish")) and current_user.has_role("admin")
    try:
        report = apply.run(blob.read_bytes(), meta.get("filename", ""), publish=publish, user=current_user)
    except ImportRejected as exc:
        # The data changed since the dry run (e.g. a code was taken meanwhile): show the new report.
        return render(
            "places/console/import_report.html", report=exc.report, token=None, publish=False, status=422
        )
    finally:
        if blob.exists():
            blob.unlink(missing_ok=True)
            meta_path.unlink(missing_ok=True)
    return render("places/console/import_result.html", report=report)


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
