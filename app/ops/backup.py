"""Backups: one ``.tar.gz`` holding the database, the uploads and a manifest; never the keys.

- PostgreSQL: ``pg_dump`` custom format, taken in the same snapshot as the manifest's row counts.
- SQLite: the online backup API (consistent while the site keeps writing).
- ``manifest.json``: format, app version, migration head, engine, row counts per table, a SHA-256 per
  member, and a key check (a Fernet token of a constant, so a restore with the wrong
  ``HOTLINE_DATA_KEY`` is refused before anything is touched).

Restore: verify every checksum and the key first, refuse a non-empty database or upload folder without
``force``, restore the database in one transaction (``pg_restore --single-transaction``; SQLite's
backup API into the target), swap the upload folder in, rebuild the search index, compare the counts.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

from cryptography.fernet import InvalidToken
from flask import Flask, current_app
from sqlalchemy import func, inspect, select, text

from app.extensions import db
from app.hotline import privacy
from app.search import rebuild
from app.web.time import utcnow

FORMAT = 1
KEY_CHECK = "zq-backup-key-check"
DB_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(RuntimeError):
    """A backup cannot be made, verified or restored; the message says why."""


@dataclass
class RestoreReport:
    manifest: dict
    tables: int = 0
    rows: int = 0
    files: int = 0
    documents: int = 0
    warnings: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _app_version() -> str:
    try:
        return metadata.version("zhangqiu-minzheng")
    except metadata.PackageNotFoundError:
        return "unknown"


def _libpq(url) -> tuple[str, dict]:
    """A libpq URL without the password (passed in PGPASSWORD, never on a command line)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict | None = None) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(
            f"{cmd[0]} not found: install the PostgreSQL client (apt-get install postgresql-client)"
        )
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip()[-800:]}")


def _counts(conn) -> dict[str, int]:
    existing = set(inspect(conn).get_table_names())
    return {
        t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
        for t in db.metadata.sorted_tables
        if t.name in existing
    }


def _head(conn) -> str | None:
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        return None


def _dump_database(workdir: Path) -> tuple[Path, dict[str, int], str | None]:
    """Write the database file into ``workdir``; return it with the row counts and migration head."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        target = workdir / DB_MEMBER["postgresql"]
        with db.engine.connect() as conn:
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            counts, head = _counts(conn), _head(conn)
            dsn, env = _libpq(url)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-acl",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(target),
                    dsn,
                ],
                env,
            )
            conn.rollback()
        return target, counts, head
    target = workdir / DB_MEMBER["sqlite"]
    source = sqlite3.connect(url.database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    engine = db.create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            counts, head = _counts(conn), _head(conn)
    finally:
        engine.dispose()
    return target, counts, head


def create_backup(output: Path | None = None) -> Path:
    """Write a backup archive (database, uploads, manifest) and return its path."""
    app = current_app
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    if output is None:
        output = Path(app.config["BACKUP_DIR"]) / f"zq-backup-{stamp}.tar.gz"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    uploads = Path(app.config["UPLOAD_DIR"])
    with tempfile.TemporaryDirectory(prefix="zq-backup-") as tmp:
        db_file, counts, head = _dump_database(Path(tmp))
        files = {db_file.name: _sha256(db_file)}
        upload_files = sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.is_dir() else []
        for path in upload_files:
            files[str(PurePosixPath("uploads", *path.relative_to(uploads).parts))] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "created_at": utcnow().isoformat(timespec="seconds"),
            "app_version": _app_version(),
            "migration_head": head,
            "engine": db.engine.url.get_backend_name(),
            "database_member": db_file.name,
            "tables": counts,
            "files": files,
            "key_check": privacy.encrypt(KEY_CHECK),
        }
        partial = output.with_name(output.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(data), int(utcnow().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            for path in upload_files:
                tar.add(path, arcname=str(PurePosixPath("uploads", *path.relative_to(uploads).parts)))
        os.replace(partial, output)
    return output


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name not in {"", "."}


def _copy_member(tar: tarfile.TarFile, name: str, member, checksum: str, extract_to: Path | None) -> None:
    """Stream one member (into ``extract_to`` when given) and compare its SHA-256 with the manifest."""
    if member is None or not member.isfile() or not _safe_name(name):
        raise BackupError(f"archive member missing or not a regular file: {name}")
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    sink = None
    if extract_to is not None:
        target = extract_to / name
        target.parent.mkdir(parents=True, exist_ok=True)
        sink = target.open("wb")
    try:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            if sink:
                sink.write(chunk)
    finally:
        if sink:
            sink.close()
    if digest.hexdigest() != checksum:
        raise BackupError(f"checksum mismatch for {name}: the archive is corrupted")


def _read_manifest(tar: tarfile.TarFile, members: dict) -> dict:
    if "manifest.json" not in members:
        raise BackupError("not a backup: manifest.json is missing")
    manifest = json.loads(tar.extractfile(members["manifest.json"]).read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    unexpected = set(members) - set(manifest["files"]) - {"manifest.json"}
    if unexpected:
        raise BackupError(f"archive holds files the manifest does not list: {sorted(unexpected)[:5]}")
    return manifest


def verify_backup(path: Path, extract_to: Path | None = None) -> dict:
    """Check the archive's manifest and every member's checksum; optionally extract it. Returns the manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no such backup file: {path}")
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            members = {m.name: m for m in tar.getmembers()}
            manifest = _read_manifest(tar, members)
            for name, checksum in manifest["files"].items():
                _copy_member(tar, name, members.get(name), checksum, extract_to)
    except (tarfile.TarError, OSError, EOFError, zlib.error, json.JSONDecodeError, KeyError) as exc:
        raise BackupError(f"backup archive is unreadable or corrupted: {exc}") from exc
    return manifest


