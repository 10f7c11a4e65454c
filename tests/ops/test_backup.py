"""Backups restore: the drill on this session's database engine (SQLite, or PostgreSQL in CI's second pass)."""

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from app.extensions import db
from app.hotline.booking.models import Booking
from app.ops.backup import BackupError, create_backup, restore_backup, verify_backup
from app.policies.services import save_faq


@pytest.fixture
def site_data(app, book, create_slot, make_user):
    """A staff account, a booking with personal data, an FAQ entry (searchable) and an uploaded file."""
    make_user(roles=("admin",), username="backup-admin")
    booking = book(create_slot(), phone="13800005555", nickname="李四")
    save_faq(None, "备份测试问题：彩礼有标准吗？", "有参考标准。", "彩礼治理")
    upload = Path(app.config["UPLOAD_DIR"]) / "places" / "photo.jpg"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"\xff\xd8 not really a jpeg \xff\xd9")
    yield booking.reference
    upload.unlink()


def _counts():
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_restore_drill_into_an_empty_database(app, runner, site_data, other_app, tmp_path):
    """create → verify → restore into an empty database and upload folder: same counts, data readable, index rebuilt."""
    archive = tmp_path / "site.tar.gz"
    result = runner.invoke(args=["backup", "create", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    assert archive.stat().st_mode & 0o077 == 0
    assert "backup OK" in runner.invoke(args=["backup", "verify", str(archive)]).output
    expected = _counts()
    manifest = verify_backup(archive)
    assert manifest["tables"]["hotline_bookings"] == 1 and "uploads/places/photo.jpg" in manifest["files"]
    assert not any("key" in name for name in manifest["files"])  # keys never travel with the data

    restored = other_app()
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert "counts match the manifest" in result.output
        assert _counts() == expected
        booking = db.session.scalars(select(Booking)).one()
        assert booking.reference == site_data and booking.phone == "13800005555"
        uploaded = Path(restored.config["UPLOAD_DIR"]) / "places" / "photo.jpg"
        assert uploaded.read_bytes().startswith(b"\xff\xd8")
        search = restored.test_client().get("/search?q=备份测试")
        assert "问题：彩礼有标准吗？" in search.get_data(as_text=True)


def test_a_corrupted_archive_is_refused_and_nothing_is_restored(app, site_data, other_app, tmp_path):
    """A truncated archive and one whose database member was altered both fail verify and restore cleanly."""
    archive = create_backup(tmp_path / "site.tar.gz")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(BackupError, match="unreadable or corrupted"):
        verify_backup(truncated)

    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("database."):
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="checksum mismatch"):
        verify_backup(tampered)

    restored = other_app()
    with restored.app_context():
        for bad in (truncated, tampered):
            result = restored.test_cli_runner().invoke(args=["backup", "restore", str(bad)])
            assert result.exit_code == 1 and "Error:" in result.output
        assert not _has_tables()
        assert not Path(restored.config["UPLOAD_DIR"]).exists()


def _has_tables() -> bool:
    from sqlalchemy import inspect

    return "hotline_bookings" in inspect(db.engine).get_table_names()


def test_a_wrong_key_is_refused_before_anything_changes(app, site_data, other_app, tmp_path):
    """Restoring with a HOTLINE_DATA_KEY that did not make the backup stops with a clear error; target untouched."""
    archive = create_backup(tmp_path / "site.tar.gz")
    restored = other_app(HOTLINE_DATA_KEY=Fernet.generate_key().decode())
    with restored.app_context():
        with pytest.raises(BackupError, match="HOTLINE_DATA_KEY cannot decrypt"):
            restore_backup(archive)
        assert not _has_tables()
        assert not Path(restored.config["UPLOAD_DIR"]).exists()


def test_a_non_empty_target_needs_force(app, site_data, tmp_path):
    """Restoring over a database that holds data is refused without --force and works with it."""
    archive = create_backup(tmp_path / "site.tar.gz")
    with pytest.raises(BackupError, match="target is not empty"):
        restore_backup(archive)
    db.session.execute(Booking.__table__.delete().where(Booking.id < 0))  # no-op: still refused twice
    report = restore_backup(archive, force=True)
    assert report.manifest["tables"]["hotline_bookings"] == 1
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_manifest_lists_head_version_and_counts(app, site_data, tmp_path):
    """The manifest names the migration head, the app version, the engine and counts per table."""
    archive = create_backup(tmp_path / "site.tar.gz")
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["migration_head"] and manifest["app_version"]
    assert manifest["engine"] == db.engine.url.get_backend_name()
    assert manifest["tables"]["users"] >= 1
    with gzip.open(archive) as plain:  # a plain gzip'd tar an operator can inspect with tar -tzf
        assert plain.read(1)
