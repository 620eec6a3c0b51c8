"""Attached files: checked by what they contain (never by their name), size-limited, stored under the
var dir with mode 0600, and read back only through the jurisdiction of their unit.

A service that takes files calls `attachments_store(...)` inside its own transaction; a page lists
them with `attachments_of(owner)` and links each to `core:attachment` (the download checks the
owner's read action, registered with `register_owner`).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, models
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import Attachment, OrgUnit
from zugong.core.permissions import Actor, require
from zugong.core.xlsxguard import UnsafeWorkbook, guard_ooxml

ATTACHMENT_DIR = "attachments"
KINDS = {  # kind: (content type, extension)
    "pdf": ("application/pdf", "pdf"),
    "jpeg": ("image/jpeg", "jpg"),
    "png": ("image/png", "png"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"
_MAX_PIXELS = 60_000_000
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')

# owner_type → the permission-table action that lets a person read the owner (and so its files)
_OWNER_READ_ACTIONS: dict[str, str] = {}


def register_owner(model: type[models.Model], read_action: str) -> None:
    _OWNER_READ_ACTIONS[model._meta.label_lower] = read_action


def max_bytes() -> int:
    return int(getattr(settings, "ZUGONG_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    data: bytes


def safe_name(raw: str) -> str:
    """The file's own name without path parts or control characters (it reaches Content-Disposition)."""
    base = _UNSAFE_NAME.sub("_", raw.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return base[-120:] or "附件"


def _kind_of(data: bytes, name: str) -> str:
    if data.startswith(b"%PDF-"):
        try:
            if len(PdfReader(io.BytesIO(data), strict=False).pages) < 1:
                raise ValidationFailed(f"{name}：PDF 文件没有页面", field="attachments")
        except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
            raise ValidationFailed(f"{name}：不是有效的 PDF 文件", field="attachments") from exc
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data, name)
    return _image_kind(data, name)


def _ooxml_kind(data: bytes, name: str) -> str:
    try:
        guard_ooxml(data, streamed=("xl/worksheets/", "xl/sharedStrings.xml"), what="Office")
    except UnsafeWorkbook as exc:
        raise ValidationFailed(f"{name}：{exc}", field="attachments") from exc
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = set(archive.namelist())
    if "word/document.xml" in parts:
        return "docx"
    if "xl/workbook.xml" in parts:
        return "xlsx"
    raise ValidationFailed(f"{name}：只接受 Word（.docx）和 Excel（.xlsx）文档", field="attachments")


def _image_kind(data: bytes, name: str) -> str:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > _MAX_PIXELS:
                raise ValidationFailed(f"{name}：图片像素过大", field="attachments")
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(f"{name}：只接受 PDF、JPEG/PNG 图片、Word（.docx）和 Excel（.xlsx）文件",
                               field="attachments") from exc
    if fmt not in ("JPEG", "PNG"):
        raise ValidationFailed(f"{name}：图片只接受 JPEG 和 PNG 格式", field="attachments")
    return fmt.lower()


def attachment_check(upload: UploadedFile[bytes]) -> CheckedFile:
    """Read at most the limit plus one byte, then decide by content; refuse in Chinese, naming the file."""
    name = safe_name(upload.name or "")
    limit = max_bytes()
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(f"{name}：文件不能超过 {limit // (1024 * 1024)} MB", field="attachments")
    if not data:
        raise ValidationFailed(f"{name}：文件是空的", field="attachments")
    return CheckedFile(name=name, kind=_kind_of(data, name), data=data)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def attachments_store(*, actor: Actor, owner: models.Model, org_unit: OrgUnit,
                      files: Sequence[CheckedFile]) -> list[Attachment]:
    """Keep checked files for `owner`. Call it inside the owner's service transaction, as its last
    step: Django has no rollback hook, so a file is removed here when its row cannot be written, and
    nothing after this call may refuse the save."""
    rows = []
    for checked in files:
        content_type, extension = KINDS[checked.kind]
        stored_as = f"{ATTACHMENT_DIR}/{secrets.token_hex(16)}.{extension}"
        path = Path(settings.MEDIA_ROOT) / stored_as
        _write_private(path, checked.data)
        try:
            rows.append(Attachment.objects.create(
                owner_type=owner._meta.label_lower, owner_id=str(owner.pk), org_unit=org_unit,
                name=checked.name, kind=checked.kind, content_type=content_type, size=len(checked.data),
                sha256=hashlib.sha256(checked.data).hexdigest(), stored_as=stored_as,
                uploaded_by_id=getattr(actor, "pk", None)))
        except DatabaseError:
            path.unlink(missing_ok=True)
            raise
    return rows


def attachments_of(owner: models.Model) -> list[Attachment]:
    return list(Attachment.objects.filter(owner_type=owner._meta.label_lower, owner_id=str(owner.pk))
                .order_by("pk"))


def attachment_read(jurisdiction: Jurisdiction, pk: int) -> tuple[Attachment, bytes]:
    """One attachment and its bytes: NotFound outside the jurisdiction, Forbidden without the owner's
    read action."""
    row = scope(Attachment.objects.filter(pk=pk), jurisdiction).select_related("org_unit").first()
    if row is None:
        raise NotFound("未找到该附件，或不在您的管辖范围内")
    action = _OWNER_READ_ACTIONS.get(row.owner_type)
    if action is None:
        raise NotFound("未找到该附件，或不在您的管辖范围内")
    require(jurisdiction, action, row.org_unit)
    path = Path(settings.MEDIA_ROOT) / row.stored_as
    try:
        return row, path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFound("附件文件已不存在，请联系管理员") from exc
