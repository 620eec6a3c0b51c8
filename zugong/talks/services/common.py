"""What every talks service shares: the actor's id, and deadlines from rule parameters."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date

from zugong.core.calendar import add_days
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor
from zugong.talks.params import talk_param


def actor_id(actor: Actor) -> int | None:
    """The user id written to `created_by` and the like; None for the system."""
    return actor.pk if actor is not None else None


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (1月31日 + 1个月 = 2月28/29日)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, month_calendar.monthrange(year, month)[1]))


def trigger_due_on(code: str, raised_on: date, org_unit: OrgUnit | None) -> date:
    days = int(talk_param(code, "days", org_unit=org_unit, on=raised_on))
    workdays = bool(talk_param(code, "workdays", org_unit=org_unit, on=raised_on))
    return add_days(raised_on, days, workdays=workdays)


def report_due_on(informed_on: date, org_unit: OrgUnit | None) -> date:
    """R15: the written report is due one month after the unit head is informed.

    In calendar terms by default (one calendar month); when the jurisdiction counts it in working
    days (R15 `workdays`), `days` working days on the statutory calendar with its 调休.
    """
    if talk_param("R15", "workdays", org_unit=org_unit, on=informed_on):
        days = int(talk_param("R15", "days", org_unit=org_unit, on=informed_on))
        return add_days(informed_on, days, workdays=True)
    return add_months(informed_on, int(talk_param("R15", "months", org_unit=org_unit, on=informed_on)))
