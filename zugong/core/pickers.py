"""Search pickers: the options a person can pick in a form, found by what they type.

A form field that selects people or units uses `PickerField` / `PickerMultipleField` (core/forms.py):
the page carries only the chosen options, and `static/zugong/picker.js` asks the picker's URL for
matches as the person types (`?q=`, at most `LIMIT` rows, scoped to the jurisdiction). Each app owns
the picker of its own records (`cadres/pickers.py` for cadres); the shared parts live here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q

from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import Membership, OrgUnit
from zugong.core.orgtree import ancestor_paths
from zugong.core.selectors import org_units_visible

LIMIT = 20
MAX_QUERY = 40


@dataclass(frozen=True)
class PickerOption:
    value: int
    label: str
    detail: str  # what tells two options with the same label apart: unit, post, the unit's parents


def clean_query(raw: str) -> str:
    return " ".join(raw.split())[:MAX_QUERY]


def ancestor_names(units: Iterable[OrgUnit], *, jurisdiction: Jurisdiction) -> dict[int, str]:
    """"甲县 › 甲镇" for each unit: its visible ancestors, fetched for all units in one query."""
    wanted = {u.pk: ancestor_paths(u.path)[:-1] for u in units}
    paths = {p for chain in wanted.values() for p in chain}
    names = dict(org_units_visible(jurisdiction).filter(path__in=paths).values_list("path", "name")) if paths else {}
    return {pk: " › ".join(names[p] for p in chain if p in names) for pk, chain in wanted.items()}


def unit_options(jurisdiction: Jurisdiction, query: str, *, kinds: tuple[str, ...] = ()) -> list[PickerOption]:
    units = org_units_visible(jurisdiction)
    if kinds:
        units = units.filter(kind__in=kinds)
    if query:
        units = units.filter(Q(name__contains=query) | Q(short_name__contains=query) |
                             Q(division_code__startswith=query))
    rows = list(units.order_by("depth", "path")[:LIMIT])
    parents = ancestor_names(rows, jurisdiction=jurisdiction)
    return [PickerOption(u.pk, u.name, parents[u.pk]) for u in rows]


def users_visible(jurisdiction: Jurisdiction) -> Q:
    """Users holding a membership somewhere in the jurisdiction."""
    return Q(pk__in=Membership.objects.filter(jurisdiction.org_q("org_unit__")).values("user_id"))


def user_options(jurisdiction: Jurisdiction, query: str) -> list[PickerOption]:
    users = User.objects.filter(users_visible(jurisdiction), is_active=True)
    if query:
        users = users.filter(Q(username__startswith=query) | Q(first_name__startswith=query) |
                             Q(last_name__startswith=query))
    rows = list(users.order_by("username")[:LIMIT])
    roles: dict[int, list[str]] = {}
    for m in (Membership.objects.filter(user_id__in=[u.pk for u in rows]).filter(jurisdiction.org_q("org_unit__"))
              .select_related("org_unit").order_by("pk")):
        roles.setdefault(m.user_id, []).append(f"{m.org_unit.name} · {m.get_role_display()}")
    return [PickerOption(u.pk, u.get_full_name() or u.username, "；".join(roles.get(u.pk, []))) for u in rows]
