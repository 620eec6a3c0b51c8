"""The permission matrix of every write: each API write operation and each page that takes a POST, for
every role, on a row of its own jurisdiction and on one of another county — generated from the API's
routers and the URL registry, so a new write cannot be added without its declaration and its check.

A write declares what it needs where it is defined (`permitted(...)` as an API operation's auth,
`@page(writes=..., scope=..., by=...)` on a page); the pre-check refuses a role without the action (403)
and a row out of sight (404) before the input is read. So the matrix can send an empty body and still
know, for every role, what the answer must be:

- anonymous: 401 (API) or the login page (pages);
- a role the permission table does not allow: 403 with "您没有…的权限";
- an allowed role, on a row of another county: 404;
- an allowed role, on a row it sees: past the check (the body's own 422, or what the service says),
  never the pre-check's 403 nor a 404.

The matrix runs on the small demo province, which has rows of every kind in both of its counties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from typing import Any, cast

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import QuerySet
from django.test import Client
from django.urls import get_resolver

from zugong.conftest import bearer
from zugong.core.api_auth import Checked
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for
from zugong.core.models import Membership, OrgKind, OrgUnit, Role
from zugong.core.permissions import PERMISSIONS, may, permission
from zugong.core.request import PageMarker, Scope
from zugong.core.tests.test_permissions import _walk
from zugong.jobs.models import Job

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ABSENT_ID = 2_147_483_646  # a row id no demo row has: an allowed role's own jurisdiction holds no row

# POST pages that change no domain data, and why they need no action of the table.
NOT_DOMAIN_WRITES = {
    "core/jurisdiction/": "switching one's own membership (every signed-in user may)",
}
# Path and URL arguments that are not row ids, with the value the matrix sends.
NON_ROW_ARGUMENTS = {"code": "R04", "step": "investigation", "stage": "recommendation", "fmt": "lrmx"}


def _follow_up_of(talk_id: int) -> int | None:
    from zugong.talks.models import TalkFollowUp

    return TalkFollowUp.objects.filter(talk_id=talk_id).order_by("pk").values_list("pk", flat=True).first()


# A second row of a path, inside the first (`by`): the matrix sends one of the first row's own.
INNER_ROWS = {"follow_up_id": _follow_up_of}


@dataclass(frozen=True)
class Write:
    """One write, API operation or page, with what it declares."""

    kind: str  # "api" or "page"
    route: str  # "/api/v1/orders/{order_id}/accept" or "masswork/orders/<int:pk>/"
    method: str
    actions: dict[str | None, str | None]  # the action by the value of `key` (None: any request)
    gate: str | None  # a page's own action, checked first for every method
    key: str | None
    scope: Scope | None
    by: str | None
    arguments: tuple[str, ...] = field(default=())

    def url(self, row_id: int | None, key_value: str | None) -> str:
        values = {name: NON_ROW_ARGUMENTS.get(name, str(ABSENT_ID)) for name in self.arguments}
        if self.by is not None:
            values[self.by] = str(row_id if row_id is not None else ABSENT_ID)
            for name in set(self.arguments) & set(INNER_ROWS):
                inner = INNER_ROWS[name](row_id) if row_id is not None else None
                values[name] = str(inner if inner is not None else ABSENT_ID)
        if self.key is not None and self.key in self.arguments and key_value is not None:
            values[self.key] = key_value
        if self.kind == "api":
            return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], self.route)
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], self.route)

    def label(self) -> str:
        return f"{self.method} {self.route}"


# --- the registries ---------------------------------------------------------------------------------

def api_writes() -> list[Write]:
    import zugong.urls  # noqa: F401  (binds the routers to the API)
    from zugong.api import api

    found: dict[tuple[str, str], Write] = {}
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in set(operation.methods) & WRITE_METHODS:
                    checks = [cast(Checked, c) for c in operation.auth_callbacks if isinstance(c, Checked)]
                    first = checks[0] if checks else Checked()
                    action = first.action
                    actions: dict[str | None, str | None] = (
                        {None: action} if action is None or isinstance(action, str)
                        else {value: name for value, name in action.items()})
                    route = "/api/v1" + path
                    found[(method, route)] = Write(
                        kind="api", route=route, method=method, actions=actions, gate=None, key=first.key,
                        scope=first.scope, by=first.by,
                        arguments=tuple(re.findall(r"{(\w+)}", path)))
                    assert all(c.action == first.action and c.scope is first.scope for c in checks), route
    return sorted(found.values(), key=Write.label)


def page_writes() -> list[Write]:
    writes = []
    for route, callback in _walk(get_resolver().url_patterns):
        marker = getattr(callback, "zugong_page", None)
        if not isinstance(marker, PageMarker) or "POST" not in marker.methods:
            continue
        writes.append(Write(kind="page", route=route, method="POST", actions=marker.post_actions(),
                            gate=marker.action, key=marker.key, scope=marker.scope, by=marker.by,
                            arguments=tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))))
    return sorted(writes, key=Write.label)


def _row_arguments(write: Write) -> set[str]:
    return {a for a in write.arguments if a not in NON_ROW_ARGUMENTS and a != write.key}


# --- completeness: nothing escapes the declaration ------------------------------------------------

def test_the_registries_hold_every_write() -> None:
    assert len(api_writes()) >= 68 and len(page_writes()) >= 70


@pytest.mark.parametrize("write", api_writes() + page_writes(), ids=Write.label)
def test_every_write_declares_its_action_and_the_row_it_touches(write: Write) -> None:
    if write.kind == "page" and write.route in NOT_DOMAIN_WRITES:
        return
    # every write names an action of the table (for each value of its key) …
    assert write.actions and all(a is not None for a in write.actions.values()), (
        f"{write.label()}: declare its action — permitted(...) or @page(writes=...)")
    for action in write.actions.values():
        assert action is not None
        # a right to look (`*_view`) never lets one write; reads taken by POST (an export or an audit run as a
        # job, marking one's notices read) name their own action
        assert not action.endswith("_view"), f"{write.label()}: a POST guarded only by {action}"
    # … and a write on a row of its path finds that row in the jurisdiction before anything else
    rows = _row_arguments(write)
    if rows:
        assert write.scope is not None and write.by in rows, (
            f"{write.label()}: declare scope=<selector> and by=<one of {sorted(rows)}>")


def test_a_new_endpoint_without_its_declaration_is_caught() -> None:
    """The check above is not vacuous: an operation with the API's default auth has no action."""
    from ninja import Router

    router = Router()

    @router.post("/things/{thing_id}/close")
    def close(request: Any, thing_id: int) -> None: ...

    operation = router.path_operations["/things/{thing_id}/close"].operations[0]
    assert not [c for c in operation.auth_callbacks if isinstance(c, Checked) and c.action]


