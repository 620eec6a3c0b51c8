"""Thin pages of the roster: search list, detail with tabs, exports, import with preview.

Every page goes through `@page(action=...)` (login, the action somewhere in the jurisdiction, the
Chinese 403/404/409 page for a `DomainError`); the per-cadre checks are `require(...)` against the
permission table at the cadre's unit. The archive audit pages are in `audit_views.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from zugong.cadres import exporters, idcard, pending_imports, selectors
from zugong.cadres.changes import change_rows
from zugong.cadres.codes import choices
from zugong.cadres.forms import CadreSearchForm, ImportUploadForm, PostChangeForm, UnitFilterForm
from zugong.cadres.import_preview import JOB_THRESHOLD_BYTES as IMPORT_JOB_BYTES
from zugong.cadres.import_preview import preview_rows
from zugong.cadres.importers import cadre_import
from zugong.cadres.models import Cadre, CadreStatus, RankLevel
from zugong.cadres.services import POST_CHANGE_KINDS, cadre_move
from zugong.cadres.xlsx import template
from zugong.core.audit import access_record, access_record_many
from zugong.core.downloads import download
from zugong.core.errors import DomainError, Forbidden, NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import may, require
from zugong.core.request import AuthedRequest, page, query_int
from zugong.core.selectors import org_units_visible
from zugong.jobs import selectors as job_selectors
from zugong.jobs.models import JobState
from zugong.jobs.views import confirm_start, start_and_show

# 任免审批表 rendered inside the request (0.25–0.5 s each); more become a background job, without a cap.
MAX_FORMS = 10
# Roster rows written to Excel inside the request; more become a background job.
MAX_ROSTER_ROWS = 2000
FORM_FORMATS = ("lrmx", "docx", "pdf")


def search_of(query: QueryDict, jurisdiction: Jurisdiction) -> CadreSearchForm:
    return CadreSearchForm(query, jurisdiction=jurisdiction)


def filters_from(query: QueryDict, jurisdiction: Jurisdiction) -> selectors.CadreFilters:
    return search_of(query, jurisdiction).filters()


@page(action="cadres.cadre_view", methods=("GET", "HEAD"))
def cadre_list(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    search = search_of(request.GET, jurisdiction)
    filters = search.filters()
    try:
        result = selectors.cadre_search(jurisdiction, filters, sort=search.sort_key(),
                                        cursor=request.GET.get("cursor", ""), limit=50)
    except DomainError as exc:
        messages.error(request, exc.message)
        result = selectors.Page(items=[], next_cursor=None)
    levels = list(RankLevel.objects.all())  # one query: the filter's options and the rows' level names
    names = {r.code: r.name for r in levels}
    rows = [(c, idcard.mask(c.id_number), names.get(c.rank_level, c.rank_level)) for c in result.items]
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(request, "cadres/list.html", {
        "rows": rows, "page": result, "query": request.GET, "params": params.urlencode(),
        "rank_levels": [r for r in levels if r.is_active], "educations": choices("education"),
        "political": choices("political_status"), "statuses": CadreStatus.choices,
        "unit_filter": UnitFilterForm(request.GET, jurisdiction=jurisdiction)["org"],
        "may_export_forms": may(jurisdiction, "cadres.cadre_export"),
        "may_import": may(jurisdiction, "cadres.cadre_import"),
    })


def _back_to_list(request: AuthedRequest) -> str:
    return reverse("cadres:list") + (f"?{request.GET.urlencode()}" if request.GET else "")


@page(action="cadres.cadre_view", methods=("GET", "HEAD", "POST"), writes="cadres.roster_export")
def cadre_export(request: AuthedRequest) -> HttpResponse:
    """The search as an Excel roster; above MAX_ROSTER_ROWS a job, started by the POST the GET asks for."""
    cadres = selectors.cadres_for_export(request.jurisdiction, filters_from(request.GET, request.jurisdiction),
                                         limit=MAX_ROSTER_ROWS + 1)
    if len(cadres) > MAX_ROSTER_ROWS:
        if request.method != "POST":
            return confirm_start(request, title="导出干部名册", back=_back_to_list(request),
                                 message=f"符合条件的干部超过 {MAX_ROSTER_ROWS:,} 人，名册将在后台生成，完成后可下载。")
        return start_and_show(request, kind="cadres.export_roster", params={"query": request.GET.urlencode()})
    return download(exporters.export_xlsx(cadres, mask_id=True), "干部名册.xlsx")


@page(action="cadres.cadre_export", methods=("GET", "HEAD", "POST"))
def cadre_export_forms(request: AuthedRequest, fmt: str) -> HttpResponse:
    """The search result's 任免审批表 as LRMX, DOCX or PDF (one file, or a zip); full records, so logged."""
    if fmt not in FORM_FORMATS:
        raise NotFound("不支持的格式")
    jurisdiction = request.jurisdiction
    cadres = selectors.cadres_for_export(jurisdiction, filters_from(request.GET, jurisdiction), limit=MAX_FORMS + 1)
    back = _back_to_list(request)
    if not cadres:
        messages.error(request, "没有符合条件的干部")
        return HttpResponseRedirect(back)
    if len(cadres) > MAX_FORMS:
        if request.method != "POST":
            return confirm_start(request, title="导出任免审批表", back=back,
                                 message=f"符合条件的干部超过 {MAX_FORMS} 人，任免审批表将在后台生成（不限人数），完成后可下载。")
        return start_and_show(request, kind="cadres.export_forms", params={"query": request.GET.urlencode(), "fmt": fmt})
    if not all(may(jurisdiction, "cadres.cadre_export", c.org_unit) for c in cadres):
        raise Forbidden("查询结果中有您的角色不能导出任免审批表的干部")
    access_record_many(user=request.user, viewed=[(c, c.org_unit) for c in cadres], field="lrmx")
    data, suffix = exporters.export(fmt, cadres, filled_on=timezone.localdate())
    name = f"{exporters.safe_text(cadres[0].name)}任免审批表{suffix}" if len(cadres) == 1 else f"任免审批表（{len(cadres)}人）{suffix}"
    return download(data, name)


