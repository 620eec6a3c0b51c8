"""`zugong backup` / `zugong restore`: one zip archive with a portable dump and the uploaded files.

The archive holds `manifest.json` (format, time, database vendor, applied migrations, row counts),
`data.jsonl` (every row of every app, one JSON object per line in Django's serialisation format, natural
foreign keys for content types, timestamps to the microsecond, so it loads into SQLite or PostgreSQL
alike; primary keys are kept, so the audit chain comes back row for row) and `media/…` (every file
under MEDIA_ROOT). Content types and permissions are left out: `migrate` creates them, and the dump
refers to them by natural key. Django's own dumpdata is not used because its JSON keeps only
milliseconds, and the audit hash covers microseconds.

A restore goes only into an empty database (no org units, no users, no audit events): it clears the
rows that migrations seeded, loads the dump, resets PostgreSQL sequences, checks the audit chain and
writes the files, all before one transaction commits.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

from zugong.core.audit import audit_record, verify_chain
from zugong.core.models import AuditEvent, OrgUnit

T = TypeVar("T")

FORMAT = "zugong-backup/1"
DATA_NAME = "data.jsonl"
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"
BATCH = 2000
# Created by `migrate` on the target, or transient: never dumped, never cleared.
EXCLUDED_MODELS = ("contenttypes.contenttype", "auth.permission", "sessions.session")


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator, in Chinese."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    objects: int
    audit_events: int
    media_files: int


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def _applied_migrations() -> list[list[str]]:
    rows = MigrationRecorder(connection).migration_qs.order_by("app", "name").values_list("app", "name")
    return [[app, name] for app, name in rows]


class _ExactEncoder(json.JSONEncoder):
    """Like Django's JSON encoder but keeps microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | date | time):
            return o.isoformat()
        if isinstance(o, Decimal | uuid.UUID):
            return str(o)
        return super().default(o)


def dumped_models() -> list[type[Model]]:
    """Every concrete model but EXCLUDED_MODELS, the referenced ones before those that refer to them."""
    ordered = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()],
                                            allow_cycles=True)
    return [m for m in ordered if not m._meta.proxy and m._meta.label_lower not in EXCLUDED_MODELS]


def _batches(items: Iterable[T]) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _snapshot(outermost: bool) -> None:
    """On PostgreSQL, read every table of the dump from one snapshot (services may keep writing).

    Only possible as the transaction's first statement; inside a caller's transaction (tests) the
    caller's isolation applies.
    """
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _dump(target: Path) -> dict[str, int]:
    """One JSON object per line, model by model, rows in primary-key order."""
    counts: dict[str, int] = {}
    with target.open("w", encoding="utf-8") as out:
        for model in dumped_models():
            rows = model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=BATCH)
            for chunk in _batches(rows):
                for item in serializers.serialize("python", chunk, use_natural_foreign_keys=True):
                    out.write(json.dumps(item, cls=_ExactEncoder, ensure_ascii=False) + "\n")
                counts[model._meta.label_lower] = counts.get(model._meta.label_lower, 0) + len(chunk)
    return counts


def backup_write(path: Path) -> BackupReport:
    """Write the archive to `path` (never overwriting), through a temporary file renamed into place."""
    if path.exists():
        raise BackupError(f"文件 {path} 已存在，不会覆盖")
    media_root = _media_root()
    with tempfile.TemporaryDirectory(prefix="zugong-backup-") as scratch:
        data_file = Path(scratch) / DATA_NAME
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            _snapshot(outermost)
            counts = _dump(data_file)
        media = list(_media_files(media_root))
        manifest: dict[str, Any] = {
            "format": FORMAT, "created_at": timezone.now().isoformat(), "vendor": connection.vendor,
            "migrations": _applied_migrations(), "counts": counts,
            "media": [p.relative_to(media_root).as_posix() for p in media],
        }
        partial = path.with_name(path.name + ".partial")
        # Created 600: the archive holds every person's data and the password hashes.
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=1))
            archive.write(data_file, DATA_NAME)
            for file in media:
                archive.write(file, MEDIA_PREFIX + file.relative_to(media_root).as_posix())
        partial.replace(path)
    return BackupReport(path=path, objects=sum(counts.values()), audit_events=counts.get("core.auditevent", 0),
                        media_files=len(media))


# ---------------------------------------------------------------- restore