# --- the matrix -----------------------------------------------------------------------------------

@dataclass
class World:
    users: dict[str, User]
    jurisdictions: dict[str, Jurisdiction]
    other: Jurisdiction  # an org_admin of the other county


ROLE_HOMES = {  # which demo account's unit each role is placed at, in county A (李岔县)
    Role.ORG_ADMIN: "alice", Role.ORG_STAFF: "alice", Role.LEADER: "alice", Role.TOWNSHIP_STAFF: "bob",
    Role.VILLAGE_STAFF: "village", Role.GROUP_LEADER: "grouplead", Role.MEMBER: "member",
}


@pytest.fixture
def world(db: None, monkeypatch: pytest.MonkeyPatch) -> World:
    # the test database is migrated by pytest-django; the demo's own check would see a migration file added
    # to the tree after the session began as one to apply
    monkeypatch.setattr("zugong.core.management.commands.demo.migrate_if_needed", lambda out: None)
    call_command("demo", stdout=StringIO())
    users: dict[str, User] = {}
    for role, account in ROLE_HOMES.items():
        home: OrgUnit = Membership.objects.filter(user__username=account).order_by("pk").first().org_unit
        user = User.objects.create_user(f"matrix-{role}", password="x")
        Membership.objects.create(user=user, org_unit=home, role=role)
        users[role] = user
    carol = User.objects.get(username="carol")
    # the demo starts no background job: one of the other county's, for the cancel page to try
    Job.objects.create(owner=carol, kind="rules.evaluate", org_unit=Membership.objects.filter(user=carol).first().org_unit)
    return World(users=users, jurisdictions={r: jurisdiction_for(u) for r, u in users.items()},
                 other=jurisdiction_for(carol))


