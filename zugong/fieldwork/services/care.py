"""R25 离任村干部关爱: the register (from the roster or entered), the subsidy rule of a county, the yearly
living subsidy for the eligible, hardship help, and the visits at 七一 and 春节."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import Actor, require
from zugong.fieldwork.festivals import LABELS, occasion_of_visit
from zugong.fieldwork.models import CareVisit, HardshipHelp, RetiredVillageCadre, SubsidyPayment, SubsidyRule
from zugong.fieldwork.selectors_care import eligibility


@transaction.atomic
def retiree_register(*, actor: Actor, jurisdiction: Jurisdiction, village: OrgUnit, name: str, posts: str,
                     served_from: date, left_on: date, cadre: Cadre | None = None, roles_after: str = "",
                     in_hardship: bool = False) -> RetiredVillageCadre:
    require(jurisdiction, "fieldwork.retiree_manage", village)
    if village.kind != OrgKind.VILLAGE:
        raise ValidationFailed("请选择一个村", field="village")
    if not name.strip() or not posts.strip():
        raise ValidationFailed("请填写姓名和曾任职务", field="name")
    if left_on < served_from:
        raise ValidationFailed("离任日期不能早于任职起始日期", field="left_on")
    retiree = RetiredVillageCadre.objects.create(village=village, cadre=cadre, name=name.strip()[:40],
                                                 posts=posts.strip()[:200], served_from=served_from, left_on=left_on,
                                                 roles_after=roles_after.strip()[:200], in_hardship=in_hardship)
    audit_record(actor=actor, action="fieldwork.retiree_register", obj=retiree, org_unit=village,
                 summary={"name": retiree.name, "from_roster": cadre is not None})
    return retiree


def retiree_from_roster(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre,
                        left_on: date | None = None) -> RetiredVillageCadre:
    """Register a cadre of the roster who held village posts: the village of the latest one, the posts, the
    first day in them and (unless given) the day the last one ended."""
    holdings = list(cadre.post_holdings.filter(org_unit__kind=OrgKind.VILLAGE).select_related("org_unit")
                    .order_by("valid_from", "pk"))
    if not holdings:
        raise ValidationFailed(f"{cadre.name}在干部档案中没有村级任职记录", field="cadre")
    ended = [h.valid_to for h in holdings if h.valid_to is not None]
    end = left_on or (max(ended) if ended and len(ended) == len(holdings) else None)
    if end is None:
        raise ValidationFailed(f"{cadre.name}仍在村任职，请填写离任日期", field="left_on")
    titles = list(dict.fromkeys(h.title for h in holdings))
    return retiree_register(actor=actor, jurisdiction=jurisdiction, village=holdings[-1].org_unit, name=cadre.name,
                            posts="、".join(titles), served_from=holdings[0].valid_from, left_on=end, cadre=cadre)


@transaction.atomic
def subsidy_rule_set(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, valid_from: date, posts: str,
                     min_years: int, yearly_amount: Decimal) -> SubsidyRule:
    """A new version of the eligibility rule (years served in which posts) and the yearly amount."""
    require(jurisdiction, "fieldwork.subsidy_rule_set", org_unit)
    if min_years < 0 or yearly_amount <= 0:
        raise ValidationFailed("最低任职年限不能为负数，补贴金额应大于零", field="yearly_amount")
    if SubsidyRule.objects.filter(org_unit=org_unit, valid_from=valid_from).exists():
        raise Conflict(f"{org_unit.name}自{valid_from}起已有一版补贴条件")
    rule = SubsidyRule.objects.create(org_unit=org_unit, valid_from=valid_from, posts=posts.strip()[:200],
                                      min_years=min_years, yearly_amount=yearly_amount)
    audit_record(actor=actor, action="fieldwork.subsidy_rule_set", obj=rule, org_unit=org_unit,
                 summary={"valid_from": valid_from.isoformat(), "posts": rule.posts, "min_years": min_years,
                          "yearly_amount": str(yearly_amount)})
    return rule


@transaction.atomic
def subsidy_pay(*, actor: Actor, jurisdiction: Jurisdiction, retiree: RetiredVillageCadre, year: int,
                paid_on: date | None = None) -> SubsidyPayment:
    """The year's living subsidy, of the amount the rule in force on 31 December gives, once a year."""
    require(jurisdiction, "fieldwork.subsidy_pay", retiree.village)
    if not retiree.is_active:
        raise ValidationFailed(f"{retiree.name}已不在册", field="retiree")
    verdict = eligibility(retiree, date(year, 12, 31))
    if not verdict.eligible:
        raise ValidationFailed(f"{retiree.name}不符合生活补贴条件：{verdict.reason}", field="retiree")
    if SubsidyPayment.objects.filter(retiree=retiree, year=year).exists():
        raise Conflict(f"{retiree.name}{year}年的生活补贴已发放")
    payment = SubsidyPayment.objects.create(retiree=retiree, year=year, amount=verdict.amount,
                                            paid_on=paid_on or timezone.localdate())
    audit_record(actor=actor, action="fieldwork.subsidy_pay", obj=payment, org_unit=retiree.village,
                 summary={"retiree": retiree.pk, "year": year, "amount": str(payment.amount)})
    return payment


