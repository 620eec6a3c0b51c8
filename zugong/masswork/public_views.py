"""The residents' pages under /m/: no account, phone-sized, CSRF-protected forms.

Place an order (点单) and get a tracking code, follow it, rate it (评单), and read a wall's public
board (公示) with residents' personal data masked.
"""

from __future__ import annotations

import html
from datetime import date
from typing import NamedTuple

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zugong.core.errors import DomainError, NotFound
from zugong.masswork import selectors
from zugong.masswork.forms import PublicOrderForm, PublicRateForm
from zugong.masswork.models import OrderStatus, Rating, ServiceOrder
from zugong.masswork.params import int_param
from zugong.masswork.services import orders as order_services
from zugong.masswork.services.public import Throttled, photo_max_bytes, public_order_place
from zugong.masswork.services.validation import mask_name

FORM_OVERHEAD_BYTES = 64 * 1024  # the text fields and multipart framing around the photo


def client_address(request: HttpRequest) -> str:
    # Behind a reverse proxy, configure it to set REMOTE_ADDR (see docs/masswork.md).
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "masswork/public/not_found.html", {"message": message}, status=404)


def _body_too_large(request: HttpRequest) -> bool:
    """Refuse before Django parses the body: an oversized upload never reaches the disk."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > photo_max_bytes() + FORM_OVERHEAD_BYTES


def _query_id(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 10 else None


def _choice_step(request: HttpRequest) -> HttpResponse:
    """Before the form: the county, then the community (links a thumb can hit; no script needed)."""
    county_id = _query_id(request, "county")
    communities = selectors.public_communities(county_id) if county_id is not None else []
    return render(request, "masswork/public/order_choose.html", {
        "counties": [] if communities else selectors.public_counties(), "communities": communities,
        "dispatch_days": int_param("R16", "days")})


@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest) -> HttpResponse:
    community_id = _query_id(request, "community")
    if request.method == "POST" and _body_too_large(request):
        too_large = _("提交内容过大，照片不能超过 %(mb)s MB") % {"mb": photo_max_bytes() // (1024 * 1024)}
        return render(request, "masswork/public/order_new.html", {
            "form": PublicOrderForm(community_id=community_id), "dispatch_days": int_param("R16", "days"),
            "too_large": too_large}, status=413)
    if request.method != "POST" and community_id is None:
        return _choice_step(request)
    form = PublicOrderForm(request.POST or None, request.FILES or None, community_id=community_id)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wall = selectors.public_wall(data["wall"])
            order = public_order_place(
                wall=wall, resident_name=data["resident_name"], resident_phone=data["resident_phone"],
                description=data["description"], category=data["category"], address=data["address"],
                photo=data.get("photo"), client_address=client_address(request))
        except Throttled as exc:
            form.add_error(None, exc.message)
            status = 429
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 400
        else:
            return HttpResponseRedirect(reverse("masswork-public:track", args=[order.tracking_code]) + "?new=1")
    elif request.method == "POST":
        status = 400
    return render(request, "masswork/public/order_new.html",
                  {"form": form, "dispatch_days": int_param("R16", "days")}, status=status)





def track_lookup(request: HttpRequest) -> HttpResponse:
    code = selectors.normalise_tracking_code(request.GET.get("code", ""))
    if code and not (code.isascii() and code.isalnum()):  # `a/b` would be no URL at all: no such code
        return _not_found(request, "查询码不存在，请核对后重新输入")
    if code:
        return HttpResponseRedirect(reverse("masswork-public:track", args=[code]))
    return render(request, "masswork/public/track_lookup.html")


def _order_or_404(code: str) -> ServiceOrder:
    return selectors.order_by_tracking_code(code)


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, code: str) -> HttpResponse:
    try:
        order = _order_or_404(code)
    except NotFound as exc:
        return _not_found(request, exc.message)
    form = PublicRateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order_services.order_rate(actor=None, order_id=order.pk, rating=form.cleaned_data["rating"],
                                          reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = 409 if exc.status == 409 else 400
            else:
                return HttpResponseRedirect(reverse("masswork-public:track", args=[order.tracking_code]) + "?rated=1")
        else:
            status = 400
    events = order.events.select_related("member").all()
    return render(request, "masswork/public/track.html", {
        "order": order, "form": form, "events": events, "masked_name": mask_name(order.resident_name),
        "may_rate": OrderStatus.RATED in order_services.next_states(order.status),
        "is_new": request.GET.get("new") == "1", "rated": request.GET.get("rated") == "1",
    }, status=status)


def wall_board(request: HttpRequest, wall_id: int) -> HttpResponse:
    try:
        board = selectors.public_board_of(wall_id)
    except NotFound as exc:
        return _not_found(request, exc.message)
    return render(request, "masswork/public/board.html", {"board": board, "rows_html": rows_html(board_rows(board))})


class BoardRow(NamedTuple):
    """One row of the board, as plain strings and days (a tuple: 50 rows a page, built on every read)."""

    ordered: date  # the local calendar day (the selector reads it so)
    resident: str
    request: str
    member: str
    dispatched: date | None
    outcome: str
    rating: str

    @property
    def cells(self) -> SafeString:
        """The row's seven cells, escaped: one template variable a row instead of nine (on a 50-row board the
        template's variable lookups cost more than its query; issue 17, item 7). Every value is a plain `str`,
        so `html.escape` is what Django's `escape` would do, without its lazy-string wrapper per cell; the days
        are ISO dates (`formats.DAY`), digits and dashes that need no escaping."""
        texts = (self.resident, self.request, self.member)
        return mark_safe(f"<td>{self.ordered.isoformat()}</td>"  # escaped below or ISO digits
                         + "".join(f"<td>{html.escape(v)}</td>" for v in texts)
                         + f"<td>{self.dispatched.isoformat() if self.dispatched is not None else '—'}</td>"
                         f"<td>{html.escape(self.outcome)}</td><td>{html.escape(self.rating)}</td>")


def rows_html(rows: list[BoardRow]) -> SafeString:
    """Every row of the board as one string of `<tr>`s: the template prints it once instead of looping."""
    return mark_safe("".join(f"<tr>{row.cells}</tr>" for row in rows))  # cells are escaped


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def board_rows(board: selectors.Board) -> list[BoardRow]:
    """The 公示 rows as plain strings (`str`, never a lazy translation: `BoardRow.cells` escapes them as such)."""
    statuses = {k: str(v) for k, v in OrderStatus.choices}
    ratings = {k: str(v) for k, v in Rating.choices}
    waiting = str(_("待派单"))
    return [BoardRow(ordered, mask_name(resident), _cut(description), member or waiting, dispatched,
                     _cut(report) if report else statuses[status], ratings.get(rating, "—"))
            for ordered, resident, description, member, dispatched, report, status, rating, *_ in board.rows]


def wall_index(request: HttpRequest) -> HttpResponse:
    """The boards, found like the order form: county, then community, then that community's walls."""
    county_id, community_id = _query_id(request, "county"), _query_id(request, "community")
    walls = list(selectors.public_walls().filter(community_id=community_id)) if community_id is not None else []
    communities = selectors.public_communities(county_id) if county_id is not None and not walls else []
    counties = selectors.public_counties() if not walls and not communities else []
    return render(request, "masswork/public/walls.html", {
        "walls": walls, "communities": communities, "counties": counties})