def _first(rows: QuerySet[Any]) -> int | None:
    return rows.order_by("pk").values_list("pk", flat=True).first()


def _message(response: Any) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return str(response.json().get("error", {}).get("message", ""))
    return response.content.decode()


def _run(world: World, writes: list[Write], clients: dict[str, Client], anonymous: Client) -> list[str]:
    """Every write × every role × (own row, other county's row); the list of what did not hold."""
    wrong: list[str] = []
    for write in writes:
        if write.kind == "page" and write.route in NOT_DOMAIN_WRITES:
            continue
        for key_value, action in write.actions.items():
            assert action is not None
            data = {write.key: key_value} if write.key and key_value and write.key not in write.arguments else {}

            def send(client: Client, row_id: int | None, *, write: Write = write, key_value: str | None = key_value,
                     data: dict[str, Any] = data) -> Any:
                url = write.url(row_id, key_value)
                if write.kind == "api":
                    return getattr(client, write.method.lower())(url, data or {}, content_type="application/json")
                return client.post(url, data)

            label = f"{write.label()} [{key_value or action}]"
            status = send(anonymous, None).status_code
            if status != (401 if write.kind == "api" else 302):
                wrong.append(f"{label} anonymous: {status}")
            for role, client in clients.items():
                jurisdiction = world.jurisdictions[role]
                # a page's own action is checked first, for every method; then what the POST needs
                checked = action if write.gate is None or may(jurisdiction, write.gate) else write.gate
                refusal = f"您没有{permission(checked).label}的权限"
                own = None
                if write.scope is not None:
                    rows = write.scope(jurisdiction)
                    for name in set(write.arguments) & set(INNER_ROWS):  # a row that has the inner one
                        rows = rows.filter(pk__in=[pk for pk in rows.values_list("pk", flat=True)[:200]
                                                   if INNER_ROWS[name](pk) is not None])
                    own = _first(rows)
                response = send(client, own)
                if not may(jurisdiction, checked) or not may(jurisdiction, action):
                    if response.status_code != 403 or refusal not in _message(response):
                        wrong.append(f"{label} {role} (not allowed): {response.status_code}")
                    continue
                if write.scope is not None and own is None:
                    if response.status_code != 404:
                        wrong.append(f"{label} {role} (no row in sight): {response.status_code}")
                    continue
                if (response.status_code in (401, 404)
                        or (response.status_code == 403 and refusal in _message(response))):
                    wrong.append(f"{label} {role} (allowed, own row {own}): {response.status_code} "
                                 f"{_message(response)[:120]}")
                if write.scope is None:
                    continue
                seen = write.scope(jurisdiction).values("pk")
                other = _first(write.scope(world.other).exclude(pk__in=seen))
                if other is None:
                    wrong.append(f"{label}: the demo has no row of another county to try")
                    continue
                status = send(client, other).status_code
                if status != 404:
                    wrong.append(f"{label} {role} (allowed, other county's row {other}): {status}")
    return wrong


def test_every_api_write_for_every_role_in_and_out_of_its_jurisdiction(world: World) -> None:
    clients = {role: bearer(user) for role, user in world.users.items()}
    wrong = _run(world, api_writes(), clients, Client())
    assert not wrong, "\n".join(wrong)


def test_every_page_write_for_every_role_in_and_out_of_its_jurisdiction(world: World) -> None:
    clients: dict[str, Client] = {}
    for role, user in world.users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    wrong = _run(world, page_writes(), clients, Client())
    assert not wrong, "\n".join(wrong)


def test_every_action_a_write_declares_is_allowed_to_some_role() -> None:
    declared = {a for w in api_writes() + page_writes() for a in w.actions.values() if a is not None}
    assert declared <= set(PERMISSIONS)
    assert all(permission(a).roles for a in declared)


# --- creates: the row is named in the body -----------------------------------------------------------

