"""Files attached to a stage record (考察材料, 会议纪要, 公示截图 …): core `Attachment` rows owned by the
`StageRecord`, read for a whole selection in one query. They are part of what a signature confirms: the
record's digest covers each file's id, name and SHA-256, so a file added after signing shows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from zugong.core.models import Attachment
from zugong.selection.models import StageRecord

OWNER_TYPE = StageRecord._meta.label_lower


def stage_files(records: Iterable[StageRecord]) -> dict[int, list[Attachment]]:
    """Each record's attachments, oldest first (one query for any number of records)."""
    ids = {str(r.pk): r.pk for r in records}
    files: dict[int, list[Attachment]] = {pk: [] for pk in ids.values()}
    if not ids:
        return files
    for row in Attachment.objects.filter(owner_type=OWNER_TYPE, owner_id__in=list(ids)).order_by("pk"):
        files[ids[row.owner_id]].append(row)
    return files


def file_keys(files: Sequence[Attachment]) -> list[tuple[int, str, str]]:
    return [(a.pk, a.name, a.sha256) for a in files]


def record_digest(record: StageRecord, files: Sequence[Attachment]) -> str:
    return record.digest(file_keys(files))
