"""The trace-back as documents (PDF, DOCX), the whole record as one zip, and a stage's files."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from zugong.cadres.exporters import safe_text
from zugong.core.downloads import download
from zugong.core.errors import ValidationFailed
from zugong.core.request import AuthedRequest, page
from zugong.selection import selectors
from zugong.selection.documents import record_archive, trace_docx, trace_pdf
from zugong.selection.forms import StageFileRemoveForm, StageFilesForm
from zugong.selection.services.attachments import stage_attach, stage_file_remove


@page(action="selection.selection_view", methods=("GET",))
def selection_trace_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    selection = selectors.selection_get(request.jurisdiction, pk)
    return download(trace_docx(selection), f"{safe_text(selection.title)}-全程纪实表.docx")


@page(action="selection.selection_view", methods=("GET",))
def selection_trace_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    selection = selectors.selection_get(request.jurisdiction, pk)
    return download(trace_pdf(selection), f"{safe_text(selection.title)}-全程纪实表.pdf")


@page(action="selection.selection_view", methods=("GET",))
def selection_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    selection = selectors.selection_get(request.jurisdiction, pk)
    data, _files = record_archive(selection)
    return download(data, f"{safe_text(selection.title)}-全程纪实档案.zip")


@page(action="selection.stage_attach", methods=("POST",), scope=selectors.selections_visible, by="pk")
def stage_files_upload(request: AuthedRequest, pk: int, stage: str) -> HttpResponse:
    selectors.selection_get(request.jurisdiction, pk)
    form = StageFilesForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationFailed("请选择要上传的材料", field="attachments")
    stored = stage_attach(actor=request.user, jurisdiction=request.jurisdiction, selection_id=pk, stage=stage,
                          files=form.cleaned_data["attachments"])
    messages.success(request, _("已上传 %(n)d 个材料；此前的签字须重新确认") % {"n": len(stored)})
    return HttpResponseRedirect(reverse("selection:detail", args=[pk]) + f"#stage-{stage}")


@page(action="selection.stage_file_remove", methods=("POST",), scope=selectors.selections_visible, by="pk")
def stage_file_delete(request: AuthedRequest, pk: int, stage: str, file_id: int) -> HttpResponse:
    selectors.selection_get(request.jurisdiction, pk)
    form = StageFileRemoveForm(request.POST)
    form.is_valid()
    removed = stage_file_remove(actor=request.user, jurisdiction=request.jurisdiction, selection_id=pk, stage=stage,
                                attachment_id=file_id, reason=form.cleaned_data.get("reason", ""))
    messages.success(request, _("已删除材料“%(name)s”") % {"name": removed.name})
    return HttpResponseRedirect(reverse("selection:detail", args=[pk]) + f"#stage-{stage}")
