"""`zugong backup` → flush → `zugong restore` brings everything back, audit chain and files included."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zugong.conftest import Tree
from zugong.core.audit import access_record, verify_chain
from zugong.core.backup import DATA_NAME, MANIFEST_NAME, BackupError, backup_write, restore_read
from zugong.core.models import (
    AccessEvent,
    ApiToken,
    AuditEvent,
    CalendarOverride,
    Meeting,
    Membership,
    OrgUnit,
)
from zugong.core.services import api_token_issue, calendar_override_set, meeting_record, org_unit_create


def flush_database() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # TRUNCATE refuses tables with pending deferred FK checks
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "audit": list(AuditEvent.objects.order_by("id").values_list("id", "sequence", "action", "summary", "hash")),
        "units": list(OrgUnit.objects.order_by("id").values_list("id", "name", "path", "parent_id", "division_code")),
        "users": list(User.objects.order_by("id").values_list("id", "username", "password", "is_superuser")),
        "memberships": list(Membership.objects.order_by("id").values_list("id", "user_id", "org_unit_id", "role")),
        "tokens": list(ApiToken.objects.order_by("id").values_list("id", "key_hash")),
        "access": list(AccessEvent.objects.order_by("id").values_list("id", "user_id", "field")),
        "meetings": list(Meeting.objects.order_by("id").values_list("id", "title", "held_on")),
        "overrides": list(CalendarOverride.objects.order_by("id").values_list("day", "is_workday")),
    }


@pytest.fixture
def media_root(tmp_path: Path, settings) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def filled(tree: Tree, alice: User, media_root: Path) -> str:
    meeting_record(actor=alice, kind="symposium", org_unit=tree.county_a, held_on=date(2025, 5, 6), title="座谈会")
    calendar_override_set(actor=alice, day=date(2031, 1, 1), is_workday=False, note="元旦")
    access_record(user=alice, obj=tree.village_a, field="id_number")
    User.objects.create_superuser("root", "root@example.invalid", "pw-root")
    token = api_token_issue(actor=alice, user=alice)
    (media_root / "cadres" / "photos").mkdir(parents=True)
    (media_root / "cadres" / "photos" / "张三.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (media_root / "readme.txt").write_text("附件", encoding="utf-8")
    return token


def test_backup_flush_restore_round_trip(filled: str, tmp_path: Path, media_root: Path, capsys) -> None:
    # given a backup of a database with an audit chain, users, tokens and files
    before = snapshot()
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive))
    assert "审计事件 13 个" in capsys.readouterr().out
    # when the database and the files are wiped and the archive restored
    flush_database()
    for file in sorted(media_root.rglob("*"), reverse=True):
        file.unlink() if file.is_file() else file.rmdir()
    assert not User.objects.exists() and not AuditEvent.objects.exists()
    call_command("restore", str(archive))
    assert "文件 2 个" in capsys.readouterr().out
    # then every row is back with its id, the chain verifies, and the files are there
    after = snapshot()
    restored_audit = after.pop("audit")
    assert restored_audit[:-1] == before.pop("audit")
    assert restored_audit[-1][2] == "core.backup_restore"  # the restore itself is recorded at the end of the chain
    assert after == before
    call_command("verify_audit")
    assert "14 个事件" in capsys.readouterr().out
    assert (media_root / "cadres" / "photos" / "张三.jpg").read_bytes() == b"\xff\xd8 not really a jpeg"
    assert (media_root / "readme.txt").read_text(encoding="utf-8") == "附件"
    assert User.objects.get(username="alice").check_password("pw-alice")


def test_restored_database_keeps_working(filled: str, tmp_path: Path, client) -> None:
    archive = tmp_path / "backup.zip"
    backup_write(archive)
    flush_database()
    restore_read(archive)
    # the bearer token still works and new rows get fresh ids (PostgreSQL sequences were reset)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {filled}")
    assert response.status_code == 200 and response.json()["username"] == "alice"
    county = OrgUnit.objects.get(division_code="990121")
    unit = org_unit_create(actor=None, kind="township", name="新镇", parent=county, division_code="990121009")
    assert unit.pk > max(OrgUnit.objects.exclude(pk=unit.pk).values_list("pk", flat=True))
    assert verify_chain().intact and verify_chain().count == 15


def test_archive_layout(filled: str, tmp_path: Path) -> None:
    archive = tmp_path / "backup.zip"
    report = backup_write(archive)
    assert (report.audit_events, report.media_files) == (13, 2)
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read(MANIFEST_NAME))
        data = [json.loads(line) for line in zf.read(DATA_NAME).decode("utf-8").splitlines()]
    assert {MANIFEST_NAME, DATA_NAME, "media/readme.txt", "media/cadres/photos/张三.jpg"} <= names
    assert manifest["format"] == "zugong-backup/1" and manifest["counts"]["core.auditevent"] == 13
    assert ["core", "0002_auditevent_append_only_trigger"] in manifest["migrations"]
    events = [item for item in data if item["model"] == "core.auditevent"]
    assert [e["pk"] for e in events] == sorted(e["pk"] for e in events)
    assert [e["fields"]["sequence"] for e in events] == list(range(1, 14))
    assert not any(item["model"] in {"contenttypes.contenttype", "auth.permission"} for item in data)
    with pytest.raises(BackupError, match="已存在"):
        backup_write(archive)


def test_archive_is_created_readable_by_its_owner_only(filled: str, tmp_path: Path) -> None:
    # given a umask that would leave a new file readable by everyone
    old = os.umask(0o022)
    try:
        # when
        backup_write(tmp_path / "backup.zip")
    finally:
        os.umask(old)
    # then
    assert stat.S_IMODE((tmp_path / "backup.zip").stat().st_mode) == 0o600
    assert not (tmp_path / "backup.zip.partial").exists()


def test_restore_refuses_non_empty_database(filled: str, tmp_path: Path) -> None:
    archive = tmp_path / "backup.zip"
    backup_write(archive)
    before = snapshot()
    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("restore", str(archive))
    assert snapshot() == before


def test_restore_refuses_tampered_chain_and_loads_nothing(filled: str, tmp_path: Path) -> None:
    # given an archive in which one audit event was edited
    archive, forged = tmp_path / "backup.zip", tmp_path / "forged.zip"
    backup_write(archive)
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(forged, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == DATA_NAME:
                data = [json.loads(line) for line in body.decode("utf-8").splitlines()]
                next(i for i in data if i["model"] == "core.auditevent" and i["fields"]["sequence"] == 5)[
                    "fields"]["actor_name"] = "mallory"
                body = "\n".join(json.dumps(i) for i in data).encode("utf-8")
            target.writestr(info, body)
    flush_database()
    # when / then
    with pytest.raises(BackupError, match="第 5 号事件"):
        restore_read(forged)
    assert not AuditEvent.objects.exists() and not OrgUnit.objects.exists() and not User.objects.exists()


def test_restore_refuses_unsafe_paths_and_foreign_files(db, tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr(MANIFEST_NAME, json.dumps({"format": "zugong-backup/1", "migrations": []}))
        zf.writestr(DATA_NAME, "")
        zf.writestr("media/../../etc/passwd", "x")
    with pytest.raises(BackupError, match="不安全"):
        restore_read(evil)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(BackupError, match="不是 zugong 备份文件"):
        restore_read(other)
    with pytest.raises(BackupError, match="找不到备份文件"):
        restore_read(tmp_path / "missing.zip")
