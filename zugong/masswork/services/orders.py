"""The wish wall's order lifecycle (R16): 点单 → 派单 → 接单 → 办结 → 评单, and the follow-up of
an unsatisfied rating (explanation of an objective cause, or re-dispatch with a new deadline)."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from zugong.core.audit import access_record, audit_record
from zugong.core.calendar import add_days
from zugong.core.errors import Forbidden, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, may, require
from zugong.masswork.locks import lock_order
from zugong.masswork.models import (
    ORDER_ALLOWED,
    Channel,
    Member,
    OrderEvent,
    OrderStatus,
    Rating,
    ServiceCategory,
    ServiceOrder,
    Urgency,
    Wall,
)
from zugong.masswork.params import bool_param, int_param
from zugong.masswork.services.validation import clean_phone, clean_text, mask_name, mask_phone

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
_CODE_LENGTH = 12  # 32**12 = 2**60 codes

REFUSALS: dict[str, str] = {
    OrderStatus.DISPATCHED: "该点单已派单，不能重复派单",
    OrderStatus.ACCEPTED: "该点单已由党员接单，不能再派单",
}


def new_tracking_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))


def dispatch_deadline(ordered_on: date, *, wall: Wall) -> date:
    days = int_param("R16", "days", org_unit=wall.org_unit, on=ordered_on)
    workdays = bool_param("R16", "workdays", org_unit=wall.org_unit, on=ordered_on)
    return add_days(ordered_on, days, workdays=workdays)


def next_states(status: str) -> list[str]:
    """The states an order in `status` may move to, in the order of the procedure (for the pages)."""
    return [s for s in OrderStatus.values if s in ORDER_ALLOWED[status]]


def _transition(order: ServiceOrder, to: str, *, member: Member | None = None, note: str = "") -> list[str]:
    """Check `ORDER_ALLOWED`, log the step; returns the fields the caller saves."""
    if to not in ORDER_ALLOWED[order.status]:
        message = REFUSALS.get(order.status) if to == OrderStatus.DISPATCHED else None
        raise IllegalTransition(message or f"点单当前状态为“{order.get_status_display()}”，不能执行该操作"
                                           f"（不能转为“{OrderStatus(to).label}”）")
    OrderEvent.objects.create(order=order, from_status=order.status, to_status=to, member=member, note=note)
    order.status = to
    order.updated_at = timezone.now()
    return ["status", "updated_at"]


def _require_member_or_staff(actor: Actor, jurisdiction: Jurisdiction, order: ServiceOrder, action: str) -> None:
    """The table allows the action; a plain member (no dispatcher role) only on the order they hold."""
    require(jurisdiction, action, order.org_unit)
    if may(jurisdiction, "masswork.order_dispatch", order.org_unit):
        return
    member_user = order.member.user_id if order.member else None
    if actor is None or member_user != actor.pk:
        raise Forbidden("只有承办党员本人或党小组长可以办理该点单")


def _contact_phone(value: str, channel: str) -> str:
    return "" if channel == Channel.OPEN311 and not value.strip() else clean_phone(value)


def _contact_email(value: str) -> str:
    email = value.strip()
    try:
        validate_email(email) if email else None
    except DjangoValidationError as exc:
        raise ValidationFailed("电子邮箱格式不正确", field="email") from exc
    return email


@transaction.atomic
def order_place(
    *, actor: Actor, jurisdiction: Jurisdiction, wall: Wall, channel: str, resident_name: str,
    resident_phone: str, description: str, category: str = ServiceCategory.OTHER, urgency: int = Urgency.NORMAL,
    address: str = "", lat: float | None = None, long: float | None = None, photo: str = "",
    ordered_at: datetime | None = None, resident_email: str = "",
) -> ServiceOrder:
    """An order taken down by staff, or (actor None, jurisdiction SYSTEM) placed by a resident.

    A phone is required, except through Open311, whose contact may be a phone, an e-mail or none
    (GeoReport v2, POST Service Request: every contact field is optional)."""
    require(jurisdiction, "masswork.order_place", wall.org_unit)
    if not wall.is_active:
        raise ValidationFailed("该民心墙已停用", field="wall")
    if channel not in Channel.values:
        raise ValidationFailed("点单方式不正确", field="channel")
    if category not in ServiceCategory.values:
        raise ValidationFailed("服务类别不正确", field="category")
    if urgency not in Urgency.values:
        raise ValidationFailed("轻重缓急不正确", field="urgency")
    moment = ordered_at or timezone.now()
    order = ServiceOrder.objects.create(
        wall=wall, org_unit_id=wall.org_unit_id, tracking_code=new_tracking_code(), channel=channel,
        category=category, urgency=urgency,
        resident_name=clean_text(resident_name, field="name", label="姓名", max_length=40),
        resident_phone=_contact_phone(resident_phone, channel), resident_email=_contact_email(resident_email),
        address=clean_text(address, field="address", label="地址", max_length=200, required=False),
        lat=lat, long=long,
        description=clean_text(description, field="description", label="需求内容", max_length=2000),
        photo=photo, ordered_at=moment, updated_at=moment,
        dispatch_due=dispatch_deadline(timezone.localdate(moment), wall=wall),
    )
    OrderEvent.objects.create(order=order, occurred_at=moment, to_status=OrderStatus.ORDERED)
    audit_record(actor=actor, action="masswork.order_place", obj=order, org_unit=wall.org_unit,
                 summary={"wall": wall.pk, "channel": channel, "category": category})
    return order


@transaction.atomic
def order_dispatch(
    *, actor: Actor, jurisdiction: Jurisdiction, order_id: int, member_id: int, handle_due: date | None = None,
) -> ServiceOrder:
    """One matter to one member. Also the re-dispatch after an unsatisfied rating, with a new deadline."""
    order = lock_order(order_id)
    require(jurisdiction, "masswork.order_dispatch", order.org_unit)
    member = Member.objects.filter(pk=member_id, wall_id=order.wall_id, is_active=True).first()
    if member is None:
        raise ValidationFailed("该党员不在本民心墙的在职党员名单中", field="member_id")
    today = timezone.localdate()
    if handle_due is not None and handle_due < today:
        raise ValidationFailed("办理期限不能早于今天", field="handle_due")
    redispatch = order.status == OrderStatus.FOLLOW_UP
    fields = _transition(order, OrderStatus.DISPATCHED, member=member, note="重新派单" if redispatch else "")
    order.member = member
    order.dispatched_at = timezone.now()
    order.dispatched_by_id = actor.pk if actor is not None else None
    order.dispatch_count += 1
    order.handle_due = handle_due or add_days(today, int_param("R16", "handle_days", org_unit=order.org_unit),
                                              workdays=False)
    fields += ["member", "dispatched_at", "dispatched_by", "dispatch_count", "handle_due"]
    if redispatch:
        order.accepted_at = order.done_at = order.rated_at = order.rated_by = None
        fields += ["accepted_at", "done_at", "rated_at", "rated_by"]
    order.save(update_fields=fields)
    audit_record(actor=actor, action="masswork.order_dispatch", obj=order, org_unit=order.org_unit,
                 summary={"member": member.pk, "due": order.handle_due, "redispatch": redispatch})
    return order


@transaction.atomic
def order_accept(*, actor: Actor, jurisdiction: Jurisdiction, order_id: int) -> ServiceOrder:
    """接单 is the member's own act: only the member who holds the order (never staff in their name)."""
    order = lock_order(order_id)
    require(jurisdiction, "masswork.order_accept", order.org_unit)
    holder = order.member.user_id if order.member else None
    if OrderStatus.ACCEPTED in ORDER_ALLOWED[order.status] and (actor is None or holder != actor.pk):
        raise Forbidden("只有承办党员本人可以接单")
    fields = _transition(order, OrderStatus.ACCEPTED, member=order.member)
    order.accepted_at = timezone.now()
    order.save(update_fields=[*fields, "accepted_at"])
    audit_record(actor=actor, action="masswork.order_accept", obj=order, org_unit=order.org_unit)
    return order


