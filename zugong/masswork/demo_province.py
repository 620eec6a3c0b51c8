"""Mass work for the whole demo province: a year of it in every county, at the sizes in PROVINCE.

Rows are generated as plain tuples in chunks and written with `insert_rows` (COPY on PostgreSQL,
executemany on SQLite); keys the next table points at are reserved first. Every count is scaled by
`ctx.fraction`, so a test runs the same code at 1/1000. The small demo's shapes are kept: the same
order lifecycle (some dispatches late), petitions accepted and closed on time or not, leaders who
visit too little, villages with days nobody is on duty.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from zugong.core.demo import DemoContext, insert_rows, reserve_ids
from zugong.core.models import OrgUnit
from zugong.core.names import person_name
from zugong.masswork.demo_data import PETITION_SUBJECTS, REQUESTS, _cadres_for, _walls, petition_owner
from zugong.masswork.models import (
    DutyShift,
    HouseholdVisit,
    InVillageDay,
    LedgerEntry,
    LedgerSource,
    Member,
    OrderEvent,
    Pairing,
    Petition,
    PetitionChannel,
    ServiceOrder,
)
from zugong.masswork.services.orders import _CODE_ALPHABET, _CODE_LENGTH
from zugong.masswork.services.petitions import tokenize

PROVINCE = {"orders": 2_000_000, "visits": 5_000_000, "petitions": 200_000}
DUTY_DAYS = 60  # the last 60 days of duty in every village (20,280 villages: about 1.1 million shifts)
IN_VILLAGE_DAYS = 30  # the last 30 days of village heads' in-village days
CHUNK = 50_000
Row = tuple[Any, ...]

ORDER_FIELDS = ("id", "wall_id", "org_unit_id", "tracking_code", "channel", "category", "urgency", "resident_name",
                "resident_phone", "description", "status", "ordered_at", "dispatch_due", "member_id", "dispatched_at",
                "dispatch_count", "handle_due", "accepted_at", "done_at", "report", "rating", "rating_reason",
                "rated_at", "explanation", "updated_at")
EVENT_FIELDS = ("order_id", "occurred_at", "from_status", "to_status", "member_id")
TARGETS = ("ordered", "dispatched", "accepted", "done", "rated", "follow_up", "explained")
TARGET_CUMULATIVE = (1, 2, 3, 5, 13, 14, 15)  # the small demo's weights 1, 1, 1, 2, 8, 1, 1
DELAYS = (0, 1, 2, 3, 5, 8)
DELAY_CUMULATIVE = (4, 9, 13, 15, 16, 17)
CHANNELS = ("wall", "wall", "phone", "wechat", "qq", "letter", "proxy", "public")
SATISFACTION = ("satisfied",) * 7 + ("basic",) * 2 + ("unsatisfied",)  # the small demo's weights 7, 2, 1
SCRAMBLE = 0x5DEECE66D1  # odd: multiplying by it is a bijection modulo 2**60


def tracking_code(order_id: int) -> str:
    """A distinct, unguessable-looking code per key (a bijection of the key), no random draw needed."""
    value = (order_id * SCRAMBLE) % (1 << 60)
    return "".join(_CODE_ALPHABET[(value >> (5 * i)) & 31] for i in range(_CODE_LENGTH))


@dataclass
class Pools:
    """Names and phones drawn once; picking from a list is far cheaper than drawing a new one per row."""

    names: list[str]
    phones: list[str]
    requests: list[tuple[str, str]]
    midnights: list[datetime]  # midnights[age] is the start of the day `age` days ago

    @classmethod
    def build(cls, rng: random.Random, today: date) -> Pools:
        return cls(names=[person_name(rng, rng.random() < 0.5) for _ in range(4000)],
                   phones=[f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}" for _ in range(4000)],
                   requests=[(str(c), d) for c, texts in REQUESTS.items() for d in texts],
                   midnights=[_utc(datetime.combine(today - timedelta(days=a), time())) for a in range(366)])


def _utc(local: datetime) -> datetime:
    """Local wall time as UTC: with one tzinfo on every value (now() is UTC too), comparing two of them
    skips the zone lookups that made `min()` the most expensive call of the order generator."""
    return timezone.make_aware(local).astimezone(UTC)


def _pick(rng: random.Random, cumulative: tuple[int, ...]) -> int:
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


@dataclass
class OrderMaker:
    rng: random.Random
    pools: Pools
    walls: list[tuple[int, int, list[int]]]  # (wall, its party group, its members)
    today: date
    now: datetime

    def make(self, order_id: int, events: list[Row]) -> Row:
        rng, pools, now = self.rng, self.pools, self.now
        wall_id, org_id, members = self.walls[int(rng.random() * len(self.walls))]
        age = int(rng.random() * 365)
        ordered_on = self.today - timedelta(days=age)
        ordered_at = min(pools.midnights[age] + timedelta(hours=8 + int(rng.random() * 13)), now)
        category, description = pools.requests[int(rng.random() * len(pools.requests))]
        target = TARGETS[_pick(rng, TARGET_CUMULATIVE)] if age > 6 else ("ordered", "dispatched")[rng.random() < 0.5]
        state: dict[str, Any] = dict.fromkeys(("member_id", "dispatched_at", "handle_due", "accepted_at", "done_at",
                                               "rated_at"))
        state.update(status="ordered", dispatch_count=0, report="", rating="", rating_reason="", explanation="")
        events.append((order_id, ordered_at, "", "ordered", None))
        moment = ordered_at
        if target != "ordered":
            moment = self._walk(order_id, target, age, ordered_at, members, state, events)
        return (order_id, wall_id, org_id, tracking_code(order_id), CHANNELS[int(rng.random() * 8)], category,
                (1, 2, 2, 3)[int(rng.random() * 4)], pools.names[int(rng.random() * 4000)],
                pools.phones[int(rng.random() * 4000)], description, state["status"], ordered_at,
                ordered_on + timedelta(days=3), state["member_id"], state["dispatched_at"], state["dispatch_count"],
                state["handle_due"], state["accepted_at"], state["done_at"], state["report"], state["rating"],
                state["rating_reason"], state["rated_at"], state["explanation"], max(min(moment, now), ordered_at))

    def _walk(self, order_id: int, target: str, age: int, ordered_at: datetime, members: list[int],
              state: dict[str, Any], events: list[Row]) -> datetime:
        """The small demo's lifecycle (`demo_data._order_history`), on tuples; no step after now."""
        rng, now = self.rng, self.now
        delay = min(DELAYS[_pick(rng, DELAY_CUMULATIVE)], max(age - 1, 0))
        moment = ordered_at + timedelta(days=delay, hours=2)
        member = members[int(rng.random() * len(members))]
        state.update(member_id=member, dispatched_at=min(moment, now), dispatch_count=1, status="dispatched",
                     handle_due=self.today - timedelta(days=age - delay) + timedelta(days=7))
        events.append((order_id, min(moment, now), "ordered", "dispatched", member))
        for step, hours in (("accepted", 5), ("done", 30)):
            if target == "dispatched" or (target == "accepted" and step == "done"):
                return moment
            moment += timedelta(hours=hours)
            events.append((order_id, min(moment, now), state["status"], step, member))
            state["status"] = step
            state["accepted_at" if step == "accepted" else "done_at"] = min(moment, now)
            if step == "done":
                state["report"] = "已上门办理，问题已解决"
        if target in ("rated", "follow_up", "explained"):
            moment += timedelta(days=1)
            rating = "unsatisfied" if target != "rated" else ("satisfied", "basic")[rng.random() < 3 / 11]
            status = "rated" if target == "rated" else "follow_up"
            state.update(rating=rating, rated_at=min(moment, now), status=status,
                         rating_reason="问题没有彻底解决" if rating == "unsatisfied" else "")
            events.append((order_id, min(moment, now), "done", status, None))
        if target == "explained":
            moment += timedelta(days=1)
            state.update(explanation="属供电部门维修范围，已协调报修并向居民解释", status="explained")
            events.append((order_id, min(moment, now), "follow_up", "explained", None))
        return moment


