from __future__ import annotations

from datetime import date

from zugong.cadres.models import Cadre
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.services import org_unit_create
from zugong.fieldwork.models import TrainingKind, TrainingRecord


def org_department(parent: OrgUnit) -> OrgUnit:
    return org_unit_create(actor=None, kind=OrgKind.DEPARTMENT, name=f"{parent.name}委组织部", parent=parent)


def cadre(unit: OrgUnit, name: str, id_number: str | None = None) -> Cadre:
    return Cadre.objects.create(name=name, org_unit=unit, id_number=id_number)


def off_job(person: Cadre, start: date, end: date, days: int, kind: str = TrainingKind.OFF_JOB) -> TrainingRecord:
    return TrainingRecord.objects.create(cadre=person, course="党校进修班", kind=kind, start_date=start, end_date=end,
                                         days=days)
