"""The audit chain's signed checkpoint (`zugong.core.checkpoints.write_checkpoint`), when that module exists."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind

MODULE = "zugong.core.checkpoints"


def writer() -> Callable[[], Any] | None:
    if importlib.util.find_spec(MODULE) is None:
        return None
    return cast("Callable[[], Any] | None", getattr(importlib.import_module(MODULE), "write_checkpoint", None))


def run_checkpoint(context: JobContext) -> JobOutput:
    write = writer()
    if write is None:
        return JobOutput(message="未安装审计检查点功能")
    context.progress(0, 1)
    checkpoint = write()
    return JobOutput(message=f"已写入审计检查点 #{getattr(checkpoint, 'seq', '')}")


def register() -> None:
    if writer() is not None:
        register_kind(JobKind("core.audit_checkpoint", _("写入审计检查点"), "jobs.schedule_run", run_checkpoint))
