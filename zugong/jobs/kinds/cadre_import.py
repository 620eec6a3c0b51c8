"""Roster imports above the size a request may take (`cadres.import_preview.JOB_THRESHOLD_BYTES`): the
preview (a dry run: parse, match, validate) and the confirmed import. The files wait in
`cadres.pending_imports` between the two; the preview is kept on its job for the import page to show
with its 确认导入 button, and the confirmed import saves them, all or nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zugong.cadres import pending_imports
from zugong.cadres.import_preview import JOB_THRESHOLD_BYTES, preview_outcome
from zugong.cadres.importers import cadre_import
from zugong.core.errors import ValidationFailed
from zugong.core.selectors import org_units_visible
from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind

if TYPE_CHECKING:
    from zugong.jobs.models import Job

__all__ = ["JOB_THRESHOLD_BYTES", "register"]


def run_preview(context: JobContext) -> JobOutput:
    token = str(context.params.get("token", ""))
    folder = pending_imports.folder(token)
    unit = org_units_visible(context.jurisdiction).filter(pk=int(context.params.get("org") or 0)).first()
    if folder is None or unit is None:
        raise ValidationFailed("上传的文件已失效，请重新上传")
    files = pending_imports.read(folder)
    context.progress(0, 1, f"正在检查 {len(files)} 个文件")
    result = cadre_import(actor=context.actor, jurisdiction=context.jurisdiction, org_unit=unit, files=files,
                          dry_run=True)
    if result.errors:  # nothing can be confirmed: the upload does not stay behind
        pending_imports.remove(folder)
        return JobOutput(message=f"发现 {len(result.errors)} 处错误，未保存任何数据",
                         outcome=preview_outcome(result, token=token, org_id=unit.pk))
    return JobOutput(message=f"预览：将新增 {result.imported} 人，更新 {result.updated} 人，请确认导入",
                     outcome=preview_outcome(result, token=token, org_id=unit.pk))


def preview_page(job: Job) -> str:
    return reverse("cadres:import") + f"?job={job.pk}"


def run_import(context: JobContext) -> JobOutput:
    folder = pending_imports.folder(str(context.params.get("token", "")))
    unit = org_units_visible(context.jurisdiction).filter(pk=int(context.params.get("org") or 0)).first()
    if folder is None or unit is None:
        raise ValidationFailed("导入预览已失效，请重新上传")
    files = pending_imports.read(folder)
    context.progress(0, 1, f"正在导入 {len(files)} 个文件")
    result = cadre_import(actor=context.actor, jurisdiction=context.jurisdiction, org_unit=unit, files=files)
    pending_imports.remove(folder)
    if result.errors:
        first = result.errors[0]
        raise ValidationFailed(f"导入失败，未保存任何数据：{first.file} {first.message}")
    flagged = f"；{len(result.warnings)} 处不一致已照常导入，请在三龄两历一身份审核中核实更正" if result.warnings else ""
    return JobOutput(message=f"已导入 {result.imported} 人，更新 {result.updated} 人{flagged}")


def register() -> None:
    register_kind(JobKind("cadres.import", _("导入干部信息"), "cadres.cadre_import", run_import))
    register_kind(JobKind("cadres.import_preview", _("预览干部信息导入"), "cadres.cadre_import", run_preview,
                          follow_up=preview_page, follow_up_label=_("查看预览并确认导入")))
