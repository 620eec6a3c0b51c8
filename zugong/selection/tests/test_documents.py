"""R20's documents: the 纪实表 as PDF (parsed back), the whole record as one zip, and a stage's files —
checked by content, audited, listed on the stage and in the trace, and part of the signed digest."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.errors import Forbidden, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Attachment, AuditEvent, Role
from zugong.selection.documents import record_archive, trace_pdf
from zugong.selection.flow import selection_trace, stage_flow
from zugong.selection.models import Selection, Stage
from zugong.selection.selectors import selection_get
from zugong.selection.services import attachments
from zugong.selection.services import selections as svc
from zugong.selection.tests.conftest import World, open_selection, walk


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def png(name: str = "考察谈话记录.png", color: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _c(w: World, s: Selection) -> dict[str, Any]:
    return {"actor": w.alice, "jurisdiction": w.ja, "selection_id": s.pk}


def _pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_trace_pdf_opens_with_the_chinese_font_and_names_every_stage(world: World) -> None:
    s = walk(world, open_selection(world), "appointed")
    svc.stage_sign(**_c(world, s), stage=Stage.DECISION, capacity="经办人")
    data = trace_pdf(selection_get(world.ja, s.pk))
    assert data.startswith(b"%PDF-")
    reader, text = _pdf_text(data)
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert "/STSong-Light" in fonts  # every text run; Helvetica is only the canvas's initial font
    assert "甲镇镇长人选 选拔任用全程纪实表" in text and "第 1 页" in text
    for label in ("动议", "民主推荐", "确定考察对象", "考察", "征求意见", "讨论决定", "任前公示", "任职"):
        assert label in text
    assert "陈组长、周干事" in text and "经办人" in text and text.count("【未签字】") == 7


def test_a_file_added_after_signing_shows_in_the_digest(world: World) -> None:
    # given: the investigation is signed
    s = walk(world, open_selection(world), "consultation")
    sig = svc.stage_sign(**_c(world, s), stage=Stage.INVESTIGATION, capacity="考察组组长")
    before = {f.stage: f for f in stage_flow(selection_get(world.ja, s.pk))}[Stage.INVESTIGATION]
    assert before.digest == sig.digest and not before.mismatch
    # when: a file is attached to it
    stored = attachments.stage_attach(**_c(world, s), stage=Stage.INVESTIGATION, files=[png()])
    # then: the file is on the stage and in the trace, and the signature no longer matches
    after = {f.stage: f for f in stage_flow(selection_get(world.ja, s.pk))}[Stage.INVESTIGATION]
    assert [a.name for a in after.files] == ["考察谈话记录.png"] and after.digest != sig.digest and after.mismatch
    trace = {r["stage"]: r for r in selection_trace(selection_get(world.ja, s.pk))}
    assert trace[Stage.INVESTIGATION]["changed_after_signing"]
    assert [a["sha256"] for a in trace[Stage.INVESTIGATION]["attachments"]] == [stored[0].sha256]
    event = AuditEvent.objects.filter(action="selection.stage_attach").get()
    assert event.summary["digest_before"] == sig.digest and event.summary["files"][0]["name"] == "考察谈话记录.png"
    # and: a file whose registered content changes changes the digest again; signing anew confirms the set
    svc.stage_sign(**_c(world, s), stage=Stage.INVESTIGATION)
    Attachment.objects.filter(pk=stored[0].pk).update(sha256="0" * 64)
    flow = {f.stage: f for f in stage_flow(selection_get(world.ja, s.pk))}
    assert [sg.valid for sg in flow[Stage.INVESTIGATION].signatures] == [False, False]


def test_a_stage_without_files_keeps_its_old_digest(world: World) -> None:
    s = walk(world, open_selection(world), "shortlist")
    record = s.records.get(stage=Stage.MOTION)
    flow = stage_flow(selection_get(world.ja, s.pk))
    assert flow[0].digest == record.digest() and flow[0].files == []


def test_stage_files_are_checked_by_content_size_and_stage(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    s = walk(world, open_selection(world), "shortlist")
    text = SimpleUploadedFile("纪要.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationFailed, match="只接受 PDF"):
        attachments.stage_attach(**_c(world, s), stage=Stage.MOTION, files=[text])
    with pytest.raises(IllegalTransition, match="“考察”环节尚无纪实记录"):
        attachments.stage_attach(**_c(world, s), stage=Stage.INVESTIGATION, files=[png()])
    with pytest.raises(NotFound):
        attachments.stage_attach(**_c(world, s), stage="nonsense", files=[png()])
    with pytest.raises(ValidationFailed, match="请选择"):
        attachments.stage_attach(**_c(world, s), stage=Stage.MOTION, files=[])
    first = attachments.stage_attach(**_c(world, s), stage=Stage.MOTION, files=[png()])
    monkeypatch.setattr(attachments, "SELECTION_MAX_BYTES", first[0].size * 2 - 1)
    with pytest.raises(ValidationFailed, match="合计不能超过"):
        attachments.stage_attach(**_c(world, s), stage=Stage.RECOMMENDATION, files=[png(color="blue")])
    assert Attachment.objects.filter(owner_type="selection.stagerecord").count() == 1
    assert not AuditEvent.objects.filter(action="selection.stage_attach", summary__stage="recommendation").exists()


def test_the_archive_holds_both_documents_every_file_and_a_list(world: World) -> None:
    s = walk(world, open_selection(world), "appointed")
    attachments.stage_attach(**_c(world, s), stage=Stage.DECISION, files=[png("常委会纪要.png")])
    kept = attachments.stage_attach(**_c(world, s), stage=Stage.PUBLICITY, files=[png("公示截图.png", "blue")])
    # someone edits a kept file on disk: the archive says so
    (Path(settings.MEDIA_ROOT) / kept[0].stored_as).write_bytes(png("x.png", "green").read())
    data, listed = record_archive(selection_get(world.ja, s.pk))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        manifest = archive.read("清单.txt").decode()
        assert archive.read("全程纪实表.pdf").startswith(b"%PDF-")
        assert archive.read("全程纪实表.docx").startswith(b"PK")
        decision_png = next(n for n in names if n.endswith("常委会纪要.png"))
        assert archive.read(decision_png).startswith(b"\x89PNG")
    assert decision_png.startswith("材料/06-讨论决定/") and any(n.startswith("材料/07-任前公示/") for n in names)
    assert len(names) == 5
    assert [(f.name, f.state) for f in listed] == [("常委会纪要.png", "一致"), ("公示截图.png", "内容与登记的摘要不符")]
    assert "公示截图.png" in manifest and "内容与登记的摘要不符" in manifest
    _reader, text = _pdf_text(zipfile.ZipFile(io.BytesIO(data)).read("全程纪实表.pdf"))
    assert "常委会纪要.png" in text


def test_pages_upload_list_and_download(world: World) -> None:
    s = walk(world, open_selection(world), "consultation")
    client = logged_in(world.alice)
    answer = client.post(f"/selection/{s.pk}/files/investigation/", {"attachments": [png()]})
    assert answer.status_code == 302
    page = client.get(f"/selection/{s.pk}/").content.decode()
    assert "考察谈话记录.png" in page and "上传材料" in page
    trace = client.get(f"/selection/{s.pk}/trace/").content.decode()
    assert "考察谈话记录.png" in trace and "下载全程纪实表（PDF）" in trace
    pdf = client.get(f"/selection/{s.pk}/trace.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    archive = client.get(f"/selection/{s.pk}/archive.zip")
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    file_id = Attachment.objects.get(owner_type="selection.stagerecord").pk
    assert client.get(f"/files/{file_id}/").content.startswith(b"\x89PNG")
    carol = make_user("carol2", world.tree.county_b, Role.ORG_ADMIN)
    assert logged_in(carol).get(f"/files/{file_id}/").status_code == 404


def test_who_may_upload_and_who_sees(world: World) -> None:
    s = walk(world, open_selection(world), "consultation")
    leader = make_user("leader", world.tree.county_a, Role.LEADER)
    refused = logged_in(leader).post(f"/selection/{s.pk}/files/investigation/", {"attachments": [png()]})
    assert refused.status_code == 403 and "权限" in refused.content.decode()
    carol = make_user("carol2", world.tree.county_b, Role.ORG_ADMIN)
    assert logged_in(carol).post(f"/selection/{s.pk}/files/investigation/",
                                 {"attachments": [png()]}).status_code == 404
    for path in ("trace.pdf", "archive.zip"):
        assert logged_in(carol).get(f"/selection/{s.pk}/{path}").status_code == 404
        assert logged_in(leader).get(f"/selection/{s.pk}/{path}").status_code == 200
    assert not Attachment.objects.exists()


def test_api_upload(world: World) -> None:
    s = walk(world, open_selection(world), "consultation")
    answer = bearer(world.alice).post(f"/api/v1/selections/{s.pk}/stages/investigation/attachments",
                                      {"files": [png()]})
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body[0]["name"] == "考察谈话记录.png" and len(body[0]["sha256"]) == 64
    detail = bearer(world.alice).get(f"/api/v1/selections/{s.pk}/trace").json()
    assert [a["name"] for a in detail[3]["attachments"]] == ["考察谈话记录.png"]
    conflict = bearer(world.alice).post(f"/api/v1/selections/{s.pk}/stages/decision/attachments", {"files": [png()]})
    assert conflict.status_code == 409


# --- removing a stage file added by mistake ------------------------------------------------------------

def _remove(w: World, s: Selection, stage: str, file_id: int, reason: str = "误传了其他环节的材料") -> Attachment:
    return attachments.stage_file_remove(**_c(w, s), stage=stage, attachment_id=file_id, reason=reason)


def test_a_file_removed_before_signing_leaves_the_record_digest_and_archive(
        world: World, django_capture_on_commit_callbacks: Any) -> None:
    # given: two files on the unsigned investigation stage, one of them added by mistake
    s = walk(world, open_selection(world), "consultation")
    kept = attachments.stage_attach(**_c(world, s), stage=Stage.INVESTIGATION, files=[png()])[0]
    wrong = attachments.stage_attach(**_c(world, s), stage=Stage.INVESTIGATION, files=[png("别人的材料.png", "blue")])[0]
    path = Path(settings.MEDIA_ROOT) / wrong.stored_as
    record = s.records.get(stage=Stage.INVESTIGATION)
    with_both = {f.stage: f for f in stage_flow(selection_get(world.ja, s.pk))}[Stage.INVESTIGATION].digest
    # when
    with django_capture_on_commit_callbacks(execute=True):
        removed = _remove(world, s, Stage.INVESTIGATION, wrong.pk)
    # then: the file, its row and its bytes are gone; the digest is that of the record with the kept file
    assert removed.name == "别人的材料.png" and not path.exists()
    assert list(Attachment.objects.values_list("pk", flat=True)) == [kept.pk]
    flow = {f.stage: f for f in stage_flow(selection_get(world.ja, s.pk))}[Stage.INVESTIGATION]
    assert [a.name for a in flow.files] == ["考察谈话记录.png"]
    assert flow.digest == record.digest([(kept.pk, kept.name, kept.sha256)]) != with_both
    data, listed = record_archive(selection_get(world.ja, s.pk))
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert [f.name for f in listed] == ["考察谈话记录.png"] and not any("别人的材料" in n for n in names)
    _reader, text = _pdf_text(zipfile.ZipFile(io.BytesIO(data)).read("全程纪实表.pdf"))
    assert "考察谈话记录.png" in text and "别人的材料.png" not in text
    # and: the removal is audited with the file's name, SHA-256, who and why
    event = AuditEvent.objects.get(action="selection.stage_file_remove")
    assert event.actor_id == world.alice.pk
    assert event.summary["file"] == {"id": wrong.pk, "name": "别人的材料.png", "size": wrong.size,
                                     "sha256": wrong.sha256}
    assert event.summary["reason"] == "误传了其他环节的材料"
    assert event.summary["digest_before"] == with_both and event.summary["digest_after"] == flow.digest


def test_replacing_a_file_is_remove_and_upload(world: World) -> None:
    s = walk(world, open_selection(world), "shortlist")
    wrong = attachments.stage_attach(**_c(world, s), stage=Stage.MOTION, files=[png("方案.png", "blue")])[0]
    _remove(world, s, Stage.MOTION, wrong.pk, reason="传错版本")
    right = attachments.stage_attach(**_c(world, s), stage=Stage.MOTION, files=[png("方案.png", "green")])[0]
    flow = stage_flow(selection_get(world.ja, s.pk))
    assert [(a.pk, a.sha256) for a in flow[0].files] == [(right.pk, right.sha256)] and right.sha256 != wrong.sha256


def test_a_signed_stage_keeps_its_files(world: World) -> None:
    s = walk(world, open_selection(world), "consultation")
    stored = attachments.stage_attach(**_c(world, s), stage=Stage.INVESTIGATION, files=[png()])[0]
    svc.stage_sign(**_c(world, s), stage=Stage.INVESTIGATION, capacity="考察组组长")
    with pytest.raises(IllegalTransition, match="已有人签字确认.*请上传新的材料"):
        _remove(world, s, Stage.INVESTIGATION, stored.pk)
    assert Attachment.objects.filter(pk=stored.pk).exists()
    assert not AuditEvent.objects.filter(action="selection.stage_file_remove").exists()


def test_removal_needs_a_reason_the_role_and_the_stage_of_the_file(world: World) -> None:
    s = walk(world, open_selection(world), "consultation")
    stored = attachments.stage_attach(**_c(world, s), stage=Stage.INVESTIGATION, files=[png()])[0]
    with pytest.raises(ValidationFailed, match="请填写删除原因"):
        _remove(world, s, Stage.INVESTIGATION, stored.pk, reason="  ")
    with pytest.raises(NotFound):  # the file is not the motion's
        _remove(world, s, Stage.MOTION, stored.pk)
    with pytest.raises(NotFound):
        _remove(world, s, Stage.DECISION, stored.pk)
    with pytest.raises(Forbidden):  # org_staff uploads but does not remove
        attachments.stage_file_remove(actor=world.staff, jurisdiction=jurisdiction_for(world.staff),
                                      selection_id=s.pk, stage=Stage.INVESTIGATION, attachment_id=stored.pk,
                                      reason="误传")
    assert Attachment.objects.filter(pk=stored.pk).exists()


def test_pages_remove_a_file_only_for_the_org_admin(world: World) -> None:
    s = walk(world, open_selection(world), "consultation")
    stored = attachments.stage_attach(**_c(world, s), stage=Stage.INVESTIGATION, files=[png()])[0]
    url = f"/selection/{s.pk}/files/investigation/{stored.pk}/remove/"
    staff_page = logged_in(world.staff).get(f"/selection/{s.pk}/").content.decode()
    assert "考察谈话记录.png" in staff_page and "确认删除" not in staff_page
    assert logged_in(world.staff).post(url, {"reason": "误传"}).status_code == 403
    carol = make_user("carol2", world.tree.county_b, Role.ORG_ADMIN)
    assert logged_in(carol).post(url, {"reason": "误传"}).status_code == 404
    client = logged_in(world.alice)
    assert "确认删除" in client.get(f"/selection/{s.pk}/").content.decode()
    answer = client.post(url, {"reason": "误传"})
    assert answer.status_code == 302 and not Attachment.objects.exists()


def test_api_delete_a_stage_file(world: World) -> None:
    s = walk(world, open_selection(world), "decision")
    first, second = attachments.stage_attach(**_c(world, s), stage=Stage.INVESTIGATION,
                                             files=[png(), png("多余.png", "blue")])
    url = f"/api/v1/selections/{s.pk}/stages/investigation/attachments/{second.pk}"
    body = {"reason": "误传"}
    carol = make_user("carol2", world.tree.county_b, Role.ORG_ADMIN)
    assert bearer(carol).delete(url, body, content_type="application/json").status_code == 404
    assert bearer(world.staff).delete(url, body, content_type="application/json").status_code == 403
    answer = bearer(world.alice).delete(url, body, content_type="application/json")
    assert answer.status_code == 204
    trace = bearer(world.alice).get(f"/api/v1/selections/{s.pk}/trace").json()
    assert [a["name"] for a in trace[3]["attachments"]] == ["考察谈话记录.png"]
    assert bearer(world.alice).delete(url, body, content_type="application/json").status_code == 404
    svc.stage_sign(**_c(world, s), stage=Stage.INVESTIGATION)
    refused = bearer(world.alice).delete(f"/api/v1/selections/{s.pk}/stages/investigation/attachments/{first.pk}",
                                         body, content_type="application/json")
    assert refused.status_code == 409 and "已有人签字确认" in refused.json()["error"]["message"]