def _other_county_rows(world: World) -> dict[str, int]:
    """A row of each kind a create's body names, all in the other county (carol's)."""
    from zugong.cadres.selectors import cadres_visible
    from zugong.core.selectors import org_units_visible
    from zugong.masswork.selectors import walls_visible

    carol = User.objects.get(username="carol")
    unit = Membership.objects.filter(user=carol).values_list("org_unit_id", flat=True).first()  # the county
    village = _first(org_units_visible(world.other).filter(kind=OrgKind.VILLAGE))
    cadre = _first(cadres_visible(world.other))
    wall = _first(walls_visible(world.other))
    assert None not in (village, unit, cadre, wall)
    return {"unit": cast(int, unit), "village": cast(int, village), "cadre": cast(int, cadre),
            "wall": cast(int, wall), "user": carol.pk}


# A body's field naming a row → the kind of row (fields of other names are filled by their type).
ROW_FIELDS = {
    "org_id": "unit", "org_unit_id": "unit", "issuing_unit_id": "unit", "lead_unit_id": "unit",
    "reviewing_unit_id": "unit", "organiser_id": "unit", "owner_unit_id": "unit", "village_id": "village",
    "cadre_id": "cadre", "leader_id": "cadre", "talker_ids": "cadre", "talkee_ids": "cadre",
    "attendee_ids": "cadre", "wall_id": "wall", "user_id": "user",
}


def _value(name: str, schema: dict[str, Any], components: dict[str, Any], rows: dict[str, int]) -> Any:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema:
        return _value(name, schema["allOf"][0], components, rows)
    if "anyOf" in schema:
        return _value(name, schema["anyOf"][0], components, rows)
    if "enum" in schema:
        return schema["enum"][0]
    kind = ROW_FIELDS.get(name)
    if schema.get("type") == "array":
        return [rows[kind]] if kind else [_value(name, schema.get("items", {}), components, rows)]
    if kind:
        return rows[kind]
    if schema.get("type") == "integer":
        return max(int(schema.get("minimum", 1)), 2026 if name == "year" else 1)
    if schema.get("type") == "number":
        return 1
    if schema.get("type") == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-06-01"
    return "测试"


