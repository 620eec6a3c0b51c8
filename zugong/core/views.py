"""Thin views of the UI shell: dashboard, org tree browser, jurisdiction switcher, error pages.

Pages go through `@page` like every app's: it logs in, checks the action of the permission table and
shows a `DomainError` (an org unit out of sight is `NotFound`) as the Chinese error page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zugong.core import selectors
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.middleware import ACTIVE_MEMBERSHIP_KEY
from zugong.core.models import PATH_SEGMENT_WIDTH, Membership, OrgUnit
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, is_htmx, page
from zugong.masswork import selectors as masswork_selectors
from zugong.rules import selectors as rule_selectors
from zugong.talks import selectors as talk_selectors

CHILDREN_LIMIT = 500
DUE_ROWS = 10
T = TypeVar("T", bound=Model)
# The dashboards the overview links to: (label, URL name, the action of that page).
DASHBOARDS = (
    (gettext_lazy("制度执行"), "rules:dashboard", "rules.finding_view"),
    (gettext_lazy("谈话统计"), "talks:stats", "talks.talk_view"),
    (gettext_lazy("民心墙"), "masswork:index", "masswork.order_view"),
    (gettext_lazy("信访"), "masswork:petitions", "masswork.petition_view"),
)
SEARCH_LIMIT = 100


# No action: the dashboard is where a signed-in person without any role learns that they have none
# ("您还没有任何任职角色"); `core.home_view` (every role) decides only whether the menu lists it.
@page(methods=("GET", "HEAD"))
def home(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    today = timezone.localdate()
    roots = list(selectors.with_child_flag(selectors.org_roots(jurisdiction))[:20])
    counts = selectors.org_counts_by_kind(jurisdiction)
    return render(request, "core/home.html", {
        "roots": roots, "counts": counts, "total": sum(c.count for c in counts),
        "roles": sorted({g.get_role_display() for g in _active_memberships(request)}),
        "due": _due_items(request, today), "today": today,
    })


@dataclass(frozen=True)
class DueRows(Generic[T]):
    items: list[T]
    total: int


def _due_rows(rows: QuerySet[T]) -> DueRows[T]:
    """At most DUE_ROWS rows and how many there are: two queries whatever the data."""
    return DueRows(list(rows[:DUE_ROWS]), rows.count())


def _due_items(request: AuthedRequest, today: date) -> dict[str, object]:
    """The person's own due items, each read by the app that owns it and shown only when the person may open
    the page where the work is done. The organisation departments' daily work is talks, 约谈 and overdue
    findings; the village, township and party-group work (visits, duty, ledger, orders) is shown to those
    whose daily work it is, i.e. who hold its action but not the departments' (`talks.talk_record`)."""
    j = request.jurisdiction
    grassroots = not may(j, "talks.talk_record")
    due: dict[str, object] = {}
    if not grassroots and may(j, "talks.talk_view"):
        due["triggers"] = _due_rows(talk_selectors.triggers_due(j))
        due["coverage"] = talk_selectors.plan_coverage_totals(j, today.year)
    if may(j, "talks.talk_view") and (may(j, "talks.interview_step") or may(j, "talks.interview_approve")):
        due["interviews"] = talk_selectors.interviews_open_by_status(j)
    if may(j, "rules.reminder_receive") and may(j, "rules.finding_view"):
        due["overdue"] = rule_selectors.overdue_by_rule(j)
    if may(j, "rules.overview_view") and may(j, "rules.finding_view"):
        due["overview"] = [s for s in rule_selectors.summaries(j, org=None, today=today)
                           if s.period_start and s.has_source]  # rules no module feeds yet stay on the dashboard
        due["dashboards"] = [(label, reverse(url)) for label, url, action in DASHBOARDS if may(j, action)]
    if grassroots:
        due.update(_grassroots_items(request, today))
    return due