def database_is_empty() -> bool:
    return not (OrgUnit.objects.exists() or get_user_model().objects.exists() or AuditEvent.objects.exists())


def _safe_member(name: str) -> PurePosixPath:
    relative = PurePosixPath(name[len(MEDIA_PREFIX):])
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or "\\" in name:
        raise BackupError(f"备份文件中的路径“{name}”不安全，拒绝恢复")
    return relative


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    names = set(archive.namelist())
    if MANIFEST_NAME not in names or DATA_NAME not in names:
        raise BackupError(f"这不是 zugong 备份文件（缺少 {MANIFEST_NAME} 或 {DATA_NAME}）")
    manifest: dict[str, Any] = json.loads(archive.read(MANIFEST_NAME).decode("utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式：{manifest.get('format')!r}")
    missing = {tuple(m) for m in manifest.get("migrations", [])} - {tuple(m) for m in _applied_migrations()}
    if missing:
        shown = "、".join(f"{a}.{n}" for a, n in sorted(missing)[:5])
        raise BackupError(f"备份来自更新的版本，本库缺少迁移：{shown}；请先升级并执行 zugong migrate")
    return manifest


def _tables_to_clear() -> list[str]:
    """Every table but those of EXCLUDED_MODELS: in an empty database only migration seeds are in them."""
    excluded = {apps.get_model(label)._meta.db_table for label in EXCLUDED_MODELS}
    existing = set(connection.introspection.django_table_names(only_existing=True, include_views=False))
    return sorted(existing - excluded)


def _clear_seeded_rows() -> None:
    statements = connection.ops.sql_flush(no_style(), _tables_to_clear(), allow_cascade=False)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred FK checks still pending in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _insert(batch: list[dict[str, Any]]) -> None:
    objects = list(serializers.deserialize("python", batch))
    model = type(objects[0].object)
    # bulk_create inserts rows as they are: no save() override (AuditEvent's), no signals, one query.
    model._base_manager.bulk_create([d.object for d in objects], batch_size=BATCH)
    for d in objects:
        for name, values in (d.m2m_data or {}).items():
            getattr(d.object, name).set(values)


def _load(lines: Iterable[bytes]) -> None:
    batch: list[dict[str, Any]] = []
    for line in lines:
        if not line.strip():
            continue
        item = json.loads(line)
        if batch and (item["model"] != batch[0]["model"] or len(batch) >= BATCH):
            _insert(batch)
            batch = []
        batch.append(item)
    if batch:
        _insert(batch)


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _restore_media(archive: zipfile.ZipFile) -> int:
    root = _media_root()
    count = 0
    for info in archive.infolist():
        if not info.filename.startswith(MEDIA_PREFIX) or info.is_dir():
            continue
        target = root.joinpath(*_safe_member(info.filename).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, target.open("wb") as sink:
            while chunk := source.read(1 << 20):
                sink.write(chunk)
        count += 1
    return count


def restore_read(path: Path) -> BackupReport:
    """Load an archive into an empty database, all or nothing; the audit chain must verify afterwards."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    if not database_is_empty():
        raise BackupError("数据库不是空的（已有组织、用户或审计事件），拒绝恢复；请恢复到新建并已迁移的空数据库")
    with zipfile.ZipFile(path) as archive:
        manifest = _read_manifest(archive)
        for info in archive.infolist():
            if info.filename.startswith(MEDIA_PREFIX):
                _safe_member(info.filename)  # refuse the whole archive before loading anything
        with transaction.atomic():
            _clear_seeded_rows()
            with archive.open(DATA_NAME) as lines:
                _load(lines)
            _reset_sequences()
            report = verify_chain()
            if not report.intact:
                raise BackupError(f"恢复后审计链在第 {report.first_bad_sequence} 号事件处断开：{report.reason}；已撤销恢复")
            audit_record(actor=None, action="core.backup_restore", object_type="backup", object_id=path.name[:64],
                         summary={"created_at": manifest.get("created_at"), "audit_events": report.count})
            # Inside the transaction: if a file cannot be written, the database load is undone too.
            media_files = _restore_media(archive)
    counts: dict[str, int] = manifest.get("counts", {})
    return BackupReport(path=path, objects=sum(counts.values()), audit_events=counts.get("core.auditevent", 0),
                        media_files=media_files)