def _check_key(manifest: dict) -> None:
    try:
        ok = privacy.decrypt(manifest["key_check"]) == KEY_CHECK
    except (InvalidToken, ValueError, KeyError):
        ok = False
    if not ok:
        raise BackupError(
            "HOTLINE_DATA_KEY cannot decrypt this backup's data: configure the key that was in use when "
            "the backup was made (keep it with the key escrow, never in the archive)"
        )


def target_has_data(app: Flask) -> list[str]:
    """What is not empty in the target: tables holding rows (reference lists aside) and the upload folder."""
    found = []
    with db.engine.connect() as conn:
        existing = set(inspect(conn).get_table_names())
        for table in db.metadata.sorted_tables:
            if table.name not in existing or table.info.get("reference"):
                continue
            if conn.execute(select(func.count()).select_from(table)).scalar_one():
                found.append(f"table {table.name}")
    uploads = Path(app.config["UPLOAD_DIR"])
    if uploads.is_dir() and any(uploads.iterdir()):
        found.append(f"upload folder {uploads}")
    return found


def _restore_database(manifest: dict, workdir: Path) -> None:
    url = db.engine.url
    source = workdir / manifest["database_member"]
    db.session.remove()
    db.engine.dispose()  # our idle connections would block pg_restore's DROPs
    if url.get_backend_name() == "postgresql":
        dsn, env = _libpq(url)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                dsn,
                str(source),
            ],
            env,
        )
        return
    src = sqlite3.connect(source)
    dst = sqlite3.connect(url.database, timeout=30)
    try:
        src.backup(dst)  # one step: other connections see the old or the new database, never a mix
    finally:
        src.close()
        dst.close()


def _swap_uploads(app: Flask, workdir: Path) -> int:
    uploads = Path(app.config["UPLOAD_DIR"])
    staged = workdir / "uploads"
    staged.mkdir(exist_ok=True)
    count = sum(1 for p in staged.rglob("*") if p.is_file())
    uploads.parent.mkdir(parents=True, exist_ok=True)
    incoming = uploads.with_name(uploads.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(staged, incoming)
    old = uploads.with_name(uploads.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if uploads.exists():
        os.replace(uploads, old)
    os.replace(incoming, uploads)
    shutil.rmtree(old, ignore_errors=True)
    return count


def restore_backup(path: Path, force: bool = False) -> RestoreReport:
    """Restore an archive into this app's database and upload folder (empty ones unless ``force``)."""
    app = current_app._get_current_object()
    with tempfile.TemporaryDirectory(prefix="zq-restore-") as tmp:
        workdir = Path(tmp)
        manifest = verify_backup(path, extract_to=workdir)
        _check_key(manifest)
        engine = db.engine.url.get_backend_name()
        if manifest["engine"] != engine:
            raise BackupError(
                f"this backup is from {manifest['engine']}; the configured database is {engine}"
            )
        busy = target_has_data(app)
        if busy and not force:
            raise BackupError("target is not empty (" + ", ".join(busy[:5]) + "); pass --force to replace it")
        _restore_database(manifest, workdir)
        report = RestoreReport(manifest=manifest)
        report.files = _swap_uploads(app, workdir)
    stats = rebuild(app, blocking=True) or {}
    report.documents = int(stats.get("documents", 0))
    with db.engine.connect() as conn:
        counts = _counts(conn)
    differing = {
        name: (expected, counts.get(name))
        for name, expected in manifest["tables"].items()
        if counts.get(name) != expected
    }
    if differing:
        raise BackupError(f"restored row counts differ from the manifest (expected, found): {differing}")
    report.tables, report.rows = len(counts), sum(counts.values())
    return report
