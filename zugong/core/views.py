"""Thin views of the UI shell: dashboard, org tree, jurisdiction switcher, error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from zugong.core import selectors
from zugong.core.errors import NotFound
from zugong.core.middleware import ACTIVE_MEMBERSHIP_KEY, authenticated_user
from zugong.core.models import Membership


@login_required
def home(request: HttpRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction  # type: ignore[attr-defined]
    roots = list(selectors.org_roots(jurisdiction)[:20])
    return render(request, "core/home.html", {"roots": roots})


@login_required
def org_tree(request: HttpRequest) -> HttpResponse:
    roots = list(selectors.org_roots(request.jurisdiction)[:50])  # type: ignore[attr-defined]
    return render(request, "core/org_tree.html", {"roots": roots})


@login_required
def org_children(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        unit = selectors.org_unit_get(request.jurisdiction, unit_id)  # type: ignore[attr-defined]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    children = selectors.org_unit_list(request.jurisdiction, parent_id=unit.pk, limit=500)  # type: ignore[attr-defined]
    return render(request, "core/org_children.html", {"unit": unit, "children": children})


@login_required
@require_POST
def switch_jurisdiction(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("membership", "")
    if raw == "":
        request.session.pop(ACTIVE_MEMBERSHIP_KEY, None)
    elif Membership.objects.filter(pk=raw if raw.isdigit() else 0, user=authenticated_user(request)).exists():
        request.session[ACTIVE_MEMBERSHIP_KEY] = int(raw)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return HttpResponseRedirect(target)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
