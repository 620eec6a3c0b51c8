"""The wish-wall picker: walls found by their name, their community or their party group, scoped to the
jurisdiction (`selectors.walls_visible`), for the staff's order intake form."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse

from zugong.core.jurisdiction import Jurisdiction
from zugong.core.picker_views import options_response
from zugong.core.pickers import LIMIT, PickerOption, clean_query
from zugong.core.request import AuthedRequest, page
from zugong.masswork.models import Wall
from zugong.masswork.selectors import walls_visible


def wall_label(wall: Wall) -> str:
    return f"{wall.community.name} · {wall.name}"


def wall_options(jurisdiction: Jurisdiction, query: str) -> list[PickerOption]:
    walls = walls_visible(jurisdiction).filter(is_active=True)
    if query:
        walls = walls.filter(Q(name__contains=query) | Q(community__name__contains=query) |
                             Q(org_unit__name__contains=query))
    return [PickerOption(w.pk, w.name, f"{w.community.name} · {w.org_unit.name}")
            for w in walls.order_by("community__path", "pk")[:LIMIT]]


@page(action="masswork.order_view", methods=("GET",))
def wall_pick(request: AuthedRequest) -> HttpResponse:
    return options_response(request, wall_options(request.jurisdiction, clean_query(request.GET.get("q", ""))))