def _chunks(total: int) -> Iterator[int]:
    while total > 0:
        yield min(CHUNK, total)
        total -= CHUNK


def _orders(ctx: DemoContext, rng: random.Random, pools: Pools, walls: list[tuple[int, int, list[int]]]) -> int:
    total, events_written = ctx.sized(PROVINCE["orders"]), 0
    maker = OrderMaker(rng, pools, walls, ctx.today, timezone.now())
    with ctx.progress("点单", total) as progress:
        for size in _chunks(total):
            first = reserve_ids(ServiceOrder, size)
            events: list[Row] = []
            orders = [maker.make(first + k, events) for k in range(size)]
            insert_rows(ServiceOrder, ORDER_FIELDS, orders)
            events_written += insert_rows(OrderEvent, EVENT_FIELDS, events)
            progress.advance(size)
    ctx.say(f"群众工作：点单 {total}，流转记录 {events_written}")
    return total


def _leaders(rng: random.Random, townships: list[OrgUnit], villages: list[OrgUnit]) -> list[tuple[int, list[int]]]:
    """Each township leader with the villages of the township (the leader visits households there)."""
    villages_of: dict[int, list[int]] = {}
    for v in villages:
        villages_of.setdefault(v.parent_id or 0, []).append(v.pk)
    found = _cadres_for(townships, rng, ("乡镇党委书记", "乡镇长", "副乡镇长"))
    return [(cadre.pk, villages_of[unit_id]) for unit_id, cadres in found.items() if unit_id in villages_of
            for cadre in cadres]


