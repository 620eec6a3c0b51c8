"""Thin pages of the roster: search list, detail with tabs, exports, archive audit, import with preview."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from zugong.cadres import exporters, idcard, pending_imports, selectors
from zugong.cadres.changes import change_rows
from zugong.cadres.codes import choices
from zugong.cadres.importers import PREVIEW_DIFFS, ImportResult, import_files
from zugong.cadres.models import CadreStatus, RankLevel
from zugong.cadres.services import POST_CHANGE_KINDS, cadre_move
from zugong.cadres.xlsx import template
from zugong.core.audit import access_record, access_record_many
from zugong.core.errors import DomainError, NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.request import actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get, org_units_visible

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _jurisdiction(request: HttpRequest) -> Jurisdiction:
    """The middleware's per-request jurisdiction (computed once, shared with the page shell)."""
    cached = getattr(request, "jurisdiction", None)
    return cached if cached is not None else jurisdiction_of(request)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.strip().isdigit() else None


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def filters_from(query: QueryDict) -> selectors.CadreFilters:
    leading = {"1": True, "0": False}.get(query.get("leading", ""))
    return selectors.CadreFilters(
        q=query.get("q", ""), id_number=query.get("id_number", ""), org=_int(query.get("org")),
        rank_level=query.get("rank_level", ""), leading=leading, age_min=_int(query.get("age_min")),
        age_max=_int(query.get("age_max")), age_on=_date(query.get("age_on")), education=query.get("education", ""),
        political_status=query.get("political_status", ""), status=query.get("status", ""),
        managing_unit=_int(query.get("managing_unit")),
    )


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    try:
        page = selectors.cadre_search(jurisdiction, filters_from(request.GET), sort=request.GET.get("sort", "name"),
                                      cursor=request.GET.get("cursor", ""), limit=50)
    except DomainError as exc:
        messages.error(request, exc.message)
        page = selectors.Page(items=[], next_cursor=None)
    levels = list(RankLevel.objects.all())  # one query: the filter's options and the rows' level names
    names = {r.code: r.name for r in levels}
    rows = [(c, idcard.mask(c.id_number), names.get(c.rank_level, c.rank_level)) for c in page.items]
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(request, "cadres/list.html", {
        "rows": rows, "page": page, "query": request.GET, "params": params.urlencode(),
        "rank_levels": [r for r in levels if r.is_active], "educations": choices("education"),
        "political": choices("political_status"), "statuses": CadreStatus.choices,
        "units": org_units_visible(jurisdiction).filter(depth__lte=3).order_by("path")[:200],
        "may_export_forms": bool(jurisdiction.roles() & selectors.CONFIDENTIAL_ROLES),
    })


@login_required
def cadre_export(request: HttpRequest) -> HttpResponse:
    cadres = selectors.cadres_for_export(_jurisdiction(request), filters_from(request.GET))
    return _download(exporters.export_xlsx(cadres, mask_id=True), "干部名册.xlsx", XLSX)


MAX_FORMS = 200  # 任免审批表 rendered per request (a PDF or DOCX page pair each)
FORM_TYPES = {".lrmx": "application/xml", ".docx": "application/vnd.openxmlformats-officedocument."
              "wordprocessingml.document", ".pdf": "application/pdf", ".zip": "application/zip"}


