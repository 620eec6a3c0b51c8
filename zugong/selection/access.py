"""Who may read the content of a problem entry (问题内容保密) or of a personal-matters report (报告内容).

Those holding `selection.problem_confidential_view` at the entry's unit read it in full, and every full
view is logged with `access_record`; everyone else who may see the archive sees only that an entry exists,
its source, dates and status.

A report's declared content is read in full by `selection.report_content_view` (org_admin) at the report's
unit, and by whoever may record a check there while the report has a check still open (the checker needs
what was declared to compare it); every full view is logged (field `declared`). Everyone else who may see
the reports sees the report, its year, dates and checks, with each item's content masked.

A report received during 任前公示 (`PublicityReport`) is read in full by `selection.publicity_report_content_view`
(org_admin) at the selection's unit, and by whoever may check it there while it is still open (待核查, 核查中);
every full view is logged (field `content`). Everyone else who sees the selection sees the report's day, channel,
whom it is about, its outcome and handling.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from zugong.core.audit import access_record, access_record_many
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import may
from zugong.selection.models import CheckOutcome, PersonalReport, ProblemEntry, PublicityReport, Selection

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


def may_read_report(jurisdiction: Jurisdiction, report: PersonalReport) -> bool:
    """`report.checks` prefetched (selectors.report_get): no query."""
    if may(jurisdiction, "selection.report_content_view", report.org_unit):
        return True
    checking = any(c.outcome == CheckOutcome.PENDING for c in report.checks.all())
    return checking and may(jurisdiction, "selection.report_check", report.org_unit)


def declared_for(jurisdiction: Jurisdiction, user: AbstractBaseUser, report: PersonalReport, *,
                 channel: str = "web") -> dict[str, str] | None:
    """The declared content when the reader may see it (the view is logged), else None."""
    if not may_read_report(jurisdiction, report):
        return None
    access_record(user=user, obj=report, field="declared", org_unit=report.org_unit, channel=channel)
    return dict(report.declared)


def may_read_publicity(jurisdiction: Jurisdiction, selection: Selection, report: PublicityReport) -> bool:
    if may(jurisdiction, "selection.publicity_report_content_view", selection.org_unit):
        return True
    return report.is_open and may(jurisdiction, "selection.publicity_report_check", selection.org_unit)


def publicity_contents_for(jurisdiction: Jurisdiction, user: AbstractBaseUser, selection: Selection,
                           reports: Iterable[PublicityReport], *, channel: str) -> dict[int, str | None]:
    """Each report's content, or None where the reader may not see it; every full view logged in one statement."""
    rows = list(reports)
    readable = [r for r in rows if may_read_publicity(jurisdiction, selection, r)]
    access_record_many(user=user, viewed=[(r, selection.org_unit) for r in readable], field="content",
                       channel=channel)
    shown = {r.pk: r.content for r in readable}
    return {r.pk: shown.get(r.pk) for r in rows}