def _visits(ctx: DemoContext, rng: random.Random, pools: Pools, leaders: list[tuple[int, list[int]]],
            township_of: dict[int, int]) -> tuple[int, int]:
    """Household visits spread over the leaders; 30 % of them visit half as often (R09). One visit in
    fifty raises a matter, which goes onto the township's ledger."""
    weights = [1.0 if rng.random() < 0.7 else 0.5 for _ in leaders]
    cumulative = [sum(weights[: i + 1]) for i in range(len(weights))]
    total, ledger_total = ctx.sized(PROVINCE["visits"]), 0
    matters = ("饮水不便", "道路坑洼", "灌溉渠堵塞", "路灯不亮")
    with ctx.progress("走访", total) as progress:
        for size in _chunks(total):
            first = reserve_ids(HouseholdVisit, size)
            visits: list[Row] = []
            ledger: list[Row] = []
            for k in range(size):
                cadre, villages = leaders[bisect.bisect_right(cumulative, rng.random() * cumulative[-1] * 0.999999)]
                village = villages[int(rng.random() * len(villages))]
                day = ctx.today - timedelta(days=int(rng.random() * 365))
                household = pools.names[int(rng.random() * 4000)] + "户"
                matter = matters[int(rng.random() * 4)] if rng.random() < 0.02 else ""
                visits.append((first + k, village, cadre, household, day, matter))
                if matter:
                    ledger.append((township_of[village], village, LedgerSource.VISIT.value, f"visit:{first + k}", day,
                                   household, matter))
            insert_rows(HouseholdVisit, ("id", "org_unit_id", "cadre_id", "household", "visited_on", "matters"), visits)
            ledger_total += insert_rows(LedgerEntry, ("org_unit_id", "raised_at_id", "source", "source_ref",
                                                      "recorded_on", "household", "matter"), ledger)
            progress.advance(size)
    return total, ledger_total


def _pairings(ctx: DemoContext, rng: random.Random, pools: Pools, leaders: list[tuple[int, list[int]]]) -> int:
    start = ctx.today - timedelta(days=365)
    rows: list[Row] = []
    for n, (cadre, villages) in enumerate(leaders):
        village = villages[n % len(villages)]
        rows.append((cadre, village, "", "", start))
        for _ in range(2 if rng.random() < 0.8 else 1):
            rows.append((cadre, village, pools.names[int(rng.random() * 4000)] + "户", "发展产业缺少资金和技术", start))
    return insert_rows(Pairing, ("cadre_id", "village_id", "household", "needs", "valid_from"), rows)


def _petition_row(ctx: DemoContext, rng: random.Random, pools: Pools, county: OrgUnit, owner_id: int,
                  tokens: dict[str, str]) -> Row:
    received = ctx.today - timedelta(days=int(rng.random() * 365))
    subject, content = PETITION_SUBJECTS[int(rng.random() * len(PETITION_SUBJECTS))]
    channel = PetitionChannel.values[int(rng.random() * len(PetitionChannel.values))]
    status, accepted, close_due, closed, reply, satisfaction = "received", None, None, None, "", ""
    age = (ctx.today - received).days
    if age > 3 and rng.random() < 0.92:
        accepted = received + timedelta(days=min(age, (1, 2, 5, 10, 14, 20)[int(rng.random() * 6)]))
        status, close_due = "accepted", accepted + timedelta(days=60)
        took = (10, 20, 30, 45, 58, 75)[int(rng.random() * 6)]
        if accepted + timedelta(days=took) <= ctx.today and rng.random() < 0.9:
            status, closed, reply = "closed", accepted + timedelta(days=took), "经调查核实，已依法依规处理，并向信访人当面说明。"
            satisfaction = SATISFACTION[int(rng.random() * 10)]
    return (county.pk, channel, pools.names[int(rng.random() * 4000)], pools.phones[int(rng.random() * 4000)],
            (1, 1, 2, 3, 5)[int(rng.random() * 5)] if channel == "visit" else 1, subject, content, tokens[content],
            received, owner_id, owner_id, status, received + timedelta(days=15), accepted, close_due, closed, reply,
            satisfaction)


