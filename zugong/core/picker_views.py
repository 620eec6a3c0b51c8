"""The picker endpoints of core: org units and users (cadres have theirs in the cadres app)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from zugong.core.models import OrgKind
from zugong.core.pickers import PickerOption, clean_query, unit_options, user_options
from zugong.core.request import AuthedRequest, page


def options_response(request: AuthedRequest, options: list[PickerOption]) -> HttpResponse:
    """The `<li role="option">` list picker.js puts under the search box."""
    return render(request, "core/_picker_options.html", {"options": options, "query": request.GET.get("q", "")})


@page(action="core.org_view", methods=("GET",))
def unit_pick(request: AuthedRequest) -> HttpResponse:
    kinds = tuple(k for k in request.GET.getlist("kind") if k in OrgKind.values)
    return options_response(request, unit_options(request.jurisdiction, clean_query(request.GET.get("q", "")),
                                                  kinds=kinds))


@page(action="core.user_pick", methods=("GET",))
def user_pick(request: AuthedRequest) -> HttpResponse:
    return options_response(request, user_options(request.jurisdiction, clean_query(request.GET.get("q", ""))))
