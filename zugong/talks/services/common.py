"""What every talks service shares: who may do what, and deadlines from rule parameters."""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from zugong.core.calendar import add_days
from zugong.core.errors import Forbidden, NotFound
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgUnit, Role
from zugong.talks.params import talk_param

Actor = AbstractBaseUser | AnonymousUser | None

WRITE_ROLES = frozenset({Role.ORG_ADMIN.value, Role.ORG_STAFF.value})
APPROVE_ROLES = frozenset({Role.ORG_ADMIN.value, Role.LEADER.value})


def require_role(actor: Actor, org_unit: OrgUnit, roles: Iterable[str], what: str) -> None:
    """System actions (actor None: demo loader, event handlers) pass; people need the role there."""
    if actor is None:
        return
    jurisdiction = jurisdiction_for(actor)
    if not jurisdiction.contains(org_unit):
        raise NotFound("未找到，或不在您的管辖范围内")
    if not jurisdiction.has_role_at(org_unit, roles):
        raise Forbidden(f"您没有{what}的权限")


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
