"""The registry of job kinds: what a job does, who may start it, and how it reports progress.

A kind's `run(context)` does the work in the worker. It calls `context.progress(done, total)` at each
step it can stop at: a cancelled job stops there (`JobCancelled`). It returns a `JobOutput`: a file to
download, a sentence for the job page, or both. Kinds built on other apps live in this package and call
those apps' selectors and services, so the apps themselves only start jobs (`services.job_start`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, permission

if TYPE_CHECKING:
    from zugong.jobs.models import Job


class JobCancelled(Exception):
    """Raised at a progress step of a job whose cancel was requested."""


@dataclass(frozen=True)
class JobOutput:
    data: bytes | None = None
    filename: str = ""
    message: str = ""
    # Kept on the job (`Job.outcome`) for the page that goes on from it (an import's preview).
    outcome: dict[str, Any] | None = None


@dataclass
class JobContext:
    job_id: int
    actor: Actor
    jurisdiction: Jurisdiction
    params: dict[str, Any]
    # Progress rows are written at most this often (a step that asks for a stop always checks).
    min_interval: float = 0.5
    _last_write: float = field(default=0.0, repr=False)

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        """Record progress; stop here (`JobCancelled`) if the job's cancel was requested."""
        from zugong.jobs.services import job_progress

        now = time.monotonic()
        last_step = total is not None and done >= total
        if not last_step and now - self._last_write < self.min_interval:
            return
        self._last_write = now
        if job_progress(job_id=self.job_id, done=done, total=total, message=message):
            raise JobCancelled


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str | Promise
    # The permission-table action that starts a job of this kind; holders of it at the job's unit see it too.
    action: str
    run: Callable[[JobContext], JobOutput]
    # Where a person goes on from a finished job (an import's preview → its confirmation): a link on the job page.
    follow_up: Callable[[Job], str | None] | None = None
    follow_up_label: str | Promise = ""


_kinds: dict[str, JobKind] = {}


def register_kind(kind: JobKind) -> None:
    permission(kind.action)  # an unknown action fails at start-up
    _kinds[kind.key] = kind


def kind_of(key: str) -> JobKind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"unknown job kind {key!r}") from None


def kinds() -> list[JobKind]:
    return sorted(_kinds.values(), key=lambda k: k.key)


def register_builtin() -> None:
    from zugong.jobs.kinds import (
        archive_audit,
        audit_checkpoint,
        cadre_exports,
        cadre_import,
        reminders,
        rule_evaluation,
        rule_exports,
        talk_exports,
    )

    for module in (cadre_exports, cadre_import, archive_audit, rule_evaluation, rule_exports, talk_exports,
                   reminders, audit_checkpoint):
        module.register()
