"""Staff pages under /masswork/: the order list and dispatch, household visits (phone form),
printable pairing cards, petitions (masked) with their statistics.

Every page goes through `@page(action=...)` (login, the permission table, the Chinese 403/404/409
page); a POST that fails re-shows the page with the service's message. The steps a page offers come
from the state machines (`next_states`), never from the template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError, ValidationFailed
from zugong.core.forms import ScopedForm
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page
from zugong.masswork import forms, selectors
from zugong.masswork.models import OrderStatus, Petition, PetitionStatus, ServiceOrder
from zugong.masswork.petition_reports import petition_promise, petition_stats
from zugong.masswork.services import orders as order_services
from zugong.masswork.services import petitions as petition_services
from zugong.masswork.services.orders import resident_name_shown, resident_phone_shown
from zugong.masswork.services.petitions import may_see_identity, petitioner_identity
from zugong.masswork.services.visits import household_visit_record

# The action of the permission table behind each step of the order state machine.
ORDER_STEP_ACTION: dict[str, str] = {
    OrderStatus.DISPATCHED: "masswork.order_dispatch",
    OrderStatus.ACCEPTED: "masswork.order_accept",
    OrderStatus.DONE: "masswork.order_complete",
    OrderStatus.RATED: "masswork.order_rate_on_behalf",
    OrderStatus.FOLLOW_UP: "masswork.order_rate_on_behalf",
    OrderStatus.EXPLAINED: "masswork.order_explain",
}


@page(action="masswork.order_view", methods=("GET", "HEAD"))
def index(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    form = forms.OrderFilterForm(request.GET, jurisdiction=jurisdiction)
    status = overdue = None
    if form.is_valid():
        status, overdue = form.cleaned_data["status"], form.cleaned_data["overdue"]
    today = timezone.localdate()
    orders = selectors.order_list(jurisdiction, status=status or "", overdue_on=today if overdue else None,
                                  limit=100)
    stats = selectors.order_stats(selectors.orders_visible(jurisdiction), today=today)
    return render(request, "masswork/index.html", {
        "orders": orders, "stats": stats, "form": form, "today": today, "waiting": OrderStatus.ORDERED,
        "may_place": may(jurisdiction, "masswork.order_place")})


@page(action="masswork.order_place", methods=("GET", "HEAD", "POST"))
def order_new(request: AuthedRequest) -> HttpResponse:
    """代群众点单: staff take down an order given by phone, letter, QQ, WeChat or in person."""
    j = request.jurisdiction
    return form_page(
        request, forms.OrderIntakeForm(request.POST or None, jurisdiction=j), template="masswork/order_form.html",
        # The tracking code is told to the resident once, here; the order page does not show it (a member
        # holding the order must not rate their own work with it).
        saved=lambda order: _("点单已登记。请告知群众查询码 %(code)s，凭码查询和评单。") % {"code": order.tracking_code},
        done=lambda order: reverse("masswork:order", args=[order.pk]),
        save=lambda d: order_services.order_place(
            actor=request.user, jurisdiction=j, wall=d["wall"], channel=d["channel"], category=d["category"],
            urgency=d["urgency"], resident_name=d["resident_name"], resident_phone=d["resident_phone"],
            description=d["description"], address=d["address"]))


@page(action="masswork.order_view", methods=("GET", "HEAD"))
def walls(request: AuthedRequest) -> HttpResponse:
    """The walls of the jurisdiction with how many members each has registered."""
    j = request.jurisdiction
    rows = list(selectors.walls_visible(j).annotate(n_members=Count("members", filter=Q(members__is_active=True)))
                .order_by("community__path", "pk")[:200])
    return render(request, "masswork/walls.html", {"rows": rows, "may_create": may(j, "masswork.wall_create")})


@page(action="masswork.wall_create", methods=("GET", "HEAD", "POST"))
def wall_new(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    return form_page(
        request, forms.WallForm(request.POST or None, jurisdiction=j), template="masswork/wall_form.html",
        saved=_("民心墙已设立"), done=lambda wall: reverse("masswork:wall", args=[wall.pk]),
        save=lambda d: order_services.wall_create(actor=request.user, jurisdiction=j, org_unit=d["org_unit"],
                                                  community=d["community"], name=d["name"], location=d["location"]))


@page(action="masswork.order_view", methods=("GET", "HEAD"))
def wall_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One wall: its members (with their own accounts) and what each has handled."""
    j = request.jurisdiction
    wall = selectors.wall_get(j, pk)
    members = list(wall.members.select_related("user").order_by("name", "pk"))
    stats = {row.member_id: row for row in selectors.member_stats(wall)}
    return render(request, "masswork/wall_detail.html", {
        "wall": wall, "rows": [(m, stats.get(m.pk)) for m in members],
        "may_register": may(j, "masswork.member_register", wall.org_unit),
        "may_locate": may(j, "masswork.wall_locate", wall.org_unit)})


