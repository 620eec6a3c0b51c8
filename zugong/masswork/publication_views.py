"""What staff decide to make public through Open311: a wall's place (lat/long, coverage) and an order's
photo (media_url). Thin pages as in views.py: `@page(action=...)`, one service, the Chinese messages."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError, NotFound, ValidationFailed
from zugong.core.permissions import require
from zugong.core.request import AuthedRequest, page
from zugong.masswork import forms, selectors
from zugong.masswork.services.orders import order_photo_publish
from zugong.masswork.services.public import PHOTO_DIR
from zugong.masswork.services.walls import MAX_COVERAGE_M, MIN_COVERAGE_M, wall_locate
from zugong.masswork.views import form_page

PHOTO_STEPS = {"publish": True, "withdraw": False}


@page(action="masswork.wall_locate", methods=("GET", "HEAD", "POST"), scope=selectors.walls_visible, by="pk")
def wall_location(request: AuthedRequest, pk: int) -> HttpResponse:
    j = request.jurisdiction
    wall = selectors.wall_get(j, pk)
    require(j, "masswork.wall_locate", wall.org_unit)
    initial = {"lat": wall.lat, "long": wall.long, "coverage_m": wall.coverage_m}
    return form_page(
        request, forms.WallLocationForm(request.POST or None, jurisdiction=j, initial=initial),
        template="masswork/wall_location.html",
        context={"wall": wall, "min_coverage": MIN_COVERAGE_M, "max_coverage": MAX_COVERAGE_M},
        saved=_("民心墙位置已保存"), done=reverse("masswork:wall", args=[wall.pk]),
        save=lambda d: wall_locate(actor=request.user, jurisdiction=j, wall_id=wall.pk, lat=d["lat"],
                                   long=d["long"], coverage_m=d["coverage_m"]))


@page(action="masswork.order_photo_publish", methods=("GET", "HEAD", "POST"), scope=selectors.orders_visible,
      by="pk")
def order_photo(request: AuthedRequest, pk: int) -> HttpResponse:
    """The resident's photo, whether it is published, and the step to approve or withdraw it."""
    j = request.jurisdiction
    order = selectors.order_get(j, pk)
    require(j, "masswork.order_photo_publish", order.org_unit)
    if request.method != "POST":
        return render(request, "masswork/order_photo.html", {"order": order})
    try:
        step = request.POST.get("action", "")
        if step not in PHOTO_STEPS:
            raise ValidationFailed(_("未知的操作"))
        order_photo_publish(actor=request.user, jurisdiction=j, order_id=order.pk, published=PHOTO_STEPS[step])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("照片已审核公开") if PHOTO_STEPS[step] else _("照片已撤回，不再公开"))
    return HttpResponseRedirect(reverse("masswork:order-photo", args=[order.pk]))


@page(action="masswork.order_photo_publish", methods=("GET", "HEAD"))
def order_photo_file(request: AuthedRequest, pk: int) -> HttpResponse:
    """The photo itself, for the staff who decide (published or not); never cached by the browser."""
    order = selectors.order_get(request.jurisdiction, pk)
    require(request.jurisdiction, "masswork.order_photo_publish", order.org_unit)
    path = Path(settings.MEDIA_ROOT) / PHOTO_DIR / order.photo
    if not order.photo or not path.is_file():
        raise NotFound(_("该点单没有照片"))
    # Stored photos are re-encoded JPEGs of at most ZUGONG_MASSWORK_PHOTO_MAX_BYTES (services/public.py).
    response = HttpResponse(path.read_bytes(), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
