"""Files attached to a stage of a selection (R20's 全程纪实 with its documents): checked by content and
size by core's `attachment_check`, audited, and part of the stage's digest (a file added after a
signature makes that signature no longer match). A file added by mistake may be removed while nobody has
signed the stage; once signed, the signed record stands and a correction is a new file."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum

from zugong.core.attachments import attachment_check, attachments_of, attachments_store
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import Attachment
from zugong.core.permissions import Actor, require
from zugong.selection.locks import lock_selection
from zugong.selection.models import Selection, Stage, StageRecord
from zugong.selection.stage_files import OWNER_TYPE, record_digest

MAX_FILES = 10  # per upload
# The whole record is exported inline as one archive (documents.py): its files are bounded here.
SELECTION_MAX_BYTES = 60 * 1024 * 1024


def _stage_record(selection: Selection, stage: str) -> StageRecord:
    if stage not in Stage.values:
        raise NotFound("没有这个环节")
    record = selection.records.select_for_update(of=("self",)).filter(stage=stage).first()
    if record is None:
        raise IllegalTransition(f"“{Stage(stage).label}”环节尚无纪实记录，不能上传材料")
    return record


def _stored_bytes(selection: Selection) -> int:
    ids = [str(pk) for pk in selection.records.values_list("pk", flat=True)]
    total = Attachment.objects.filter(owner_type=OWNER_TYPE, owner_id__in=ids).aggregate(n=Sum("size"))["n"]
    return int(total or 0)


@transaction.atomic
def stage_attach(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, stage: str,
                 files: Sequence[UploadedFile[bytes]]) -> list[Attachment]:
    """Keep the files on the stage's record; signatures given before no longer match its digest."""
    selection = lock_selection(selection_id)
    require(jurisdiction, "selection.stage_attach", selection.org_unit)
    record = _stage_record(selection, stage)
    if not files:
        raise ValidationFailed("请选择要上传的材料", field="attachments")
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"一次最多上传 {MAX_FILES} 个材料", field="attachments")
    checked = [attachment_check(upload) for upload in files]
    total = _stored_bytes(selection) + sum(len(c.data) for c in checked)
    if total > SELECTION_MAX_BYTES:
        raise ValidationFailed(f"一项选拔任用的材料合计不能超过 {SELECTION_MAX_BYTES // (1024 * 1024)} MB",
                               field="attachments")
    audit_record(actor=actor, action="selection.stage_attach", obj=selection, org_unit=selection.org_unit,
                 summary={"stage": stage, "digest_before": record_digest(record, attachments_of(record)),
                          "files": [{"name": c.name, "size": len(c.data), "sha256": hashlib.sha256(c.data).hexdigest()}
                                    for c in checked]})
    return attachments_store(actor=actor, owner=record, org_unit=selection.org_unit, files=checked)


@transaction.atomic
def stage_file_remove(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, stage: str,
                      attachment_id: int, reason: str) -> Attachment:
    """Remove a file added by mistake to a stage nobody has signed yet; the removal is audited (name,
    SHA-256, size, why, the digest before and after) and the bytes are deleted once the removal commits."""
    selection = lock_selection(selection_id)
    require(jurisdiction, "selection.stage_file_remove", selection.org_unit)
    why = reason.strip()
    if not why:  # first: a removal without its reason is refused whatever it names
        raise ValidationFailed("请填写删除原因", field="reason")
    record = selection.records.select_for_update(of=("self",)).filter(stage=stage).first()
    files = attachments_of(record) if record is not None else []
    row = next((a for a in files if a.pk == attachment_id), None)
    if record is None or row is None:
        raise NotFound("该环节没有这个材料")
    if record.signatures.exists():
        raise IllegalTransition(f"“{Stage(stage).label}”环节已有人签字确认，签字的记录不能删除材料；"
                                "如需更正，请上传新的材料")
    kept = [a for a in files if a.pk != attachment_id]
    audit_record(actor=actor, action="selection.stage_file_remove", obj=selection, org_unit=selection.org_unit,
                 summary={"stage": stage, "file": {"id": row.pk, "name": row.name, "size": row.size,
                                                   "sha256": row.sha256},
                          "reason": why, "digest_before": record_digest(record, files),
                          "digest_after": record_digest(record, kept)})
    path = Path(settings.MEDIA_ROOT) / row.stored_as
    Attachment.objects.filter(pk=row.pk).delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return row