def _create_bodies(rows: dict[str, int]) -> list[tuple[str, str, dict[str, Any], str]]:
    from zugong.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    bodies = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put") or "{" in path or "requestBody" not in operation:
                continue
            content_type, content = next(iter(operation["requestBody"]["content"].items()))
            ref = content["schema"]
            body_schema = components[ref["$ref"].rsplit("/", 1)[-1]] if "$ref" in ref else ref
            properties = body_schema.get("properties", {})
            wanted = [n for n in properties if n in body_schema.get("required", []) or n in ROW_FIELDS]
            body = {name: _value(name, properties[name], components, rows) for name in wanted}
            bodies.append((method.upper(), path, body, content_type))
    return bodies


def test_every_api_create_names_a_row_of_the_other_county_and_is_refused(world: World) -> None:
    """A create has no row in its path: the unit, cadre or wall it names in its body is its jurisdiction.
    Named in the other county, by a role that may create it at home, it is 404 — whatever else it says."""
    rows = _other_county_rows(world)
    writes = {(w.method, w.route): w for w in api_writes()}
    clients = {role: bearer(user) for role, user in world.users.items()}
    wrong: list[str] = []
    for method, path, body, content_type in _create_bodies(rows):
        names_a_row = [name for name in body if name in ROW_FIELDS]
        if not names_a_row:
            wrong.append(f"{method} {path}: its body names no unit, cadre or wall (add its field to ROW_FIELDS)")
            continue
        actions = [a for a in writes[(method, path)].actions.values() if a is not None]
        allowed = [role for role in clients if all(may(world.jurisdictions[role], a) for a in actions)]
        for role in allowed:
            if content_type == "multipart/form-data":  # an upload: its fields as a form, without the file
                response = getattr(clients[role], method.lower())(path, body)
            else:
                response = getattr(clients[role], method.lower())(path, body, content_type="application/json")
            # 404 for the row; a list of rows (attendees) may be refused as bad input naming the jurisdiction
            if response.status_code != 404 and not (
                    response.status_code == 400 and "管辖范围" in _message(response)):
                wrong.append(f"{method} {path} {role} naming {names_a_row}: {response.status_code} "
                             f"{_message(response)[:100]}")
    assert not wrong, "\n".join(wrong)


# --- page creates: the row is chosen in the form -----------------------------------------------------

class _Forms(HTMLParser):
    """The POST forms of a page: each field's name, kind, first option and (for a picker) its search URL."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._picker: str | None = None
        self._select: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self.forms.append({"action": a.get("action", ""), "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "div" and "data-picker-url" in a:
            self._picker = a["data-picker-url"]
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "kind": "picker" if self._picker else "select",
                            "url": self._picker, "options": []}
            fields.append(self._select)
            self._picker = None
        elif tag == "option" and self._select is not None and a.get("value"):
            self._select["options"].append(a["value"])
        elif tag in ("input", "textarea") and a.get("name"):
            fields.append({"name": a["name"], "kind": a.get("type", "text") if tag == "input" else "textarea",
                           "value": a.get("value", "")})

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _picked(client: Client, url: str) -> str | None:
    """The first row a picker offers this client (an empty search, then a few common characters)."""
    for query in ("", "镇", "村", "县", "王", "李", "张", "刘", "陈"):
        found = re.search(r'data-value="([^"]+)"', client.get(url, {"q": query}).content.decode())
        if found:
            return found.group(1)
    return None


def _form_data(form: dict[str, Any], picker_client: Client) -> tuple[dict[str, Any], bool]:
    """A filled form, its pickers' rows found as `picker_client` would; and whether it has a picker."""
    data: dict[str, Any] = {}
    has_picker = False
    for entry in form["fields"]:
        name, kind = entry["name"], entry["kind"]
        if kind == "picker":
            has_picker = True
            value = _picked(picker_client, entry["url"])
            if value is not None:
                data[name] = value
        elif kind == "select":
            if entry["options"]:
                data[name] = entry["options"][0]
        elif kind in ("hidden", "submit"):
            data.setdefault(name, entry["value"])
        elif kind in ("checkbox", "file", "radio"):
            continue
        elif kind == "date":
            data[name] = "2026-06-01"
        elif kind == "number":
            data[name] = "1"
        elif kind == "tel":
            data[name] = "13800138000"
        else:
            data[name] = "测试"
    return data, has_picker


def test_every_page_create_refuses_a_row_of_the_other_county(world: World) -> None:
    """A form that creates names its unit, cadre or wall through a picker. Filled with the other county's
    row (found through that county's own picker), it must not be saved, for every role that may use it."""
    carol = Client()
    carol.force_login(User.objects.get(username="carol"))
    wrong: list[str] = []
    saved_own = tried = 0
    for write in page_writes():
        if (write.scope is not None or write.arguments or write.route in NOT_DOMAIN_WRITES
                or write.key is not None):
            continue
        action = write.actions[None]
        assert action is not None
        for role, user in world.users.items():
            if not may(world.jurisdictions[role], action) or (write.gate and not may(world.jurisdictions[role],
                                                                                     write.gate)):
                continue
            client = Client()
            client.force_login(user)
            page = client.get("/" + write.route)
            if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
                continue  # a POST-only page (its form lives on another page) or a download
            parser = _Forms()
            parser.feed(page.content.decode())
            for form in parser.forms:
                target = form["action"] or "/" + write.route
                if target not in ("/" + write.route, "", "."):
                    continue
                other, has_picker = _form_data(form, carol)
                if not has_picker:
                    continue
                tried += 1
                own, _ = _form_data(form, client)
                saved_own += client.post("/" + write.route, own).status_code == 302
                status = client.post("/" + write.route, other).status_code
                if status == 302:
                    wrong.append(f"{write.label()} {role}: saved with the other county's rows {other}")
    assert not wrong, "\n".join(wrong)
    # not vacuous: the forms were found, and filled with the role's own rows many of them save
    assert tried >= 20 and saved_own >= 5, (tried, saved_own)
