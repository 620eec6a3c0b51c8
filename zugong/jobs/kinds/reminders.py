"""Reminder e-mails of new notices, sent by the worker instead of the request or evaluation that made them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind
from zugong.rules.reminders import send_emails

BATCH = 200


def send_reminders(context: JobContext) -> JobOutput:
    notices = [(int(user), str(title), str(body)) for user, title, body in context.params.get("notices", [])]
    sent = 0
    context.progress(0, len(notices), "正在发送提醒邮件")
    for start in range(0, len(notices), BATCH):
        sent += send_emails(notices[start:start + BATCH])
        context.progress(min(start + BATCH, len(notices)), len(notices))
    return JobOutput(message=f"已发送 {sent} 封提醒邮件")


def register() -> None:
    register_kind(JobKind("rules.reminder_emails", _("发送提醒邮件"), "rules.evaluate", send_reminders))
