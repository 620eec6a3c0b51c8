"""The menu entries of mass work: each opens a list page whose `@page` action is the entry's action, so
a person sees exactly the entries they may open (群众工作: orders, petitions, reception days;
基层: ledger, visits, pairings, duty, in-village days)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zugong.core.nav import NavItem

NAV = (
    NavItem("masswork", _("民心墙"), "masswork:index", "masswork.order_view", "masswork", order=50),
    NavItem("masswork-order-new", _("代群众点单"), "masswork:order-new", "masswork.order_place", "masswork",
            order=50),
    NavItem("masswork-walls", _("民心墙与在职党员"), "masswork:walls", "masswork.order_view", "masswork", order=50),
    NavItem("masswork-petitions", _("信访"), "masswork:petitions", "masswork.petition_view", "masswork", order=51),
    NavItem("masswork-petition-new", _("登记信访"), "masswork:petition-new", "masswork.petition_receive",
            "masswork", order=52),
    NavItem("masswork-reception", _("领导接访日"), "masswork:reception-days", "masswork.petition_view",
            "masswork", order=53),
    NavItem("masswork-ledger", _("民情台账"), "masswork:ledger", "masswork.township_view", "grassroots", order=59),
    NavItem("masswork-visit", _("走访登记"), "masswork:visit-new", "masswork.visit_record", "grassroots", order=60),
    NavItem("masswork-pairings", _("结对帮扶"), "masswork:pairings", "masswork.township_view", "grassroots",
            order=61),
    NavItem("masswork-duty", _("坐班值班"), "masswork:duty", "masswork.township_view", "grassroots", order=62),
    NavItem("masswork-in-village", _("驻村日"), "masswork:in-village-days", "masswork.township_view", "grassroots",
            order=63),
)
