"""Bulk exports of the roster: the 任免审批表 of a search result (LRMX, DOCX or PDF, zipped) and the
Excel roster. No cap on the count: the worker renders chunk by chunk, reporting each form."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.cadres import exporters, selectors
from zugong.cadres.forms import CadreSearchForm
from zugong.cadres.models import Cadre
from zugong.cadres.xlsx import write_workbook
from zugong.core.audit import access_record_many
from zugong.core.errors import Forbidden, ValidationFailed
from zugong.core.permissions import may
from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind

FORM_FORMATS = ("lrmx", "docx", "pdf")
CHUNK = 200  # cadres loaded with their history at a time


def matching_ids(context: JobContext) -> list[int]:
    """The ids of the search result the job was started from, in the list's order (name, then id)."""
    form = CadreSearchForm(QueryDict(context.params.get("query", "")), jurisdiction=context.jurisdiction)
    filters, cursor = form.filters(), ""
    ids: list[int] = []
    while True:
        page = selectors.cadre_search(context.jurisdiction, filters, sort="name", cursor=cursor,
                                      limit=selectors.MAX_LIMIT)
        ids.extend(c.pk for c in page.items)
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def chunks(context: JobContext, ids: list[int]) -> Iterator[list[Cadre]]:
    visible = selectors.cadres_visible(context.jurisdiction).select_related("org_unit")
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        by_pk = {c.pk: c for c in exporters.with_history(visible.filter(pk__in=part))}
        yield [by_pk[pk] for pk in part if pk in by_pk]


def export_forms(context: JobContext) -> JobOutput:
    fmt = context.params.get("fmt", "")
    if fmt not in FORM_FORMATS:
        raise ValidationFailed("不支持的格式")
    ids = matching_ids(context)
    if not ids:
        raise ValidationFailed("没有符合条件的干部")
    context.progress(0, len(ids), "正在生成任免审批表")
    on, out, done = timezone.localdate(), io.BytesIO(), 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for cadres in chunks(context, ids):
            if not all(may(context.jurisdiction, "cadres.cadre_export", c.org_unit) for c in cadres):
                raise Forbidden("查询结果中有您的角色不能导出任免审批表的干部")
            if context.actor is not None:
                access_record_many(user=context.actor, viewed=[(c, c.org_unit) for c in cadres], field="lrmx")
            for cadre in cadres:
                data, suffix = exporters.export(fmt, [cadre], filled_on=on)
                archive.writestr(exporters.member_name(cadre, suffix), data)
                done += 1
                context.progress(done, len(ids))
    name = f"任免审批表（{done}人，{fmt.upper()}）.zip"
    return JobOutput(out.getvalue(), name, f"已生成 {done} 份任免审批表")


def export_roster(context: JobContext) -> JobOutput:
    ids = matching_ids(context)
    if not ids:
        raise ValidationFailed("没有符合条件的干部")
    records, done = [], 0
    context.progress(0, len(ids), "正在导出干部名册")
    for cadres in chunks(context, ids):
        for cadre in cadres:
            records.append(exporters.record_of(cadre))
            done += 1
            context.progress(done, len(ids))
    return JobOutput(write_workbook(records, mask_id=True), "干部名册.xlsx", f"已导出 {done} 名干部")


def register() -> None:
    register_kind(JobKind("cadres.export_forms", _("导出任免审批表"), "cadres.cadre_export", export_forms))
    register_kind(JobKind("cadres.export_roster", _("导出干部名册"), "cadres.cadre_view", export_roster))
