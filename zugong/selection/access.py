"""Who may read the content of a problem entry (问题内容保密).

Those holding `selection.problem_confidential_view` at the entry's unit read it in full, and every full
view is logged with `access_record`; everyone else who may see the archive sees only that an entry exists,
its source, dates and status.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from zugong.core.audit import access_record, access_record_many
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import may
from zugong.selection.models import ProblemEntry

MASK = _("（内容保密）")


def may_read(jurisdiction: Jurisdiction, entry: ProblemEntry) -> bool:
    return may(jurisdiction, "selection.problem_confidential_view", entry.org_unit)


def summary_for(jurisdiction: Jurisdiction, user: AbstractBaseUser, entry: ProblemEntry, *,
                channel: str = "web") -> str | None:
    """The content when the reader may see it (the view is logged), else None."""
    if not may_read(jurisdiction, entry):
        return None
    access_record(user=user, obj=entry, field="summary", org_unit=entry.org_unit, channel=channel)
    return entry.summary


def summaries_for(jurisdiction: Jurisdiction, user: AbstractBaseUser, entries: Iterable[ProblemEntry], *,
                  channel: str) -> dict[int, str | None]:
    """Each entry's content or None; every full view logged in one statement."""
    rows = list(entries)
    readable = [e for e in rows if may_read(jurisdiction, e)]
    access_record_many(user=user, viewed=[(e, e.org_unit) for e in readable], field="summary", channel=channel)
    shown = {e.pk: e.summary for e in readable}
    return {e.pk: shown.get(e.pk) for e in rows}
