"""A confirmed roster import above the size a request may take (`JOB_THRESHOLD_BYTES`): the files wait
where the preview left them (`cadres.pending_imports`) and the worker saves them, all or nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zugong.cadres import pending_imports
from zugong.cadres.importers import cadre_import
from zugong.core.errors import ValidationFailed
from zugong.core.selectors import org_units_visible
from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind

# Above this many bytes of uploaded files, the confirmed import runs as a job.
JOB_THRESHOLD_BYTES = 2 * 1024 * 1024


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
