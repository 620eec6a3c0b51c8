"""The navigation of the UI shell, grouped by domain.

Each app registers its entries in `AppConfig.ready()`. An entry names the action of the permission
table that its page requires (`@page(action=...)`), so the menu and the view cannot disagree: a person
sees exactly the entries whose pages they may open.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import may, permission

# The domains of the menu, in order (issue: navigation by domain and role).
DOMAINS: dict[str, str | Promise] = {
    "home": _("工作台"),
    "cadres": _("干部"),
    "supervision": _("监督"),
    "talks": _("谈话"),
    "masswork": _("群众工作"),
    "grassroots": _("基层"),
    "rules": _("制度执行"),
    "stats": _("统计"),
}


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    action: str
    domain: str = "home"
    order: int = 100


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url: str
    active: bool


@dataclass(frozen=True)
class NavGroup:
    domain: str
    label: str | Promise
    entries: tuple[NavEntry, ...]

    @property
    def active(self) -> bool:
        return any(e.active for e in self.entries)


_items: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    if item.domain not in DOMAINS:
        raise LookupError(f"unknown menu domain {item.domain!r}: one of {', '.join(DOMAINS)}")
    permission(item.action)
    _items[item.key] = item


def nav_items() -> list[NavItem]:
    return sorted(_items.values(), key=lambda i: (list(DOMAINS).index(i.domain), i.order, i.key))


def _active_url(urls: list[str], current_path: str) -> str | None:
    """The one entry the page belongs to: the longest URL that is a prefix of the path."""
    matches = [u for u in urls if (current_path == u if u == "/" else current_path.startswith(u))]
    return max(matches, key=len, default=None)


def menu_for(jurisdiction: Jurisdiction, current_path: str) -> list[NavGroup]:
    """The menu of one person: only the entries whose action their roles allow, grouped by domain."""
    allowed: list[tuple[NavItem, str]] = []
    for item in nav_items():
        if not may(jurisdiction, item.action):
            continue
        try:
            allowed.append((item, reverse(item.url_name)))
        except NoReverseMatch:
            continue
    active = _active_url([url for _item, url in allowed], current_path)
    groups: dict[str, list[NavEntry]] = {}
    for item, url in allowed:
        groups.setdefault(item.domain, []).append(NavEntry(item.key, item.label, url, url == active))
    return [NavGroup(domain, DOMAINS[domain], tuple(entries)) for domain, entries in groups.items()]