def _grassroots_items(request: AuthedRequest, today: date) -> dict[str, object]:
    j = request.jurisdiction
    due: dict[str, object] = {}
    if may(j, "masswork.visit_record"):
        due["visits"] = masswork_selectors.village_visit_counts(j, start=today.replace(day=1), end=today)
    if may(j, "masswork.township_view") and may(j, "masswork.duty_check_in"):
        monday = today - timedelta(days=today.weekday())
        due["duty"] = list(masswork_selectors.duty_shifts_between(j, start=monday, end=monday + timedelta(days=6),
                                                                  user_id=request.user.pk))
        due["duty_missed"] = masswork_selectors.duty_shifts_missed(j, start=monday, before=today)
    if may(j, "masswork.township_view") and may(j, "masswork.ledger_record"):
        due["ledger"] = _due_rows(masswork_selectors.ledger_open(j))
    if may(j, "masswork.order_view") and may(j, "masswork.order_dispatch"):
        due["dispatch"] = _due_rows(masswork_selectors.orders_awaiting_dispatch(j))
    if may(j, "masswork.order_view") and may(j, "masswork.order_accept"):
        due["my_orders"] = _due_rows(masswork_selectors.orders_held_by_user(j, request.user.pk))
    return due


def _active_memberships(request: AuthedRequest) -> list[Membership]:
    active = request.session.get(ACTIVE_MEMBERSHIP_KEY)
    own = selectors.memberships_of(request.user.pk)
    if active:
        narrowed = list(own.filter(pk=active))
        if narrowed:
            return narrowed
    return list(own)


@page(action="core.org_view", methods=("GET", "HEAD"))
def org_tree(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    query = request.GET.get("q", "").strip()[:60]
    context: dict[str, object] = {"query": query}
    if query:
        results = list(selectors.org_unit_list(jurisdiction, query=query, limit=SEARCH_LIMIT + 1))
        context.update(results=results[:SEARCH_LIMIT], truncated=len(results) > SEARCH_LIMIT)
    else:
        context["roots"] = list(selectors.with_child_flag(selectors.org_roots(jurisdiction))[:50])
    return render(request, "core/org_tree.html", context)


def _ancestors(jurisdiction: Jurisdiction, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors that the user may see, top first."""
    step = PATH_SEGMENT_WIDTH + 1
    paths = [unit.path[:end] for end in range(step, len(unit.path), step)]
    return list(selectors.org_units_visible(jurisdiction).filter(path__in=paths).order_by("path"))


@page(action="core.org_view", methods=("GET", "HEAD"))
def org_children(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """A unit and its children: the full page, or (for htmx) only the children's list items."""
    jurisdiction = request.jurisdiction
    unit = selectors.org_unit_get(jurisdiction, unit_id)
    children = list(selectors.with_child_flag(
        selectors.org_units_visible(jurisdiction).filter(parent_id=unit.pk).order_by("sort_order", "path")
    )[:CHILDREN_LIMIT + 1])
    context = {"unit": unit, "units": children[:CHILDREN_LIMIT], "truncated": len(children) > CHILDREN_LIMIT}
    if is_htmx(request):
        response = render(request, "core/_org_nodes.html", context)
    else:
        context["ancestors"] = _ancestors(jurisdiction, unit)
        response = render(request, "core/org_children.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@page(methods=("POST",))  # any signed-in user may narrow to (or widen back from) their own memberships
def switch_jurisdiction(request: AuthedRequest) -> HttpResponse:
    raw = request.POST.get("membership", "")
    own = selectors.memberships_of(request.user.pk)
    chosen = own.filter(pk=int(raw)).first() if raw.isdigit() else None
    if raw == "":
        request.session.pop(ACTIVE_MEMBERSHIP_KEY, None)
        messages.success(request, _("已切换到全部管辖范围。"))
    elif chosen is not None:
        request.session[ACTIVE_MEMBERSHIP_KEY] = chosen.pk
        messages.success(request, _("已切换到：%(unit)s") % {"unit": chosen.org_unit.name})
    else:
        messages.error(request, _("该任职角色不存在，管辖范围未改变。"))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("home")
    return HttpResponseRedirect(target)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context: the database or a context processor may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
