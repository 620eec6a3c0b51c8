"""A stage's files through the API (the documents themselves are downloads of the pages: trace.pdf,
trace.docx, archive.zip)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from zugong.core.api_auth import permitted
from zugong.core.models import Attachment
from zugong.core.request import RowId, actor_of, jurisdiction_of
from zugong.selection import selectors
from zugong.selection.services.attachments import stage_attach, stage_file_remove

router = Router(tags=["selection"])


class StageFileOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    sha256: str
    url: str


def _file(a: Attachment) -> StageFileOut:
    return StageFileOut(id=a.pk, name=a.name, kind=a.kind, size=a.size, sha256=a.sha256,
                        url=reverse("attachment", args=[a.pk]))


@router.post("/selections/{selection_id}/stages/{stage}/attachments",
             auth=permitted("selection.stage_attach", scope=selectors.selections_visible, by="selection_id"),
             response={201: list[StageFileOut]},
             summary="上传一个环节的材料（PDF、图片、Word、Excel）；此前的签字随之不再与记录摘要相符")
def stage_files_upload(request: HttpRequest, selection_id: RowId, stage: str,
                       files: File[list[UploadedFile]]) -> Status[list[StageFileOut]]:
    jurisdiction = jurisdiction_of(request)
    selectors.selection_get(jurisdiction, selection_id)
    stored = stage_attach(actor=actor_of(request), jurisdiction=jurisdiction, selection_id=selection_id,
                          stage=stage, files=files)
    return Status(201, [_file(a) for a in stored])


class StageFileRemoveIn(Schema):
    reason: str = Field(max_length=2000, description="删除原因（写入审计记录）")


@router.delete("/selections/{selection_id}/stages/{stage}/attachments/{attachment_id}",
               auth=permitted("selection.stage_file_remove", scope=selectors.selections_visible, by="selection_id"),
               response={204: None},
               summary="删除一个环节误传的材料（环节签字前；签字后 409，更正须上传新材料）")
def stage_file_delete(request: HttpRequest, selection_id: RowId, stage: str, attachment_id: RowId,
                      payload: StageFileRemoveIn) -> Status[None]:
    jurisdiction = jurisdiction_of(request)
    selectors.selection_get(jurisdiction, selection_id)
    stage_file_remove(actor=actor_of(request), jurisdiction=jurisdiction, selection_id=selection_id, stage=stage,
                      attachment_id=attachment_id, reason=payload.reason)
    return Status(204, None)
