"""What the simulated users need from the database under test, written once to a JSON file the locust
processes read: bearer tokens, and the keys of real rows (cadres of the clerk's county, talkers, orders
waiting for dispatch with a member of their wall, tracking codes, walls)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Min
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.demo_data import DEMO_PASSWORD
from zugong.core.models import Membership
from zugong.core.services import api_token_issue
from zugong.masswork.models import Member, ServiceOrder, Wall
from zugong.talks.models import Talker

CLERK, DISPATCHER, LEADER = "alice", "province", "leader"
SAMPLE = 2000


def _county_path(username: str) -> str:
    membership = Membership.objects.select_related("org_unit").filter(user__username=username).first()
    if membership is None:
        raise SystemExit(f"数据库中没有演示账号 {username}：请先装入演示数据（zugong demo --scale province）")
    return membership.org_unit.path


def _sample(values: list[Any], rng: random.Random) -> list[Any]:
    return rng.sample(values, min(SAMPLE, len(values)))


def prepare(out: Path, *, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    county = _county_path(CLERK)
    in_county = {"org_unit__path__startswith": county}
    cadres = list(Cadre.objects.filter(**in_county).order_by("pk").values_list("pk", flat=True)[:20_000])
    names = list(Cadre.objects.filter(**in_county).order_by("pk").values_list("name", flat=True)[:500])
    talkers = list(Talker.objects.filter(**in_county).values_list("pk", flat=True))
    first_member = dict(Member.objects.filter(is_active=True).values("wall_id").annotate(first=Min("pk"))
                        .values_list("wall_id", "first"))
    waiting = list(ServiceOrder.objects.filter(status="ordered").order_by("-pk").values_list("pk", "wall_id")[:50_000])
    walls = list(Wall.objects.filter(is_active=True).values_list("pk", "community_id"))
    codes = list(ServiceOrder.objects.order_by("-pk").values_list("tracking_code", flat=True)[:20_000])
    order_ids = list(ServiceOrder.objects.order_by("-pk").values_list("pk", flat=True)[:20_000])
    tokens = {u: api_token_issue(actor=None, user=User.objects.get(username=u)) for u in (CLERK, DISPATCHER)}
    data = {
        "today": timezone.localdate().isoformat(), "password": DEMO_PASSWORD, "clerk": CLERK, "leader": LEADER, "tokens": tokens,
        "cadres": _sample(cadres, rng), "surnames": sorted({n[0] for n in names}) or ["王"],
        "talkers": talkers, "dispatch": [(o, first_member[w]) for o, w in waiting if w in first_member],
        "walls": _sample(walls, rng), "codes": _sample(codes, rng), "orders": _sample(order_ids, rng),
    }
    missing = [k for k in ("cadres", "talkers", "dispatch", "walls", "codes") if not data[k]]
    if missing:
        raise SystemExit(f"演示数据不完整（缺少 {', '.join(missing)}）：请装入全省演示数据")
    out.write_text(json.dumps(data), encoding="utf-8")
    return data