def _petitions(ctx: DemoContext, rng: random.Random, pools: Pools, counties: list[OrgUnit]) -> int:
    owners: dict[int, int] = {}
    fallback = petition_owner(ctx.data["province"])
    for county in counties:
        owner = petition_owner(county) or fallback
        if owner is not None:
            owners[county.pk] = owner.pk
    served = [c for c in counties if c.pk in owners]
    if not served:
        ctx.say("群众工作：没有办理信访的账号，不生成信访事项")
        return 0
    tokens = {content: " ".join(sorted(tokenize(content))) for _, content in PETITION_SUBJECTS}
    fields = ("org_unit_id", "channel", "petitioner_name", "petitioner_phone", "visitors", "subject", "content",
              "tokens", "received_on", "received_by_id", "owner_id", "status", "accept_due", "accepted_on",
              "close_due", "closed_on", "reply", "satisfaction")
    total = ctx.sized(PROVINCE["petitions"])
    with ctx.progress("信访", total) as progress:
        for size in _chunks(total):
            rows = []
            for _ in range(size):
                county = served[int(rng.random() * len(served))]
                rows.append(_petition_row(ctx, rng, pools, county, owners[county.pk], tokens))
            insert_rows(Petition, fields, rows)
            progress.advance(size)
    return total


def _duty(ctx: DemoContext, rng: random.Random, villages: list[OrgUnit]) -> tuple[int, int]:
    """Duty check-ins (a few days nobody is on duty, R11) and heads' in-village days (some below 2/3, R10)."""
    heads = _cadres_for(villages, rng, ("村党支部书记", "村委会主任"))
    duty_days = max(1, round(DUTY_DAYS * min(1.0, ctx.fraction * 100)))
    in_days = max(1, round(IN_VILLAGE_DAYS * min(1.0, ctx.fraction * 100)))
    midnight = {d: _utc(datetime.combine(ctx.today - timedelta(days=d), time(8)))
                for d in range(max(duty_days, in_days))}
    duty: list[Row] = []
    stays: list[Row] = []
    written = [0, 0]
    with ctx.progress("值班", len(heads)) as progress:
        for village, staff in heads.items():
            for offset in range(duty_days):
                if rng.random() < 0.93:
                    day = ctx.today - timedelta(days=offset)
                    duty.append((village, staff[offset % len(staff)].pk, day,
                                 midnight[offset] + timedelta(minutes=int(rng.random() * 50))))
            for cadre in staff:
                share = (0.8, 0.75, 0.7, 0.5)[int(rng.random() * 4)]
                stays += [(village, cadre.pk, ctx.today - timedelta(days=d)) for d in range(in_days)
                          if rng.random() < share]
            if len(duty) + len(stays) >= CHUNK:
                _write_days(duty, stays, written)
                duty, stays = [], []
            progress.advance()
    _write_days(duty, stays, written)
    return written[0], written[1]


def _write_days(duty: list[Row], stays: list[Row], written: list[int]) -> None:
    written[0] += insert_rows(DutyShift, ("village_id", "cadre_id", "day", "checked_in_at"), duty)
    written[1] += insert_rows(InVillageDay, ("village_id", "cadre_id", "day"), stays)


def load_province(ctx: DemoContext) -> None:
    """Every county's mass work; walls at every party group of the province."""
    rng = ctx.rng("masswork.province")
    pools = Pools.build(rng, ctx.today)
    counties: list[OrgUnit] = ctx.data["counties"]
    townships: list[OrgUnit] = ctx.data["townships"]
    villages: list[OrgUnit] = ctx.data["villages"]
    with transaction.atomic():
        walls = _walls(ctx, rng, ctx.data["party_groups"])
        members: dict[int, list[int]] = {}
        for wall_id, member_id in Member.objects.filter(wall__in=walls).order_by("pk").values_list("wall_id", "pk"):
            members.setdefault(wall_id, []).append(member_id)
        wall_rows = [(w.pk, w.org_unit_id, members[w.pk]) for w in walls]
        orders = _orders(ctx, rng, pools, wall_rows) if wall_rows else 0
        petitions = _petitions(ctx, rng, pools, counties)
        leaders = _leaders(rng, townships, villages)
        township_of = {v.pk: v.parent_id or v.pk for v in villages}
        visits, ledger = _visits(ctx, rng, pools, leaders, township_of) if leaders else (0, 0)
        pairings = _pairings(ctx, rng, pools, leaders)
        duty, stays = _duty(ctx, rng, villages)
    ctx.data["walls"] = walls
    ctx.say(f"群众工作（全省）：民心墙 {len(walls)}，点单 {orders}，信访 {petitions}，走访 {visits}，台账 {ledger}，"
            f"结对 {pairings}，值班 {duty}，驻村 {stays}")
