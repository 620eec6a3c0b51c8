"""`{% load fieldwork %}{% cadre_trainings cadre %}`: a cadre's training records on another app's page,
shown only to a reader allowed `fieldwork.training_view` at the cadre's unit (the cadres app imports
nothing of this app; its template asks for the section)."""

from __future__ import annotations

from typing import Any

from django import template

from zugong.core.permissions import may
from zugong.fieldwork.selectors import trainings_of

register = template.Library()


@register.inclusion_tag("fieldwork/_training.html", takes_context=True)
def cadre_trainings(context: dict[str, Any], cadre: Any) -> dict[str, Any]:
    request = context.get("request")
    jurisdiction = getattr(request, "jurisdiction", None)
    if jurisdiction is None or not may(jurisdiction, "fieldwork.training_view", cadre.org_unit):
        return {"shown": False, "trainings": []}
    return {"shown": True, "trainings": list(trainings_of(jurisdiction, cadre.pk))}
