"""Reminders: a due-soon or overdue finding notifies the people responsible, once per status.

A notice goes only to a user whose jurisdiction contains the finding's unit and who holds
`rules.reminder_receive` there (org_admin, org_staff, township_staff, village_staff in the permission
table), so its 查看 link always opens. Of those, the members of the **nearest** level at or above the
unit that has any receive it — a village's own staff, else the township's, else the county's
organisation department — so a province admin is not flooded with every village's notices and a
township hears about its own overdue findings first. The finding's responsible user (when its source
names one) receives it too, under the same condition. The unique key (user, rule, part, period,
subject, status) makes a re-evaluation with an unchanged status send nothing.

The title names the subject by its record number for records that carry a resident's data (点单第 12 号,
信访事项第 7 号) and never by a resident's tracking code, which is the resident's key to their order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils import timezone

from zugong.core.models import Membership
from zugong.core.orgtree import subtree_q
from zugong.core.permissions import SYSTEM, permission
from zugong.rules.models import Finding, FindingStatus, Notification, Rule
from zugong.rules.subjects import subject_text
from zugong.rules.versions import ancestor_paths

NOTIFY_STATUSES = (FindingStatus.DUE_SOON, FindingStatus.OVERDUE)
RECIPIENT_ROLES = permission("rules.reminder_receive").roles


def _staff_by_path(root_path: str) -> dict[str, list[int]]:
    query = Q(org_unit__path__in=ancestor_paths(root_path)) if root_path else Q()
    if root_path:
        query |= subtree_q(root_path, "org_unit__")
    staff: dict[str, list[int]] = defaultdict(list)
    for user_id, path in (Membership.objects.filter(query, role__in=RECIPIENT_ROLES)
                          .values_list("user_id", "org_unit__path").distinct()):
        staff[path].append(user_id)
    return staff


def recipients(path: str, responsible_user_id: int | None, staff: dict[str, list[int]]) -> set[int]:
    """The receivers of the nearest level at or above `path`, and the responsible user when they are one
    of the receivers at or above `path` (anyone else could not open the notice)."""
    found: set[int] = set()
    above = ancestor_paths(path)
    if responsible_user_id and any(responsible_user_id in staff.get(p, ()) for p in above):
        found.add(responsible_user_id)
    for ancestor in reversed(above):
        if staff.get(ancestor):
            return found | set(staff[ancestor])
    return found


def _key(row: Mapping[str, Any], user_id: int) -> tuple[Any, ...]:
    return (user_id, row["part"], row["period_start"], row["subject_type"], row["subject_id"], row["status"])


def notify_changes(*, rule: Rule, period_starts: set[date], root_path: str) -> list[Notification]:
    """Create the notices of findings that became due soon or overdue; return the new ones."""
    scope = subtree_q(root_path, "org_unit__") if root_path else Q()
    rows = list(Finding.objects.filter(rule=rule, period_start__in=period_starts, status__in=NOTIFY_STATUSES)
                .filter(scope)
                .values("part", "period_start", "subject_type", "subject_id", "subject_label", "status",
                        "org_unit_id", "org_unit__path", "org_unit__name", "responsible_user_id", "detail"))
    if not rows:
        return []
    staff = _staff_by_path(root_path)
    existing = set(Notification.objects.filter(rule=rule, period_start__in=period_starts)
                   .values_list("user_id", "part", "period_start", "subject_type", "subject_id", "status"))
    created: list[Notification] = []
    for row in rows:
        for user_id in recipients(row["org_unit__path"] or "", row["responsible_user_id"], staff):
            if _key(row, user_id) in existing:
                continue
            existing.add(_key(row, user_id))
            created.append(_notice(rule, row, user_id))
    Notification.objects.bulk_create(created, batch_size=2000, ignore_conflicts=True)
    if created and settings.ZUGONG_EMAIL_ENABLED:
        # Sent by a background worker once the evaluation commits (zugong/jobs/kinds/reminders.py).
        from zugong.jobs.services import job_start

        job_start(actor=None, jurisdiction=SYSTEM, kind="rules.reminder_emails",
                  params={"notices": [[n.user_id, n.title, n.body] for n in created]})
    return created


def _notice(rule: Rule, row: Mapping[str, Any], user_id: int) -> Notification:
    label = FindingStatus(row["status"]).label
    return Notification(
        user_id=user_id, rule=rule, part=row["part"], period_start=row["period_start"],
        subject_type=row["subject_type"], subject_id=row["subject_id"], status=row["status"],
        org_unit_id=row["org_unit_id"], title=f"{rule.code} {rule.title}：{_subject(row)}{label}"[:200],
        body=row["detail"][:400],
    )


def _subject(row: Mapping[str, Any]) -> str:
    return subject_text(row["subject_type"], row["subject_id"], row["subject_label"], row["org_unit__name"] or "")


def send_emails(notices: list[tuple[int, str, str]]) -> int:
    """E-mail the notices to users who have an address; mark them e-mailed."""
    emails = dict(get_user_model().objects.filter(pk__in={n[0] for n in notices}).exclude(email="")
                  .values_list("pk", "email"))
    messages = [(f"【组工提醒】{title}", body, settings.DEFAULT_FROM_EMAIL, [emails[user_id]])
                for user_id, title, body in notices if user_id in emails]
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    Notification.objects.filter(user_id__in=list(emails), emailed_at__isnull=True,
                                title__in=[n[1] for n in notices]).update(emailed_at=timezone.now())
    return sent
