"""Writes for core objects: org units, memberships, users and tokens, meetings, calendar overrides."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from zugong.core import events
from zugong.core.audit import audit_record
from zugong.core.errors import ValidationFailed
from zugong.core.locks import lock_org_units
from zugong.core.models import ApiToken, CalendarOverride, Meeting, Membership, OrgKind, OrgUnit, Role
from zugong.core.orgtree import child_path, next_child_number

Actor = AbstractBaseUser | AnonymousUser | None


@transaction.atomic
def org_unit_create(
    *, actor: Actor, kind: str, name: str, parent: OrgUnit | None, short_name: str = "",
    division_code: str | None = None, valid_from: date | None = None, sort_order: int = 0,
) -> OrgUnit:
    if kind not in OrgKind.values:
        raise ValidationFailed(f"组织类型“{kind}”无效", field="kind")
    if not name.strip():
        raise ValidationFailed("组织名称不能为空", field="name")
    if parent is not None:
        parent = lock_org_units([parent.pk]).get()
    number = next_child_number(parent)
    unit = OrgUnit.objects.create(
        kind=kind, name=name.strip(), short_name=short_name, division_code=division_code or None,
        parent=parent, valid_from=valid_from, sort_order=sort_order,
        path=child_path(parent.path if parent else "", number), depth=(parent.depth + 1) if parent else 0,
    )
    audit_record(actor=actor, action="core.org_unit_create", obj=unit, org_unit=unit,
                 summary={"name": unit.name, "kind": kind, "division_code": unit.division_code})
    events.publish("org_unit_created", org_unit=unit, actor=actor)
    return unit


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_issue(*, actor: Actor, user: AbstractBaseUser) -> str:
    """Create a bearer token for `user`; the raw token is returned once and never stored."""
    raw = "zg_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user_id=user.pk, key_hash=hash_token(raw), prefix=raw[:8])
    audit_record(actor=actor, action="core.api_token_issue", object_type="auth.user", object_id=str(user.pk))
    return raw


@transaction.atomic
def user_create(
    *, actor: Actor, username: str, org_unit: OrgUnit, role: str, password: str | None = None,
    full_name: str = "", email: str = "",
) -> AbstractBaseUser:
    if role not in Role.values:
        raise ValidationFailed(f"角色“{role}”无效，可选：{'、'.join(Role.values)}", field="role")
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ValidationFailed(f"用户名“{username}”已存在", field="username")
    user = user_model.objects.create_user(username=username, password=password, email=email,
                                          first_name=full_name)
    Membership.objects.create(user=user, org_unit=org_unit, role=role)
    audit_record(actor=actor, action="core.user_create", obj=user, org_unit=org_unit,
                 summary={"username": username, "role": role})
    return user


@transaction.atomic
def membership_grant(*, actor: Actor, user: AbstractBaseUser, org_unit: OrgUnit, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationFailed(f"角色“{role}”无效", field="role")
    membership, _ = Membership.objects.get_or_create(user_id=user.pk, org_unit=org_unit, role=role)
    audit_record(actor=actor, action="core.membership_grant", obj=membership, org_unit=org_unit,
                 summary={"user_id": user.pk, "role": role})
    return membership


@transaction.atomic
def meeting_record(
    *, actor: Actor, kind: str, org_unit: OrgUnit, held_on: date, title: str = "", attendees: str = "",
    minutes: str = "", decisions: str = "",
) -> Meeting:
    meeting = Meeting.objects.create(
        kind=kind, org_unit=org_unit, held_on=held_on, title=title, attendees=attendees, minutes=minutes,
        decisions=decisions, created_by_id=getattr(actor, "pk", None),
    )
    audit_record(actor=actor, action="core.meeting_record", obj=meeting, org_unit=org_unit,
                 summary={"kind": kind, "held_on": held_on.isoformat(), "title": title})
    return meeting


@transaction.atomic
def calendar_override_set(*, actor: Actor, day: date, is_workday: bool, note: str = "") -> CalendarOverride:
    override, _ = CalendarOverride.objects.update_or_create(day=day, defaults={"is_workday": is_workday,
                                                                              "note": note})
    summary: dict[str, Any] = {"day": day.isoformat(), "is_workday": is_workday, "note": note}
    audit_record(actor=actor, action="core.calendar_override_set", obj=override, summary=summary)
    return override


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> None:
    summary: dict[str, Any] = {"user_id": membership.user_id, "role": membership.role}
    org_unit = membership.org_unit
    membership_id = membership.pk
    membership.delete()
    audit_record(actor=actor, action="core.membership_revoke", object_type="core.membership",
                 object_id=str(membership_id), org_unit=org_unit, summary=summary)


@transaction.atomic
def calendar_override_delete(*, actor: Actor, override: CalendarOverride) -> None:
    summary: dict[str, Any] = {"day": override.day.isoformat(), "is_workday": override.is_workday}
    override_id = override.pk
    override.delete()
    audit_record(actor=actor, action="core.calendar_override_delete", object_type="core.calendaroverride",
                 object_id=str(override_id), summary=summary)
