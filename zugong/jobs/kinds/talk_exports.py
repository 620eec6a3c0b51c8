"""Every talk of the jurisdiction as Excel, when there are more than the talks page writes inline
(`talks.views.INLINE_EXPORT`). Summaries are written only where the reader may read them, each logged."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zugong.core.errors import ValidationFailed
from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind
from zugong.talks import selectors
from zugong.talks.access import reader_for
from zugong.talks.export import talks_xlsx


def export_talks(context: JobContext) -> JobOutput:
    if context.actor is None:
        raise ValidationFailed("导出谈心谈话须由本人发起")
    talks = list(selectors.talk_list(context.jurisdiction, kind=str(context.params.get("kind", ""))))
    context.progress(0, len(talks), "正在导出谈心谈话")
    data = talks_xlsx(talks, reader_for(context.jurisdiction), context.actor,  # type: ignore[arg-type]
                      progress=lambda done, total: context.progress(done, total))
    return JobOutput(data, "talks.xlsx", f"已导出 {len(talks):,} 条谈话记录")


def register() -> None:
    register_kind(JobKind("talks.export", _("导出谈心谈话"), "talks.talk_export", export_talks))
