"""How a finding's subject is named to people: a record that carries a resident's data by its record
number (点单第 12 号), never by the resident's tracking code or the matter of their petition, which some
sources give as their label; every other subject by its label (a cadre's or a unit's name)."""

from __future__ import annotations

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Concat

NUMBERED_SUBJECTS = {"masswork.serviceorder": "点单", "masswork.petition": "信访事项"}


def subject_text(subject_type: str, subject_id: str, label: str, unit_name: str = "") -> str:
    noun = NUMBERED_SUBJECTS.get(subject_type)
    if noun is None:
        return label
    return f"{noun}第 {subject_id} 号" + (f"（{unit_name}）" if unit_name else "")


def subject_name() -> Case:
    """The same name as a SQL expression over a finding (or notification) row, without the unit."""
    return Case(*(When(subject_type=kind, then=Concat(Value(f"{noun}第 "), F("subject_id"), Value(" 号")))
                  for kind, noun in NUMBERED_SUBJECTS.items()),
                default=F("subject_label"), output_field=CharField())