@transaction.atomic
def order_complete(*, actor: Actor, jurisdiction: Jurisdiction, order_id: int, report: str) -> ServiceOrder:
    order = lock_order(order_id)
    _require_member_or_staff(actor, jurisdiction, order, "masswork.order_complete")
    text = clean_text(report, field="report", label="办理情况", max_length=2000)
    fields = _transition(order, OrderStatus.DONE, member=order.member, note=text)
    order.report = text
    order.done_at = timezone.now()
    order.save(update_fields=[*fields, "report", "done_at"])
    audit_record(actor=actor, action="masswork.order_complete", obj=order, org_unit=order.org_unit)
    return order


def _rate(order: ServiceOrder, *, rating: str, reason: str, note: str = "") -> list[str]:
    """评单 on a locked order: 不满意 needs a reason and opens a follow-up."""
    if rating not in Rating.values:
        raise ValidationFailed("请选择“满意”“基本满意”或“不满意”", field="rating")
    why = clean_text(reason, field="reason", label="不满意原因", max_length=1000,
                     required=rating == Rating.UNSATISFIED)
    to = OrderStatus.FOLLOW_UP if rating == Rating.UNSATISFIED else OrderStatus.RATED
    if order.status != OrderStatus.DONE:
        raise IllegalTransition("该点单尚未办结或已经评价，不能评单")
    fields = _transition(order, to, note=" ".join(t for t in (note, why) if t))
    order.rating, order.rating_reason, order.rated_at = rating, why, timezone.now()
    return [*fields, "rating", "rating_reason", "rated_at"]


@transaction.atomic
def order_rate(*, actor: Actor, order_id: int, rating: str, reason: str = "") -> ServiceOrder:
    """The resident's 评单 on the public page: holding the tracking code is the permission (no role)."""
    order = lock_order(order_id)
    order.save(update_fields=_rate(order, rating=rating, reason=reason))
    audit_record(actor=actor, action="masswork.order_rate", obj=order, org_unit=order.org_unit,
                 summary={"rating": rating})
    return order


