"""The simulated people (locust): clerks, residents, Open311 clients and leaders, plus two single-purpose
users for the ratio (a bare Django view, and API reads). `python -m bench.load` runs it; it reads the keys
of real rows from the JSON file that `prepare.py` wrote (ZUGONG_LOAD_DATA)."""

from __future__ import annotations

import json
import os
import random
import re
from collections import deque
from typing import Any

from locust import HttpUser, between, constant, events, task
from locust.env import Environment

from bench.load.guard import is_loopback

DATA: dict[str, Any] = json.loads(open(os.environ["ZUGONG_LOAD_DATA"], encoding="utf-8").read())
# each run of a step starts further down the list of orders waiting for dispatch (one dispatch each)
# (taken from the front, so the next run's offset skips exactly the orders this one dispatched)
DISPATCH: deque[list[int]] = deque(DATA["dispatch"][int(os.environ.get("ZUGONG_LOAD_DISPATCH_FROM", "0")):])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.test_start.add_listener
def refuse_other_hosts(environment: Environment, **_: Any) -> None:
    if not is_loopback(environment.host or ""):
        raise SystemExit(f"只对本机（loopback）做压力测试，拒绝 {environment.host}")


class Browser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)

    def login(self, username: str) -> None:
        page = self.client.get("/login/", name="/login/")
        match = CSRF.search(page.text)
        if match is None:
            raise RuntimeError("登录页没有 CSRF 令牌")
        self.client.post("/login/", name="/login/ (POST)", data={
            "username": username, "password": DATA["password"], "csrfmiddlewaretoken": match.group(1)})


class Clerk(Browser):
    """County A's org department: lists, searches and opens cadres, records talks, dispatches orders."""

    weight = 6

    def on_start(self) -> None:
        self.login(DATA["clerk"])
        self.api = {"Authorization": f"Bearer {DATA['tokens'][DATA['clerk']]}"}
        self.dispatcher = {"Authorization": f"Bearer {DATA['tokens']['province']}"}

    @task(4)
    def cadre_list(self) -> None:
        self.client.get("/cadres/", name="/cadres/")

    @task(3)
    def cadre_search(self) -> None:
        self.client.get(f"/cadres/?q={random.choice(DATA['surnames'])}", name="/cadres/?q=")

    @task(4)
    def cadre_detail(self) -> None:
        self.client.get(f"/cadres/{random.choice(DATA['cadres'])}/", name="/cadres/[id]/")

    @task(1)
    def talk_record(self) -> None:
        self.client.post("/api/v1/talks", name="POST /api/v1/talks", headers=self.api, json={
            "held_on": DATA["today"], "kind": "annual", "talker_ids": [random.choice(DATA["talkers"])],
            "talkee_ids": [random.choice(DATA["cadres"])], "topics": "压力测试", "summary": "压力测试谈话记录"})

    @task(2)
    def orders(self) -> None:
        self.client.get("/masswork/", name="/masswork/")

    @task(1)
    def dispatch(self) -> None:
        if not DISPATCH:
            return
        order_id, member_id = DISPATCH.popleft()
        self.client.post(f"/api/v1/orders/{order_id}/dispatch", name="POST /api/v1/orders/[id]/dispatch",
                         headers=self.dispatcher, json={"member_id": member_id})


class Resident(HttpUser):
    """A resident on the public page: places an order at a wall, tracks orders, reads a wall's board."""

    weight = 3
    wait_time = between(1.0, 3.0)

    @task(1)
    def place_order(self) -> None:
        wall, community = random.choice(DATA["walls"])
        page = self.client.get(f"/m/?community={community}", name="/m/?community=")
        match = CSRF.search(page.text)
        if match is None:
            return
        self.client.post(f"/m/?community={community}", name="/m/ (POST order)", data={
            "csrfmiddlewaretoken": match.group(1), "wall": wall, "resident_name": "测试居民",
            "resident_phone": f"139{random.randint(10_000_000, 99_999_999)}", "category": "other",
            "description": "压力测试：楼道灯坏了"})

    @task(4)
    def track(self) -> None:
        self.client.get(f"/m/t/{random.choice(DATA['codes'])}/", name="/m/t/[code]/")

    @task(2)
    def board(self) -> None:
        wall, _ = random.choice(DATA["walls"])
        self.client.get(f"/m/walls/{wall}/", name="/m/walls/[id]/")


class Open311Client(HttpUser):
    """A GeoReport v2 client reading the newest requests, the services and one request."""

    weight = 2
    wait_time = between(1.0, 3.0)

    @task(3)
    def requests(self) -> None:
        self.client.get("/open311/v2/requests.json", name="/open311/v2/requests.json")

    @task(1)
    def services(self) -> None:
        self.client.get("/open311/v2/services.json", name="/open311/v2/services.json")

    @task(2)
    def request(self) -> None:
        self.client.get(f"/open311/v2/requests/{random.choice(DATA['orders'])}.json",
                        name="/open311/v2/requests/[id].json")


class Leader(Browser):
    """The province's leader opening the dashboards."""

    weight = 1

    def on_start(self) -> None:
        self.login(DATA["leader"])

    @task(2)
    def compliance(self) -> None:
        self.client.get("/rules/", name="/rules/")

    @task(1)
    def talks_stats(self) -> None:
        self.client.get("/talks/stats/", name="/talks/stats/")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/")


class BareView(HttpUser):
    """The same server's floor: a Django view that does nothing, through the same middleware. No think
    time: these two measure how many requests the server completes at a fixed concurrency."""

    wait_time = constant(0)

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare", name="/bench/bare")


class ApiReader(HttpUser):
    """zugong's JSON API reads alone (`/api/v1/`), for the ratio against the bare view (target ≥ 0.5): who am I,
    a page of 50 cadres, a page of 50 talks (whose summaries the clerk may read: each view is logged)."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.api = {"Authorization": f"Bearer {DATA['tokens'][DATA['clerk']]}"}

    @task(1)
    def me(self) -> None:
        self.client.get("/api/v1/me", name="/api/v1/me", headers=self.api)

    @task(2)
    def cadres(self) -> None:
        self.client.get("/api/v1/cadres?limit=50", name="/api/v1/cadres?limit=50", headers=self.api)

    @task(1)
    def talks(self) -> None:
        self.client.get("/api/v1/talks?limit=50", name="/api/v1/talks?limit=50", headers=self.api)


class Open311Reader(HttpUser):
    """Open311's list of the 1,000 newest requests alone: its own figure beside the bare view (it is not
    part of `/api/v1/`, and one response carries 1,000 rows)."""

    wait_time = constant(0)

    @task
    def open311(self) -> None:
        self.client.get("/open311/v2/requests.json", name="/open311/v2/requests.json")