@login_required
def cadre_export_forms(request: HttpRequest, fmt: str) -> HttpResponse:
    """The search result's 任免审批表 as LRMX, DOCX or PDF (one file, or a zip); full records, so logged."""
    if fmt not in {"lrmx", "docx", "pdf"}:
        raise Http404("不支持的格式")
    jurisdiction = _jurisdiction(request)
    try:
        cadres = selectors.cadres_for_export(jurisdiction, filters_from(request.GET), limit=MAX_FORMS + 1)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    back = reverse("cadres:list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if not cadres or len(cadres) > MAX_FORMS:
        messages.error(request, "没有符合条件的干部" if not cadres else
                       f"一次最多导出 {MAX_FORMS} 份任免审批表，请缩小查询范围后再导出")
        return HttpResponseRedirect(back)
    if not all(selectors.may_see_confidential(jurisdiction, c) for c in cadres):
        return HttpResponseForbidden("查询结果中有您的角色不能导出任免审批表的干部")
    access_record_many(user=actor_of(request), viewed=[(c, c.org_unit) for c in cadres], field="lrmx")
    data, suffix = exporters.export(fmt, cadres, filled_on=timezone.localdate())
    name = f"{cadres[0].name}任免审批表{suffix}" if len(cadres) == 1 else f"任免审批表（{len(cadres)}人）{suffix}"
    return _download(data, name, FORM_TYPES[suffix])


@login_required
def cadre_detail(request: HttpRequest, cadre_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    try:
        cadre = selectors.cadre_get(jurisdiction, cadre_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    may_see = selectors.may_see_confidential(jurisdiction, cadre)
    levels = list(RankLevel.objects.all())
    names = {r.code: r.name for r in levels}
    full = request.GET.get("full_id") == "1"
    if full and not may_see:
        return HttpResponseForbidden("您的角色不能查看完整的公民身份号码")
    if full:
        access_record(user=actor_of(request), obj=cadre, field="id_number", org_unit=cadre.org_unit)
    return render(request, "cadres/detail.html", {
        "cadre": cadre, "id_number": cadre.id_number if full else idcard.mask(cadre.id_number), "full": full,
        "may_see": may_see, "posts": [(p, names.get(p.rank_level, p.rank_level)) for p in selectors.post_history(cadre)],
        "changes": change_rows(selectors.cadre_changes(cadre)),
        "may_edit": selectors.may_edit(jurisdiction, cadre.org_unit), "post_kinds": POST_CHANGE_KINDS.items(),
        "post_units": org_units_visible(jurisdiction).order_by("path")[:500],
        "rank_levels": [r for r in levels if r.is_active],
        "age": cadre.birth_date and (timezone.localdate().year - cadre.birth_date.year),
    })


@login_required
@require_http_methods(["POST"])
def cadre_post_change(request: HttpRequest, cadre_id: int) -> HttpResponse:
    """The detail page's 任职变动 form: a post change, transfer or secondment; R23 refusals are shown."""
    jurisdiction = _jurisdiction(request)
    try:
        cadre = selectors.cadre_get(jurisdiction, cadre_id)
        unit = org_unit_get(jurisdiction, _int(request.POST.get("org_unit")) or 0)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not selectors.may_edit(jurisdiction, cadre.org_unit):
        return HttpResponseForbidden("只有组织部门可以维护干部信息")
    on, until = _date(request.POST.get("on")), _date(request.POST.get("until"))
    back = reverse("cadres:detail", args=[cadre.pk]) + "#posts"
    if on is None:
        messages.error(request, "请填写有效的任职（调动、借调）日期")
        return HttpResponseRedirect(back)
    form = request.POST
    try:
        cadre_move(actor=actor_of(request), cadre=cadre, kind=form.get("kind", "appoint"), org_unit=unit,
                   on=on, until=until, title=form.get("title", "").strip(), rank_level=form.get("rank_level", ""),
                   is_leading=form.get("is_leading") == "1", document_number=form.get("document_number", "").strip())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已记录{cadre.name}的{POST_CHANGE_KINDS[form.get('kind', 'appoint')]}")
    return HttpResponseRedirect(back)


@login_required
def cadre_lrmx(request: HttpRequest, cadre_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    try:
        cadre = selectors.cadre_get(jurisdiction, cadre_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not selectors.may_see_confidential(jurisdiction, cadre):
        return HttpResponseForbidden("您的角色不能导出任免审批表")
    access_record(user=actor_of(request), obj=cadre, field="lrmx", org_unit=cadre.org_unit)
    fmt = request.GET.get("format", "lrmx")
    if fmt not in exporters.FORMATS:
        raise Http404("不支持的格式")
    data, suffix = exporters.export(fmt, [cadre], filled_on=timezone.localdate())
    return _download(data, f"{cadre.name}任免审批表{suffix}", {**FORM_TYPES, ".xlsx": XLSX}[suffix])


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    return _download(template(), "干部信息导入模板.xlsx", XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    units = [u for u in org_units_visible(jurisdiction).order_by("path")[:500] if selectors.may_edit(jurisdiction, u)]
    context: dict[str, Any] = {"units": units}
    if request.method == "POST" and request.POST.get("token"):
        return _import_confirm(request, units)
    if request.method == "POST":
        unit = next((u for u in units if str(u.pk) == request.POST.get("org")), None)
        uploads = request.FILES.getlist("files")
        if unit is None or not uploads:
            messages.error(request, "请选择有权限的单位并上传文件")
            return render(request, "cadres/import.html", context)
        if sum(f.size or 0 for f in uploads) > MAX_UPLOAD_BYTES:
            messages.error(request, "上传的文件总大小超过 20 MB")
            return render(request, "cadres/import.html", context)
        files = [(Path(f.name or "upload").name, f.read()) for f in uploads]
        result = import_files(actor=actor_of(request), org_unit=unit, files=files, dry_run=True,
                              jurisdiction=jurisdiction)
        context.update({"result": result, "unit": unit, "preview": _preview(result)})
        if not result.errors:
            token = pending_imports.keep(files)
            request.session["cadre_import"] = {"token": token, "org": unit.pk}
            context["token"] = token
    return render(request, "cadres/import.html", context)


def _preview(result: ImportResult) -> list[dict[str, Any]]:
    return [{"file": p.file, "row": p.row, "name": p.record.name, "id_number": idcard.mask(p.record.id_number),
             "action": "更新" if p.record.id_number in result.existing_ids else "新增", "matched_by": p.matched_by,
             "changes": p.changes, "resume": len(p.record.resume), "family": len(p.record.family)}
            for p in result.parsed[:PREVIEW_DIFFS]]


def _import_confirm(request: HttpRequest, units: list[Any]) -> HttpResponse:
    waiting = request.session.get("cadre_import") or {}
    token = request.POST.get("token", "")
    unit = next((u for u in units if u.pk == waiting.get("org")), None)
    folder = pending_imports.folder(token)
    if waiting.get("token") != token or unit is None or folder is None:
        messages.error(request, "导入预览已失效，请重新上传")
        return HttpResponseRedirect(reverse("cadres:import"))
    result = import_files(actor=actor_of(request), org_unit=unit, files=pending_imports.read(folder),
                          jurisdiction=_jurisdiction(request))
    pending_imports.remove(folder)
    request.session.pop("cadre_import", None)
    if result.errors:
        messages.error(request, f"导入失败，未保存任何数据：{result.errors[0].file} {result.errors[0].message}")
        return HttpResponseRedirect(reverse("cadres:import"))
    messages.success(request, f"已导入 {result.imported} 人，更新 {result.updated} 人")
    return HttpResponseRedirect(reverse("cadres:list"))
