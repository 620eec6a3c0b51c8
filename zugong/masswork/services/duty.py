"""Village duty (坐班值守, R11) and in-village days of the secretary and director (R10)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, Forbidden, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import Actor, may, require
from zugong.masswork.locks import lock_duty_shift
from zugong.masswork.models import DutyShift, InVillageDay


def _village(org: OrgUnit) -> None:
    if org.kind != OrgKind.VILLAGE:
        raise ValidationFailed("请选择村", field="village")


@transaction.atomic
def duty_shift_schedule(*, actor: Actor, jurisdiction: Jurisdiction, village: OrgUnit, cadre: Cadre,
                        user: User, day: date) -> DutyShift:
    """A shift of `cadre`, whose own account `user` checks in: it must hold the check-in action at the village."""
    require(jurisdiction, "masswork.duty_schedule", village)
    _village(village)
    if not may(jurisdiction_for(user), "masswork.duty_check_in", village):
        raise ValidationFailed("签到账号在该村没有坐班签到的权限", field="user")
    try:
        with transaction.atomic():
            shift = DutyShift.objects.create(village=village, cadre=cadre, user=user, day=day)
    except IntegrityError as exc:
        raise Conflict(f"{cadre.name} 在 {day:%Y-%m-%d} 已排班") from exc
    audit_record(actor=actor, action="masswork.duty_shift_schedule", obj=shift, org_unit=village)
    return shift


@transaction.atomic
def duty_check_in(*, actor: Actor, jurisdiction: Jurisdiction, shift_id: int, at: datetime | None = None) -> DutyShift:
    """The cadre on the shift, in person (their own account), only on the day of the shift, once."""
    shift = lock_duty_shift(shift_id)
    require(jurisdiction, "masswork.duty_check_in", shift.village)
    if actor is None or shift.user_id != actor.pk:
        raise Forbidden("只有值班干部本人可以签到")
    moment = at or timezone.now()
    if timezone.localdate(moment) != shift.day:
        raise IllegalTransition("只能在值班当天签到")
    if shift.checked_in_at is not None:
        raise IllegalTransition("已经签到")
    shift.checked_in_at = moment
    shift.save(update_fields=["checked_in_at"])
    audit_record(actor=actor, action="masswork.duty_check_in", obj=shift, org_unit=shift.village)
    return shift


@transaction.atomic
def in_village_day_record(*, actor: Actor, jurisdiction: Jurisdiction, village: OrgUnit, cadre: Cadre,
                          day: date) -> InVillageDay:
    """A day the cadre spent in the village: today or earlier, once per cadre and day."""
    require(jurisdiction, "masswork.in_village_day_record", village)
    _village(village)
    if day > timezone.localdate():
        raise ValidationFailed("不能登记未来的在村天数", field="day")
    row, created = InVillageDay.objects.get_or_create(cadre=cadre, day=day, defaults={"village": village})
    if not created:
        raise Conflict(f"{cadre.name} 在 {day:%Y-%m-%d} 已登记")
    audit_record(actor=actor, action="masswork.in_village_day_record", obj=row, org_unit=village)
    return row
