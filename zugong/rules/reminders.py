"""Reminders: a due-soon or overdue finding notifies the people responsible, once per status.

Recipients are the finding's responsible user (when its source names one) and the org_admin /
org_staff members of the nearest level at or above the finding's org unit that has any — the
township's own organisation staff first, the county's when the township has none — so a province
admin is not flooded with every village's notices. The unique key (user, rule, part, period,
subject, status) makes a re-evaluation with an unchanged status send nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zugong.core.models import Membership
from zugong.core.orgtree import subtree_q
from zugong.core.permissions import permission
from zugong.rules.models import Finding, FindingStatus, Notification, Rule
from zugong.rules.versions import ancestor_paths

NOTIFY_STATUSES = (FindingStatus.DUE_SOON, FindingStatus.OVERDUE)
RECIPIENT_ROLES = permission("rules.reminder_receive").roles  # org_admin, org_staff


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
    found: set[int] = {responsible_user_id} if responsible_user_id else set()
    for ancestor in reversed(ancestor_paths(path)):
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
                        "org_unit_id", "org_unit__path", "responsible_user_id", "detail"))
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
        ids = [(n.user_id, n.title, n.body) for n in created]
        transaction.on_commit(lambda: send_emails(ids))
    return created


def _notice(rule: Rule, row: Mapping[str, Any], user_id: int) -> Notification:
    label = FindingStatus(row["status"]).label
    return Notification(
        user_id=user_id, rule=rule, part=row["part"], period_start=row["period_start"],
        subject_type=row["subject_type"], subject_id=row["subject_id"], status=row["status"],
        org_unit_id=row["org_unit_id"], title=f"{rule.code} {rule.title}：{row['subject_label']}{label}"[:200],
        body=row["detail"][:400],
    )


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
