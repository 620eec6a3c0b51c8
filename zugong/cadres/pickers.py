"""The cadre picker: cadres found by name, full pinyin, pinyin initials or ID number, with unit and post
so that two 张伟 can be told apart. Scoped like every cadre read (`selectors.cadre_search`)."""

from __future__ import annotations

from django.http import HttpResponse

from zugong.cadres.models import Cadre
from zugong.cadres.selectors import CadreFilters, cadre_search
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.picker_views import options_response
from zugong.core.pickers import LIMIT, PickerOption, clean_query
from zugong.core.request import AuthedRequest, page


def cadre_label(cadre: Cadre) -> str:
    """How a chosen cadre reads in a form: 张伟（甲镇 · 镇长）."""
    where = " · ".join(part for part in (cadre.org_unit.name, cadre.current_post) if part)
    return f"{cadre.name}（{where}）" if where else cadre.name


def cadre_options(jurisdiction: Jurisdiction, query: str) -> list[PickerOption]:
    if not query:
        return []
    try:
        rows = cadre_search(jurisdiction, CadreFilters(q=query, status="serving"), limit=LIMIT).items
    except ValidationFailed:  # an ID-number prefix from someone who may not search by number: no options
        return []
    return [PickerOption(c.pk, c.name, " · ".join(p for p in (
        c.org_unit.name, c.current_post, c.birth_date.strftime("%Y.%m") if c.birth_date else "") if p))
        for c in rows]


@page(action="cadres.cadre_pick", methods=("GET",))
def cadre_pick(request: AuthedRequest) -> HttpResponse:
    return options_response(request, cadre_options(request.jurisdiction, clean_query(request.GET.get("q", ""))))