@page(action="masswork.member_register", methods=("GET", "HEAD", "POST"), scope=selectors.walls_visible,
      by="pk")
def member_new(request: AuthedRequest, pk: int) -> HttpResponse:
    j = request.jurisdiction
    wall = selectors.wall_get(j, pk)
    return form_page(
        request, forms.MemberForm(request.POST or None, jurisdiction=j), template="masswork/member_form.html",
        saved=_("在职党员已登记"), done=reverse("masswork:wall", args=[wall.pk]), context={"wall": wall},
        save=lambda d: order_services.member_register(
            actor=request.user, jurisdiction=j, wall=wall, name=d["name"], specialties=d["specialties"],
            claimed_posts=",".join(d["claimed_posts"]), work_unit=d["work_unit"], phone=d["phone"],
            user_id=d["user"].pk if d["user"] else None))


def order_steps(request: AuthedRequest, order: ServiceOrder) -> set[str]:
    """The next states of the order that this person's roles allow (what the page offers); 接单 only to
    the member who holds the order (staff never accept in a member's name)."""
    holder = order.member.user_id if order.member else None
    return {to for to in order_services.next_states(order.status)
            if may(request.jurisdiction, ORDER_STEP_ACTION[to], order.org_unit)
            and (to != OrderStatus.ACCEPTED or holder == request.user.pk)}


def _dispatch_form(request: AuthedRequest, order: ServiceOrder) -> forms.DispatchForm:
    ranked = [(s.member, _("%(name)s（特长匹配 %(hits)s，%(post)s在办 %(load)s）") % {
        "name": s.member.name, "hits": s.specialty_hits, "load": s.load,
        "post": _("认领该岗位，") if s.claims_post else ""}) for s in selectors.member_suggestions(order)]
    data = request.POST if request.method == "POST" else None
    return forms.DispatchForm(data, jurisdiction=request.jurisdiction, order=order, ranked=ranked)


# What each button of an order's and a petition's page needs (the form's `action` field): checked before the
# form is read, like the API's operations beside them.
ORDER_STEPS = {"dispatch": "masswork.order_dispatch", "accept": "masswork.order_accept",
               "complete": "masswork.order_complete", "explain": "masswork.order_explain"}
PETITION_STEPS = dict.fromkeys(("accept", "reject", "extend", "close", "satisfaction", "transfer", "take"),
                               "masswork.petition_handle")


@page(action="masswork.order_view", methods=("GET", "HEAD", "POST"), writes=ORDER_STEPS, key="action",
      scope=selectors.orders_visible, by="pk")
def order_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(request.jurisdiction, pk)
    if request.method == "POST":
        return _order_action(request, order)
    steps = order_steps(request, order)
    j = request.jurisdiction
    reveal = request.GET.get("reveal") == "phone"  # a full view is allowed by role and logged
    return render(request, "masswork/order_detail.html", {
        "order": order, "steps": steps, "redispatch": order.status == OrderStatus.FOLLOW_UP,
        "resident_name": resident_name_shown(jurisdiction=j, order=order),
        "phone": resident_phone_shown(user=request.user, jurisdiction=j, order=order, reveal=reveal),
        "phone_revealed": reveal, "may_reveal_phone": may(j, "masswork.resident_phone_view", order.org_unit),
        "may_review_photo": bool(order.photo) and may(j, "masswork.order_photo_publish", order.org_unit),
        "dispatch_form": _dispatch_form(request, order) if OrderStatus.DISPATCHED in steps else None,
        "complete_form": forms.CompleteForm(jurisdiction=j, auto_id="mw-%s"),
        "explain_form": forms.ExplainForm(jurisdiction=j, auto_id="mw-%s"),
        "rating_form": forms.PhoneRatingForm(jurisdiction=j, auto_id="mw-%s"),
        "events": order.events.select_related("member").all()})


