"""Demo mass work for the first two counties: walls, members and a few hundred orders in every
state; a year of petitions, household visits, pairings, duty check-ins and in-village days — with
some rules kept and some broken (late dispatches, overdue petitions, idle visitors, empty duty days).

History is written with bulk_create and back-dated timestamps (the services stamp "now"); the
audit chain records live work only. The monthly 民情分析会 themselves (R07) come from the rules app's
demo contributor (order 50), which runs after this one; demo ledger entries are therefore unlinked.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from zugong.cadres.models import Cadre, PostHolding
from zugong.core.demo import DemoContext, demo_contributor
from zugong.core.models import Membership, OrgKind, OrgUnit, Role
from zugong.core.names import person_name
from zugong.core.permissions import PERMISSIONS
from zugong.masswork.models import (
    DutyShift,
    HouseholdVisit,
    InVillageDay,
    LedgerEntry,
    LedgerSource,
    Member,
    OrderEvent,
    OrderStatus,
    Pairing,
    Petition,
    PetitionChannel,
    PetitionStatus,
    Rating,
    ServiceCategory,
    ServiceOrder,
    Wall,
)
from zugong.masswork.services.orders import new_tracking_code
from zugong.masswork.services.petitions import tokenize

SPECIALTIES = ["水电维修", "家电维修", "护理", "量血压", "法律咨询", "政策解读", "辅导作业", "心理疏导", "理发",
               "电脑", "驾驶", "书法"]
REQUESTS = {
    ServiceCategory.REPAIR: ["楼道灯坏了，晚上上下楼不方便", "厨房水管漏水", "家里电路跳闸，请帮忙检查"],
    ServiceCategory.ELDERLY: ["独居老人需要每周代买药品", "行动不便，希望有人帮忙打扫", "想学会用智能手机视频通话"],
    ServiceCategory.HEALTH: ["老人需要上门量血压", "希望有人讲讲慢性病用药知识"],
    ServiceCategory.ENVIRONMENT: ["小区垃圾清运不及时", "楼下堆放杂物影响通行"],
    ServiceCategory.POLICY: ["咨询城乡居民医保缴费", "咨询高龄补贴怎么申请"],
    ServiceCategory.EDUCATION: ["孩子数学作业需要辅导", "留守儿童暑期需要看护"],
    ServiceCategory.LEGAL: ["邻里宅基地纠纷需要法律咨询", "讨要工资需要法律援助"],
    ServiceCategory.OTHER: ["希望社区组织一次义诊", "想为老人理发"],
}
PETITION_SUBJECTS = [("宅基地确权", "宅基地确权登记面积与实际不符，请求重新测量"),
                     ("低保审批", "申请城乡居民最低生活保障，审批迟迟没有结果"),
                     ("干部作风", "反映村干部办事拖拉、态度生硬"),
                     ("工资拖欠", "工程完工一年，工资仍未结清"),
                     ("道路修缮", "通村道路年久失修，雨天无法通行"),
                     ("选拔任用", "对某次干部选拔任用结果有疑问，请求说明")]


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _scope(ctx: DemoContext) -> tuple[list[OrgUnit], list[OrgUnit], list[OrgUnit], list[OrgUnit]]:
    counties = ctx.data["counties"][:2]
    paths = [c.path for c in counties]

    def inside(unit: OrgUnit) -> bool:
        return any(unit.path.startswith(p) for p in paths)

    return (counties, [t for t in ctx.data["townships"] if inside(t)], [v for v in ctx.data["villages"] if inside(v)],
            [g for g in ctx.data["party_groups"] if inside(g)])


def _community_of(group: OrgUnit, communities: dict[int, OrgUnit], parents: Mapping[int, int | None]) -> OrgUnit:
    unit_id: int | None = group.pk
    while unit_id is not None and unit_id not in communities:
        unit_id = parents.get(unit_id)
    if unit_id is None:
        raise LookupError(f"党小组 {group.name} 不在社区之下")
    return communities[unit_id]


def _wall_place(index: int) -> dict[str, float | int]:
    """Demo walls on a grid about 3.3 km apart around 千阳县城, each serving 1.5 km: Open311 clients can place
    a request by lat/long at any of them (no random draw, so the rest of the demo stays as it was)."""
    row, column = divmod(index, 20)
    return {"lat": round(34.64 + 0.03 * row, 5), "long": round(107.13 + 0.036 * column, 5), "coverage_m": 1500}


def _walls(ctx: DemoContext, rng: random.Random, groups: list[OrgUnit]) -> list[Wall]:
    communities = {c.pk: c for c in ctx.data["communities"]}
    parents = dict(OrgUnit.objects.filter(kind__in=[OrgKind.PARTY_BRANCH, OrgKind.PARTY_GROUP])
                   .values_list("pk", "parent_id"))
    walls = Wall.objects.bulk_create([
        Wall(org_unit=g, community=(c := _community_of(g, communities, parents)), name=f"{c.name}{g.name}民心墙",
             location=f"{c.name}党群服务中心", **_wall_place(i)) for i, g in enumerate(groups)])
    # A party member's account at a group holds the first registration of that group's wall (接单 is theirs).
    accounts = dict(Membership.objects.filter(org_unit__in=groups, role=Role.MEMBER).order_by("-pk")
                    .values_list("org_unit_id", "user_id"))
    members = []
    for wall in walls:
        for n in range(4):
            posts = rng.sample(ServiceCategory.values, 2)
            members.append(Member(wall=wall, user_id=accounts.get(wall.org_unit_id) if n == 0 else None,
                                  name=person_name(rng, rng.random() < 0.4),
                                  specialties="、".join(rng.sample(SPECIALTIES, 2)), claimed_posts=",".join(posts),
                                  work_unit=rng.choice(["县教育局", "县卫生健康局", "县司法局", "县住建局", "县财政局"])))
    Member.objects.bulk_create(members)
    return walls


def _order_history(order: ServiceOrder, rng: random.Random, today: date) -> list[OrderEvent]:
    """Walk an order through the lifecycle up to a random state, back-dated; some dispatches are late."""
    events = [OrderEvent(order=order, occurred_at=order.ordered_at, to_status=OrderStatus.ORDERED)]
    age = (today - timezone.localdate(order.ordered_at)).days
    target = rng.choices(["ordered", "dispatched", "accepted", "done", "rated", "follow_up", "explained"],
                         weights=[1, 1, 1, 2, 8, 1, 1])[0] if age > 6 else rng.choice(["ordered", "dispatched"])
    if target == "ordered":
        return events
    delay = rng.choices([0, 1, 2, 3, 5, 8], weights=[4, 5, 4, 2, 1, 1])[0]
    moment = order.ordered_at + timedelta(days=min(delay, max(age - 1, 0)), hours=2)
    order.member = rng.choice(order.wall.demo_members)  # type: ignore[attr-defined]
    order.dispatched_at, order.dispatch_count, order.status = moment, 1, OrderStatus.DISPATCHED
    order.handle_due = timezone.localdate(moment) + timedelta(days=7)
    events.append(OrderEvent(order=order, occurred_at=moment, from_status="ordered", to_status="dispatched",
                             member=order.member))
    for step, hours in (("accepted", 5), ("done", 30)):
        if target == "dispatched" or (target == "accepted" and step == "done"):
            break
        moment += timedelta(hours=hours)
        events.append(OrderEvent(order=order, occurred_at=moment, from_status=order.status, to_status=step,
                                 member=order.member))
        order.status = step
        if step == "accepted":
            order.accepted_at = moment
        else:
            order.done_at, order.report = moment, "已上门办理，问题已解决"
    if target in ("rated", "follow_up", "explained"):
        moment += timedelta(days=1)
        order.rating = Rating.UNSATISFIED if target != "rated" else rng.choices(
            [Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED], weights=[8, 3, 0])[0]
        order.rating_reason = "问题没有彻底解决" if order.rating == Rating.UNSATISFIED else ""
        order.rated_at, order.status = moment, OrderStatus.RATED if target == "rated" else OrderStatus.FOLLOW_UP
        events.append(OrderEvent(order=order, occurred_at=moment, from_status="done", to_status=order.status))
    if target == "explained":
        moment += timedelta(days=1)
        order.explanation, order.status = "属供电部门维修范围，已协调报修并向居民解释", OrderStatus.EXPLAINED
        events.append(OrderEvent(order=order, occurred_at=moment, from_status="follow_up", to_status="explained"))
    order.updated_at = moment
    return events


def _not_after(orders: list[ServiceOrder], events: list[OrderEvent], now: datetime) -> None:
    """No step in the future: the demo runs at any hour, and a back-dated order placed "today at 20:00"
    must not be dated after the moment it is loaded; an order is never updated before it was placed."""
    for event in events:
        event.occurred_at = min(event.occurred_at, now)
    for order in orders:
        for field in ("ordered_at", "dispatched_at", "accepted_at", "done_at", "rated_at"):
            value = getattr(order, field)
            if value is not None and value > now:
                setattr(order, field, now)
        order.updated_at = max(min(order.updated_at, now), order.ordered_at)


def _orders(ctx: DemoContext, rng: random.Random, walls: list[Wall]) -> int:
    by_wall: dict[int, list[Member]] = {}
    for member in Member.objects.filter(wall__in=walls):
        by_wall.setdefault(member.wall_id, []).append(member)
    orders: list[ServiceOrder] = []
    for wall in walls:
        wall.demo_members = by_wall[wall.pk]  # type: ignore[attr-defined]
        for _ in range(rng.randint(6, 14)):
            category = rng.choice(ServiceCategory.values)
            ordered_on = ctx.today - timedelta(days=rng.randint(0, 180))
            orders.append(ServiceOrder(
                wall=wall, org_unit_id=wall.org_unit_id, tracking_code=new_tracking_code(), category=category,
                channel=rng.choice(["wall", "wall", "phone", "wechat", "qq", "letter", "proxy", "public"]),
                urgency=rng.choice([1, 2, 2, 3]), resident_name=person_name(rng, rng.random() < 0.5),
                resident_phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                description=rng.choice(REQUESTS[ServiceCategory(category)]),
                ordered_at=_moment(ordered_on, rng.randint(8, 20)), dispatch_due=ordered_on + timedelta(days=3)))
    events: list[OrderEvent] = []
    for order in orders:
        order.updated_at = order.ordered_at
        events.extend(_order_history(order, rng, ctx.today))
    _not_after(orders, events, timezone.now())
    ServiceOrder.objects.bulk_create(orders)
    for event in events:
        event.order_id = event.order.pk
    OrderEvent.objects.bulk_create(events)
    return len(orders)


def petition_owner(county: OrgUnit) -> User | None:
    """The first-contact owner of a county's demo petitions: someone of that county who handles petitions
    (the nearest level first), never a person of another county."""
    roles = PERMISSIONS["masswork.petition_handle"].roles
    membership = (Membership.objects.filter(org_unit__path__startswith=county.path, role__in=roles,
                                            user__is_active=True)
                  .select_related("user").order_by("org_unit__depth", "pk").first())
    return membership.user if membership else None


def _petitions(ctx: DemoContext, rng: random.Random, counties: list[OrgUnit]) -> int:
    rows: list[Petition] = []
    for county in counties:
        owner = petition_owner(county)
        if owner is None:
            ctx.say(f"群众工作：{county.name}没有办理信访的账号，不生成信访事项")
            continue
        for _ in range(60):
            received = ctx.today - timedelta(days=rng.randint(0, 365))
            subject, content = rng.choice(PETITION_SUBJECTS)
            channel = rng.choice(PetitionChannel.values)
            p = Petition(org_unit=county, channel=channel, petitioner_name=person_name(rng, rng.random() < 0.5),
                         petitioner_phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                         visitors=rng.choice([1, 1, 2, 3, 5]) if channel == "visit" else 1, subject=subject,
                         content=content, tokens=" ".join(sorted(tokenize(content))), received_on=received,
                         received_by=owner, owner=owner, accept_due=received + timedelta(days=15))
            age = (ctx.today - received).days
            if age > 3 and rng.random() < 0.92:
                p.accepted_on = received + timedelta(days=min(age, rng.choice([1, 2, 5, 10, 14, 20])))
                p.status, p.close_due = PetitionStatus.ACCEPTED, p.accepted_on + timedelta(days=60)
                took = rng.choice([10, 20, 30, 45, 58, 75])
                if p.accepted_on + timedelta(days=took) <= ctx.today and rng.random() < 0.9:
                    p.status, p.closed_on = PetitionStatus.CLOSED, p.accepted_on + timedelta(days=took)
                    p.reply = "经调查核实，已依法依规处理，并向信访人当面说明。"
                    p.satisfaction = rng.choices(["satisfied", "basic", "unsatisfied"], weights=[7, 2, 1])[0]
            rows.append(p)
    Petition.objects.bulk_create(rows)
    return len(rows)


def _cadres_for(units: list[OrgUnit], rng: random.Random, titles: tuple[str, ...]) -> dict[int, list[Cadre]]:
    """Cadres with a current leading post in these units (the roster's, or created with `titles`)."""
    found: dict[int, list[Cadre]] = {}
    leading = PostHolding.objects.filter(cadre=OuterRef("pk"), is_leading=True, valid_to__isnull=True)
    roster = (Cadre.objects.filter(org_unit__in=units, status="serving").annotate(leads=Exists(leading))
              .filter(leads=True).order_by("pk"))
    for cadre in roster:
        found.setdefault(cadre.org_unit_id, []).append(cadre)
    missing = [u for u in units if u.pk not in found]
    created = Cadre.objects.bulk_create([Cadre(name=person_name(rng, rng.random() < 0.3), org_unit=u)
                                         for u in missing for _ in titles])
    holdings = []
    for i, made in enumerate(created):
        found.setdefault(made.org_unit_id, []).append(made)
        holdings.append(PostHolding(cadre=made, org_unit_id=made.org_unit_id, title=titles[i % len(titles)],
                                    is_leading=True, valid_from=date(2021, 1, 1)))
    PostHolding.objects.bulk_create(holdings)
    return found


def _township_work(ctx: DemoContext, rng: random.Random, townships: list[OrgUnit], villages: list[OrgUnit]) -> str:
    leaders = _cadres_for(townships, rng, ("乡镇党委书记", "乡镇长", "副乡镇长"))
    heads = _cadres_for(villages, rng, ("村党支部书记", "村委会主任"))
    villages_of: dict[int, list[OrgUnit]] = {}
    for v in villages:
        villages_of.setdefault(v.parent_id or 0, []).append(v)
    pairings, visits, ledger = [], [], []
    start = ctx.today - timedelta(days=365)
    for township in townships:
        own = villages_of.get(township.pk, [])
        for n, cadre in enumerate(leaders.get(township.pk, [])):
            village = own[n % len(own)] if own else None
            if village is None:
                continue
            pairings.append(Pairing(cadre=cadre, village=village, valid_from=start))
            for _ in range(2 if rng.random() < 0.8 else 1):  # some leaders pair with only one household
                pairings.append(Pairing(cadre=cadre, village=village, valid_from=start,
                                        household=f"{person_name(rng, False)}户", needs="发展产业缺少资金和技术"))
            monthly = 12 if rng.random() < 0.7 else 6  # 30% visit too little (R09)
            for m in range(12):
                for _ in range(monthly):
                    day = start + timedelta(days=30 * m + rng.randint(0, 27))
                    visits.append(HouseholdVisit(org_unit=village, cadre=cadre, visited_on=min(day, ctx.today),
                                                 household=f"{person_name(rng, False)}户",
                                                 matters=rng.choice(["", "", "", "饮水不便", "道路坑洼"])))
    HouseholdVisit.objects.bulk_create(visits)
    for visit in visits:
        if visit.matters:
            ledger.append(LedgerEntry(org_unit_id=visit.org_unit.parent_id or visit.org_unit_id,
                                      raised_at_id=visit.org_unit_id, source=LedgerSource.VISIT,
                                      source_ref=f"visit:{visit.pk}", recorded_on=visit.visited_on,
                                      household=visit.household, matter=visit.matters))
    Pairing.objects.bulk_create(pairings)
    LedgerEntry.objects.bulk_create(ledger)
    duty, days_in = [], []
    for village in villages:
        staff = heads.get(village.pk, [])
        for offset in range(120):
            day = ctx.today - timedelta(days=offset)
            if staff and rng.random() < 0.93:  # a few days with nobody on duty (R11)
                cadre = staff[offset % len(staff)]
                duty.append(DutyShift(village=village, cadre=cadre, day=day,
                                      checked_in_at=_moment(day, 8) + timedelta(minutes=rng.randint(0, 50))))
        for cadre in staff:
            share = rng.choice([0.8, 0.75, 0.7, 0.5])  # some heads below 2/3 of the year (R10)
            days_in += [InVillageDay(village=village, cadre=cadre, day=ctx.today - timedelta(days=d))
                        for d in range(365) if rng.random() < share]
    DutyShift.objects.bulk_create(duty)
    InVillageDay.objects.bulk_create(days_in, batch_size=2000)
    return f"结对 {len(pairings)}，走访 {len(visits)}，台账 {len(ledger)}，值班 {len(duty)}"


@demo_contributor("masswork.all", order=40)
def load_masswork(ctx: DemoContext) -> None:
    if ctx.scale == "province":
        from zugong.masswork.demo_province import load_province  # it builds on this module's helpers

        load_province(ctx)
        return
    rng = ctx.rng("masswork")
    counties, townships, villages, groups = _scope(ctx)
    with transaction.atomic():
        walls = _walls(ctx, rng, groups)
        orders = _orders(ctx, rng, walls)
        petitions = _petitions(ctx, rng, counties)
        summary = _township_work(ctx, rng, townships, villages)
    ctx.data["walls"] = walls
    ctx.say(f"群众工作：民心墙 {len(walls)}，点单 {orders}，信访 {petitions}，{summary}")
