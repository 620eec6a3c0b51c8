"""Who may read confidential talk and interview content (谈话内容保密).

Readers: the talkers themselves, org_admin of the jurisdiction, and roles or users granted
explicitly (ConfidentialGrant rows, or settings.ZUGONG_TALKS_CONFIDENTIAL_ROLES). Everyone else in
the jurisdiction sees only that a talk took place. Every full view is logged with access_record().
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import QuerySet

from zugong.core.api_queries import CompiledRead
from zugong.core.audit import access_record, access_record_many
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import permission
from zugong.talks.models import ConfidentialGrant, Interview, Talk

# The roles that read confidential content everywhere in their jurisdiction: a read of the permission table.
ALWAYS_ALLOWED_ROLES = permission("talks.talk_confidential_view").roles


def _deeper(a: str, b: str) -> str | None:
    """The intersection of two subtrees: the deeper path if one contains the other."""
    if a.startswith(b):
        return a
    if b.startswith(a):
        return b
    return None


@dataclass(frozen=True)
class ConfidentialReader:
    """Where a user may read confidential content: subtree roots, plus the talks they held."""

    user_id: int | None
    paths: tuple[str, ...]
    everywhere: bool = False

    def covers(self, path: str) -> bool:
        return self.everywhere or any(path.startswith(p) for p in self.paths)

    def can_read_talk(self, talk: Talk, talker_user_ids: Iterable[int | None] = ()) -> bool:
        return self.covers(talk.org_unit.path) or (self.user_id is not None and self.user_id in set(talker_user_ids))

    def can_read_interview(self, interview: Interview) -> bool:
        if self.covers(interview.org_unit.path):
            return True
        return self.user_id is not None and self.user_id in {interview.proposed_by_id, interview.decided_by_id}


def _grant_rows(user_id: int) -> QuerySet[Any]:
    """The explicit grants that may apply to `user_id`: their own, and every role's."""
    return (ConfidentialGrant.objects.filter(models.Q(user_id=user_id) | ~models.Q(role=""))
            .values_list("user_id", "role", "org_unit__path"))


# Read on every list and detail of talks and interviews: compiled once per process, rows as values, so a
# request pays the query alone (it was a fifth of `GET /api/v1/talks`'s CPU, issue 17 item 8).
GRANT_READ = CompiledRead(_grant_rows, user_id=-424242)


def reader_for(jurisdiction: Jurisdiction) -> ConfidentialReader:
    if jurisdiction.is_superuser:
        return ConfidentialReader(jurisdiction.user_id, (), everywhere=True)
    allowed_roles = set(ALWAYS_ALLOWED_ROLES) | set(getattr(settings, "ZUGONG_TALKS_CONFIDENTIAL_ROLES", ()))
    paths = {g.path for g in jurisdiction.grants if g.role in allowed_roles}
    user_id = jurisdiction.user_id
    # no user has id 0: an anonymous jurisdiction matches the role grants only (its own grants are none)
    for grant_user_id, role, unit_path in GRANT_READ.rows(user_id=user_id if user_id is not None else 0):
        if user_id is not None and grant_user_id == user_id:
            paths.update(p for g in jurisdiction.grants if (p := _deeper(g.path, unit_path)))
        elif role:
            paths.update(p for g in jurisdiction.grants if g.role == role and (p := _deeper(g.path, unit_path)))
    return ConfidentialReader(user_id, tuple(sorted(paths)))


def talker_user_ids(talk: Talk) -> list[int | None]:
    return [t.user_id for t in talk.talkers.all()]


def talk_summary_for(reader: ConfidentialReader, user: User, talk: Talk, *,
                     channel: str = "web") -> str | None:
    """The summary when `user` may read it (and the view is logged), else None."""
    if not reader.can_read_talk(talk, talker_user_ids(talk)):
        return None
    access_record(user=user, obj=talk, field="summary", org_unit=talk.org_unit, channel=channel)
    return talk.summary


def talk_summaries_for(reader: ConfidentialReader, user: User, talks: Iterable[Talk], *,
                       channel: str) -> dict[int, str | None]:
    """Each talk's summary, or None when `user` may not read it; every full view logged in one statement
    (a list or an export costs the same number of queries for 5 talks or 500)."""
    readable = [t for t in talks if reader.can_read_talk(t, talker_user_ids(t))]
    access_record_many(user=user, viewed=[(t, t.org_unit) for t in readable], field="summary", channel=channel)
    shown = {t.pk: t.summary for t in readable}
    return {t.pk: shown.get(t.pk) for t in talks}


def interview_record_for(reader: ConfidentialReader, user: User, interview: Interview, *,
                         channel: str = "web") -> dict[str, str] | None:
    if not reader.can_read_interview(interview):
        return None
    access_record(user=user, obj=interview, field="record", org_unit=interview.org_unit, channel=channel)
    return {"reason": interview.reason, "record": interview.record, "report_text": interview.report_text}