@page(action="cadres.cadre_view", methods=("GET", "HEAD"))
def cadre_detail(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    jurisdiction = request.jurisdiction
    cadre = selectors.cadre_record_get(jurisdiction, cadre_id)
    may_see = may(jurisdiction, "cadres.cadre_confidential_view", cadre.org_unit)
    full = request.GET.get("full_id") == "1"
    if full:
        require(jurisdiction, "cadres.cadre_confidential_view", cadre.org_unit)
        access_record(user=request.user, obj=cadre, field="id_number", org_unit=cadre.org_unit)
    may_move = may(jurisdiction, "cadres.cadre_move", cadre.org_unit)
    return render(request, "cadres/detail.html", {
        **_detail_context(cadre, full=full), "id_number": cadre.id_number if full else idcard.mask(cadre.id_number),
        "full": full, "may_see": may_see, "may_export": may(jurisdiction, "cadres.cadre_export", cadre.org_unit),
        "may_move": may_move, "post_form": _post_form(jurisdiction, cadre) if may_move else None,
    })


def _detail_context(cadre: Cadre, *, full: bool) -> dict[str, Any]:
    names = dict(RankLevel.objects.values_list("code", "name"))
    return {"cadre": cadre, "posts": [(p, names.get(p.rank_level, p.rank_level)) for p in selectors.post_history(cadre)],
            "changes": change_rows(selectors.cadre_changes(cadre), full=full),
            "age": cadre.birth_date and (timezone.localdate().year - cadre.birth_date.year)}


def _post_form(jurisdiction: Jurisdiction, cadre: Cadre) -> PostChangeForm:
    return PostChangeForm(jurisdiction=jurisdiction, initial={"org_unit": cadre.org_unit_id, "is_leading": True},
                          auto_id="post_%s")


@page(action="cadres.cadre_move", methods=("POST",), scope=selectors.cadres_visible, by="cadre_id")
def cadre_post_change(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    """The detail page's 任职变动 form: a post change, transfer or secondment; R23 refusals are shown."""
    jurisdiction = request.jurisdiction
    cadre = selectors.cadre_get(jurisdiction, cadre_id)
    require(jurisdiction, "cadres.cadre_move", cadre.org_unit)
    form = PostChangeForm(request.POST, jurisdiction=jurisdiction)
    back = reverse("cadres:detail", args=[cadre.pk]) + "#posts"
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    try:
        cadre_move(actor=request.user, jurisdiction=jurisdiction, cadre=cadre, kind=data["kind"],
                   org_unit=data["org_unit"], on=data["on"], until=data["until"], title=data["title"].strip(),
                   rank_level=data["rank_level"], is_leading=data["is_leading"],
                   document_number=data["document_number"].strip())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已记录{cadre.name}的{POST_CHANGE_KINDS[data['kind']]}")
    return HttpResponseRedirect(back)


@page(action="cadres.cadre_export", methods=("GET", "HEAD"))
def cadre_lrmx(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    jurisdiction = request.jurisdiction
    cadre = selectors.cadre_record_get(jurisdiction, cadre_id)
    require(jurisdiction, "cadres.cadre_export", cadre.org_unit)
    fmt = request.GET.get("format", "lrmx")
    if fmt not in exporters.FORMATS:
        raise NotFound("不支持的格式")
    access_record(user=request.user, obj=cadre, field="lrmx", org_unit=cadre.org_unit)
    data, suffix = exporters.export(fmt, [cadre], filled_on=timezone.localdate())
    return download(data, f"{exporters.safe_text(cadre.name)}任免审批表{suffix}")


@page(action="cadres.cadre_import", methods=("GET", "HEAD"))
def import_template(request: AuthedRequest) -> HttpResponse:
    return download(template(), "干部信息导入模板.xlsx")


@page(action="cadres.cadre_import", methods=("GET", "HEAD", "POST"))
def import_page(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    if request.method == "POST" and request.POST.get("token"):
        return _import_confirm(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, jurisdiction=jurisdiction)
    context: dict[str, Any] = {"form": form}
    if request.method != "POST":
        if "job" in request.GET:
            return _preview_of_job(request, context)
        return render(request, "cadres/import.html", context)
    if not form.is_valid():
        for message in dict.fromkeys(str(e) for errors in form.errors.values() for e in errors):
            messages.error(request, message)
        return render(request, "cadres/import.html", context)
    unit: OrgUnit = form.cleaned_data["org"]
    files = [(Path(f.name or "upload").name, f.read()) for f in form.cleaned_data["uploads"]]
    if sum(len(data) for _name, data in files) > IMPORT_JOB_BYTES:  # parsing them takes a job, not the request
        token = pending_imports.keep(files)
        request.session["cadre_import"] = {"token": token, "org": unit.pk}
        return start_and_show(request, kind="cadres.import_preview", params={"token": token, "org": unit.pk},
                              org_unit_id=unit.pk)
    result = cadre_import(actor=request.user, jurisdiction=jurisdiction, org_unit=unit, files=files, dry_run=True)
    context.update({"result": result, "unit": unit, "preview": preview_rows(result)})
    if not result.errors:
        token = pending_imports.keep(files)
        request.session["cadre_import"] = {"token": token, "org": unit.pk}
        context["token"] = token
    return render(request, "cadres/import.html", context)


def _preview_of_job(request: AuthedRequest, context: dict[str, Any]) -> HttpResponse:
    """The preview a background job made of a large upload (`?job=<id>`), with 确认导入 while its files wait."""
    job_id = query_int(request, "job", default=0, low=1) or 0
    job = job_selectors.job_get(request.jurisdiction, job_id) if job_id else None
    if job is None or job.kind != "cadres.import_preview" or job.owner_id != request.user.pk:
        raise NotFound("未找到该导入预览")
    if job.state != JobState.DONE:
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))
    outcome = job.outcome
    token = str(outcome.get("token", ""))
    waiting = request.session.get("cadre_import") or {}
    if token and (waiting.get("token") != token or pending_imports.folder(token) is None):
        messages.error(request, "导入预览已失效，请重新上传")
        return HttpResponseRedirect(reverse("cadres:import"))
    unit = org_units_visible(request.jurisdiction).filter(pk=int(outcome.get("org") or 0)).first()
    context.update({"result": outcome, "unit": unit, "preview": outcome.get("preview", []), "token": token})
    return render(request, "cadres/import.html", context)


def _import_confirm(request: AuthedRequest) -> HttpResponse:
    waiting = request.session.get("cadre_import") or {}
    token = request.POST.get("token", "")
    unit = org_units_visible(request.jurisdiction).filter(pk=waiting.get("org") or 0).first()
    folder = pending_imports.folder(token)
    if waiting.get("token") != token or unit is None or folder is None:
        messages.error(request, "导入预览已失效，请重新上传")
        return HttpResponseRedirect(reverse("cadres:import"))
    if sum(f.stat().st_size for f in folder.iterdir()) > IMPORT_JOB_BYTES:
        request.session.pop("cadre_import", None)
        return start_and_show(request, kind="cadres.import", params={"token": token, "org": unit.pk},
                              org_unit_id=unit.pk)
    try:
        result = cadre_import(actor=request.user, jurisdiction=request.jurisdiction, org_unit=unit,
                              files=pending_imports.read(folder))
    finally:  # imported or refused, the upload does not stay behind
        pending_imports.remove(folder)
        request.session.pop("cadre_import", None)
    if result.errors:
        messages.error(request, f"导入失败，未保存任何数据：{result.errors[0].file} {result.errors[0].message}")
        return HttpResponseRedirect(reverse("cadres:import"))
    flagged = f"；{len(result.warnings)} 处不一致已照常导入，请在三龄两历一身份审核中核实更正" if result.warnings else ""
    messages.success(request, f"已导入 {result.imported} 人，更新 {result.updated} 人{flagged}")
    return HttpResponseRedirect(reverse("cadres:list"))