def _order_action(request: AuthedRequest, order: ServiceOrder) -> HttpResponse:
    j, actor = request.jurisdiction, request.user
    action = request.POST.get("action", "")
    try:
        if action == "dispatch":
            form = _dispatch_form(request, order)
            _require_valid(form)
            order_services.order_dispatch(actor=actor, jurisdiction=j, order_id=order.pk,
                                          member_id=form.cleaned_data["member_id"].pk)
        elif action == "accept":
            order_services.order_accept(actor=actor, jurisdiction=j, order_id=order.pk)
        elif action == "complete":
            complete = forms.CompleteForm(request.POST, jurisdiction=j)
            _require_valid(complete)
            order_services.order_complete(actor=actor, jurisdiction=j, order_id=order.pk,
                                          report=complete.cleaned_data["report"])
        elif action == "explain":
            explain = forms.ExplainForm(request.POST, jurisdiction=j)
            _require_valid(explain)
            order_services.order_explain(actor=actor, jurisdiction=j, order_id=order.pk,
                                         explanation=explain.cleaned_data["explanation"])
        else:
            raise ValidationFailed(_("未知的操作"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存"))
    return HttpResponseRedirect(reverse("masswork:order", args=[order.pk]))


def form_page(request: AuthedRequest, form: ScopedForm, *, template: str, save: Callable[[dict[str, Any]], Any],
              done: str | Callable[[Any], str], saved: str | Callable[[Any], str],
              context: dict[str, Any] | None = None) -> HttpResponse:
    """GET shows the form; a valid POST calls `save` and redirects to `done` (or `done(saved row)`). A
    mistake (400) or a conflict (409) is shown in the form; a permission refusal (403, 404) is the
    refusal page of `@page`."""
    if request.method == "POST" and form.is_valid():
        try:
            row = save(form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, saved(row) if callable(saved) else saved)
            return HttpResponseRedirect(done(row) if callable(done) else done)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)


def _require_valid(form: ScopedForm) -> None:
    """A posted form that does not validate: its first message, as the page's error."""
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        raise ValidationFailed(errors[0] if errors else _("请检查填写的内容"))


@page(action="masswork.order_rate_on_behalf", methods=("POST",), scope=selectors.orders_visible, by="pk")
def order_rate_by_phone(request: AuthedRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(request.jurisdiction, pk)
    form = forms.PhoneRatingForm(request.POST, jurisdiction=request.jurisdiction)
    try:
        _require_valid(form)
        order_services.order_rate_on_behalf(actor=request.user, jurisdiction=request.jurisdiction,
                                            order_id=order.pk, rating=form.cleaned_data["rating"],
                                            reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存"))
    return HttpResponseRedirect(reverse("masswork:order", args=[order.pk]))


@page(action="masswork.visit_record", methods=("GET", "HEAD", "POST"))
def visit_new(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    return form_page(
        request, forms.VisitForm(request.POST or None, jurisdiction=j), template="masswork/visit_form.html",
        saved=_("走访记录已保存"), done=reverse("masswork:visit-new"),
        save=lambda d: household_visit_record(actor=request.user, jurisdiction=j, village=d["village"],
                                              cadre=d["cadre"], household=d["household"],
                                              visited_on=d["visited_on"], matters=d["matters"]))


@page(action="masswork.township_view", methods=("GET", "HEAD"))
def pairing_cards(request: AuthedRequest, pk: int) -> HttpResponse:
    """Printable 民情登记卡 / 办结卡 / 联系卡 of one pairing."""
    pairing = selectors.pairing_get(request.jurisdiction, pk)
    return render(request, "masswork/pairing_cards.html", {"pairing": pairing})


@page(action="masswork.petition_view", methods=("GET", "HEAD"))
def petitions(request: AuthedRequest) -> HttpResponse:
    jurisdiction, user = request.jurisdiction, request.user
    form = forms.PetitionStatsForm(request.GET, jurisdiction=jurisdiction)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = selectors.petitions_visible(jurisdiction).order_by("-received_on", "-pk")[:100]
    listed = [(p, petitioner_identity(user=user, jurisdiction=jurisdiction, petition=p, reveal=False)) for p in rows]
    stats = petition_stats(selectors.petitions_visible(jurisdiction), start=start, end=end,
                           today=timezone.localdate())
    return render(request, "masswork/petitions.html", {"rows": listed, "stats": stats, "form": form,
                                                       "may_receive": may(jurisdiction, "masswork.petition_receive")})


@page(action="masswork.petition_view", methods=("GET", "HEAD", "POST"), writes=PETITION_STEPS, key="action",
      scope=selectors.petitions_visible, by="pk")
def petition_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    petition = selectors.petition_get(request.jurisdiction, pk)
    if request.method == "POST":
        try:
            _petition_action(request, petition)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存"))
        return HttpResponseRedirect(reverse("masswork:petition", args=[petition.pk]))
    return render(request, "masswork/petition_detail.html", _petition_context(request, petition))


def _petition_context(request: AuthedRequest, petition: Petition) -> dict[str, object]:
    jurisdiction, user = request.jurisdiction, request.user
    try:
        identity = petitioner_identity(user=user, jurisdiction=jurisdiction, petition=petition,
                                       reveal=request.GET.get("reveal") == "1")
    except DomainError as exc:
        messages.error(request, exc.message)
        identity = petitioner_identity(user=user, jurisdiction=jurisdiction, petition=petition, reveal=False)
    is_owner = petition.owner_id == user.pk
    handles = may(jurisdiction, "masswork.petition_handle", petition.org_unit)
    steps = set(petition_services.next_states(petition.status)) if is_owner and handles else set()
    j = jurisdiction
    return {
        "petition": petition, "identity": identity, "steps": steps, "is_receiver": petition.transfer_to_id == user.pk,
        "may_extend": is_owner and handles and petition_services.petition_extendable(petition),
        "may_transfer": is_owner and handles and petition.status in (PetitionStatus.RECEIVED, PetitionStatus.ACCEPTED),
        "transfer_form": forms.TransferForm(jurisdiction=j, auto_id="mw-%s"),
        "may_rate": handles and petition.status == PetitionStatus.CLOSED,
        "may_reveal": may_see_identity(user=user, jurisdiction=jurisdiction, petition=petition),
        "decide_form": forms.DecideForm(jurisdiction=j, auto_id="mw-%s"),
        "close_form": forms.CloseForm(jurisdiction=j, auto_id="mw-%s"),
        "extend_form": forms.ExtendForm(jurisdiction=j, auto_id="mw-%s"),
        "satisfaction_form": forms.SatisfactionForm(jurisdiction=j, auto_id="mw-%s")}


def _petition_action(request: AuthedRequest, petition: Petition) -> None:
    j, actor, post, pk = request.jurisdiction, request.user, request.POST, petition.pk
    action = post.get("action", "")
    if action in ("accept", "reject"):
        decide = forms.DecideForm(post, jurisdiction=j)
        _require_valid(decide)
        petition_services.petition_decide(actor=actor, jurisdiction=j, petition_id=pk, accept=action == "accept",
                                          note=decide.cleaned_data["note"])
    elif action == "extend":
        extend = forms.ExtendForm(post, jurisdiction=j)
        _require_valid(extend)
        petition_services.petition_extend(actor=actor, jurisdiction=j, petition_id=pk,
                                          reason=extend.cleaned_data["reason"])
    elif action == "close":
        close = forms.CloseForm(post, jurisdiction=j)
        _require_valid(close)
        petition_services.petition_close(actor=actor, jurisdiction=j, petition_id=pk,
                                         reply=close.cleaned_data["reply"])
    elif action == "satisfaction":
        rate = forms.SatisfactionForm(post, jurisdiction=j)
        _require_valid(rate)
        petition_services.petition_rate(actor=actor, jurisdiction=j, petition_id=pk,
                                        satisfaction=rate.cleaned_data["satisfaction"])
    elif action == "transfer":
        transfer = forms.TransferForm(post, jurisdiction=j)
        _require_valid(transfer)
        petition_services.petition_transfer_request(actor=actor, jurisdiction=j, petition_id=pk,
                                                    to_user=transfer.cleaned_data["to_user"])
    elif action == "take":
        petition_services.petition_transfer_accept(actor=actor, jurisdiction=j, petition_id=pk)
    else:
        raise ValidationFailed(_("未知的操作"))


@page(action="masswork.petition_receive", methods=("GET", "HEAD", "POST"))
def petition_new(request: AuthedRequest) -> HttpResponse:
    """登记信访: the receiver becomes the first-contact owner; then the receipt with the 公开承诺."""
    j = request.jurisdiction
    return form_page(
        request, forms.PetitionForm(request.POST or None, jurisdiction=j), template="masswork/petition_form.html",
        saved=_("信访事项已登记"), done=lambda petition: reverse("masswork:petition-receipt", args=[petition.pk]),
        save=lambda d: petition_services.petition_receive(
            actor=request.user, jurisdiction=j, org_unit=d["org_unit"], channel=d["channel"],
            petitioner_name=d["petitioner_name"], subject=d["subject"], content=d["content"],
            received_on=d["received_on"], petitioner_phone=d["petitioner_phone"],
            petitioner_id_number=d["petitioner_id_number"], petitioner_address=d["petitioner_address"],
            visitors=d["visitors"], reception_day=d["reception_day"]))


@page(action="masswork.petition_view", methods=("GET", "HEAD"))
def petition_receipt(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable intake receipt (信访事项登记回执) with the public promise of the time limits."""
    petition = selectors.petition_get(request.jurisdiction, pk)
    identity = petitioner_identity(user=request.user, jurisdiction=request.jurisdiction, petition=petition,
                                   reveal=may_see_identity(user=request.user, jurisdiction=request.jurisdiction,
                                                           petition=petition))
    return render(request, "masswork/petition_receipt.html", {
        "petition": petition, "identity": identity, "promise": petition_promise(petition)})


@page(action="masswork.petition_view", methods=("GET", "HEAD"))
def reception_days(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    rows = list(selectors.reception_days_visible(j).order_by("-day", "pk")[:100])
    return render(request, "masswork/reception_days.html", {
        "rows": rows, "today": timezone.localdate(), "may_record": may(j, "masswork.reception_day_record")})


@page(action="masswork.reception_day_record", methods=("GET", "HEAD", "POST"))
def reception_day_new(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    return form_page(
        request, forms.ReceptionDayForm(request.POST or None, jurisdiction=j),
        template="masswork/reception_day_form.html", saved=_("接访日已安排"), done=reverse("masswork:reception-days"),
        save=lambda d: petition_services.reception_day_schedule(
            actor=request.user, jurisdiction=j, org_unit=d["org_unit"], day=d["day"], leader_name=d["leader_name"],
            leader_title=d["leader_title"], location=d["location"]))


@page(action="masswork.petition_view", methods=("GET", "HEAD", "POST"),
      writes="masswork.reception_day_record", scope=selectors.reception_days_visible, by="pk")
def reception_day_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One reception day, its petitions, and (on or after the day) the record of what happened."""
    j = request.jurisdiction
    row = selectors.reception_day_get(j, pk)
    form = forms.ReceptionRecordForm(request.POST or None, jurisdiction=j, initial={"record": row.record})
    if request.method == "POST" and form.is_valid():
        try:
            petition_services.reception_day_record(actor=request.user, jurisdiction=j, reception_day=row,
                                                   record=form.cleaned_data["record"])
        except DomainError as exc:
            if exc.status in (403, 404):
                raise  # not theirs to record: the refusal page
            form.add_error("record", exc.message)
        else:
            messages.success(request, _("接访情况已登记"))
            return HttpResponseRedirect(reverse("masswork:reception-day", args=[row.pk]))
    petitions = list(selectors.petitions_visible(j).filter(reception_day=row).order_by("pk")[:100])
    status = 400 if request.method == "POST" else 200
    return render(request, "masswork/reception_day_detail.html", {
        "row": row, "form": form, "petitions": petitions, "today": timezone.localdate(),
        "may_record": may(j, "masswork.reception_day_record", row.org_unit)}, status=status)