@transaction.atomic
def order_rate_on_behalf(*, actor: Actor, jurisdiction: Jurisdiction, order_id: int, rating: str,
                         reason: str = "") -> ServiceOrder:
    """代评: a rating the resident gave by phone, recorded by the party group (never by the member), with
    who recorded it on the order and in its timeline."""
    order = lock_order(order_id)
    require(jurisdiction, "masswork.order_rate_on_behalf", order.org_unit)
    if actor is None:
        raise Forbidden("代评必须由工作人员本人登记")
    who = actor.get_full_name() or actor.username
    fields = _rate(order, rating=rating, reason=reason, note=f"电话回访代评（登记人 {who}）")
    order.rated_by = actor
    order.save(update_fields=[*fields, "rated_by"])
    audit_record(actor=actor, action="masswork.order_rate_on_behalf", obj=order, org_unit=order.org_unit,
                 summary={"rating": rating, "rated_by": actor.pk})
    return order


def resident_name_shown(*, jurisdiction: Jurisdiction, order: ServiceOrder) -> str:
    """The resident's name in full to the staff who call residents back (`masswork.resident_phone_view`),
    masked (张**) to members and leaders (issue 16): they need the request, not who made it."""
    if may(jurisdiction, "masswork.resident_phone_view", order.org_unit):
        return order.resident_name
    return mask_name(order.resident_name)


def resident_phone_shown(*, user: User, jurisdiction: Jurisdiction, order: ServiceOrder, reveal: bool,
                         channel: str = "web") -> str:
    """The resident's phone: masked (138****8000), or in full to a role that may call residents back
    (`masswork.resident_phone_view`; members and leaders may not), each full view an access event."""
    if not reveal:
        return mask_phone(order.resident_phone)
    require(jurisdiction, "masswork.resident_phone_view", order.org_unit)
    access_record(user=user, obj=order, field="resident_phone", org_unit=order.org_unit, channel=channel)
    return order.resident_phone


@transaction.atomic
def order_photo_publish(*, actor: Actor, jurisdiction: Jurisdiction, order_id: int, published: bool) -> ServiceOrder:
    """The staff who dispatch an order decide whether its photo may be shown to the public (Open311 media_url)."""
    order = lock_order(order_id)
    require(jurisdiction, "masswork.order_photo_publish", order.org_unit)
    if published and not order.photo:
        raise ValidationFailed("该点单没有照片，无需审核公开", field="photo")
    order.photo_published = published
    order.save(update_fields=["photo_published"])
    audit_record(actor=actor, action="masswork.order_photo_publish", obj=order, org_unit=order.org_unit,
                 summary={"published": published})
    return order


@transaction.atomic
def order_explain(*, actor: Actor, jurisdiction: Jurisdiction, order_id: int, explanation: str) -> ServiceOrder:
    """Close a follow-up whose cause was objective, with the explanation given to the resident."""
    order = lock_order(order_id)
    require(jurisdiction, "masswork.order_explain", order.org_unit)
    text = clean_text(explanation, field="explanation", label="解释说明", max_length=2000)
    fields = _transition(order, OrderStatus.EXPLAINED, note=text)
    order.explanation = text
    order.save(update_fields=[*fields, "explanation"])
    audit_record(actor=actor, action="masswork.order_explain", obj=order, org_unit=order.org_unit)
    return order


@transaction.atomic
def wall_create(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, community: OrgUnit, name: str,
                location: str = "") -> Wall:
    require(jurisdiction, "masswork.wall_create", org_unit)
    wall = Wall.objects.create(org_unit=org_unit, community=community,
                               name=clean_text(name, field="name", label="名称", max_length=120),
                               location=location.strip()[:200])
    audit_record(actor=actor, action="masswork.wall_create", obj=wall, org_unit=org_unit)
    return wall


def _require_member_account(user_id: int, wall: Wall) -> None:
    """A member's own account must be able to accept the wall's orders (接单 is theirs alone)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not may(jurisdiction_for(user), "masswork.order_accept", wall.org_unit):
        raise ValidationFailed("该账号在本党小组没有接单的权限，请先为其设置在职党员角色", field="user")


@transaction.atomic
def member_register(
    *, actor: Actor, jurisdiction: Jurisdiction, wall: Wall, name: str, specialties: str = "",
    claimed_posts: str = "", work_unit: str = "", phone: str = "", user_id: int | None = None,
) -> Member:
    require(jurisdiction, "masswork.member_register", wall.org_unit)
    if user_id is not None:
        _require_member_account(user_id, wall)
    posts = [p.strip() for p in claimed_posts.replace("，", ",").split(",") if p.strip()]
    unknown = [p for p in posts if p not in ServiceCategory.values]
    if unknown:
        raise ValidationFailed(f"未知的服务岗位：{'、'.join(unknown)}", field="claimed_posts")
    member = Member.objects.create(wall=wall, name=clean_text(name, field="name", label="姓名", max_length=40),
                                   specialties=specialties.strip()[:200], claimed_posts=",".join(posts),
                                   work_unit=work_unit.strip()[:120], phone=phone.strip()[:20], user_id=user_id)
    audit_record(actor=actor, action="masswork.member_register", obj=member, org_unit=wall.org_unit)
    return member
