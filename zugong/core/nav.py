"""The navigation of the UI shell: each app registers its entries in AppConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    order: int = 100
    roles: frozenset[str] = frozenset()  # empty: everyone signed in


_items: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    _items[item.key] = item


def nav_items() -> list[NavItem]:
    return sorted(_items.values(), key=lambda i: (i.order, i.key))