@transaction.atomic
def hardship_help_record(*, actor: Actor, jurisdiction: Jurisdiction, retiree: RetiredVillageCadre, given_on: date,
                         amount: Decimal | None = None, goods: str = "", note: str = "") -> HardshipHelp:
    require(jurisdiction, "fieldwork.care_record", retiree.village)
    if (amount is None or amount == 0) and not goods.strip():
        raise ValidationFailed("请填写帮扶金额或物资", field="amount")
    if amount is not None and amount < 0:
        raise ValidationFailed("金额不能为负数", field="amount")
    help_row = HardshipHelp.objects.create(retiree=retiree, given_on=given_on, amount=amount or Decimal(0),
                                          goods=goods.strip()[:200], note=note.strip()[:300])
    audit_record(actor=actor, action="fieldwork.hardship_help_record", obj=help_row, org_unit=retiree.village,
                 summary={"retiree": retiree.pk, "amount": str(help_row.amount), "goods": help_row.goods})
    return help_row


@transaction.atomic
def care_visit_record(*, actor: Actor, jurisdiction: Jurisdiction, retiree: RetiredVillageCadre, occasion: str,
                      visited_on: date, visitors: str, note: str = "") -> CareVisit:
    """A visit at 七一 or 春节; it counts for the occasion whose window holds the day (a 春节 visit in
    late December counts for the next year)."""
    require(jurisdiction, "fieldwork.care_record", retiree.village)
    day = occasion_of_visit(occasion, visited_on)
    if not visitors.strip():
        raise ValidationFailed("请填写走访人", field="visitors")
    visit = CareVisit.objects.create(retiree=retiree, occasion=occasion, occasion_date=day, visited_on=visited_on,
                                     visitors=visitors.strip()[:200], note=note.strip()[:300])
    audit_record(actor=actor, action="fieldwork.care_visit_record", obj=visit, org_unit=retiree.village,
                 summary={"retiree": retiree.pk, "occasion": LABELS[occasion], "for": day.isoformat()})
    return visit


@transaction.atomic
def retiree_leave_register(*, actor: Actor, jurisdiction: Jurisdiction, retiree_id: int, reason: str) -> RetiredVillageCadre:
    """Take a retiree off the register (deceased, moved away): no more visits are expected nor subsidies paid."""
    retiree = (RetiredVillageCadre.objects.select_for_update(of=("self",)).select_related("village")
               .filter(pk=retiree_id).first())
    if retiree is None:
        raise NotFound("未找到该离任村干部")
    require(jurisdiction, "fieldwork.retiree_manage", retiree.village)
    if not retiree.is_active:
        raise Conflict(f"{retiree.name}已不在册")
    if not reason.strip():
        raise ValidationFailed("请填写原因", field="reason")
    retiree.is_active = False
    retiree.save(update_fields=["is_active"])
    audit_record(actor=actor, action="fieldwork.retiree_leave_register", obj=retiree, org_unit=retiree.village,
                 summary={"reason": reason.strip()[:200]})
    return retiree
