"""Domain events: an explicit registry that modules subscribe to.

A service publishes an event inside its transaction (`publish("post_changed", ...)`); each
subscriber runs in the same transaction, so the change and its consequences commit or roll back
together. Subscribers register in their AppConfig.ready(); nothing is discovered by magic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Handler = Callable[..., None]

KNOWN_EVENTS: dict[str, str] = {
    "post_changed": "cadre, old_holding (or None), new_holding (or None), actor — a cadre's post changed",
    "cadre_flagged": "cadre, flag, actor — staff flagged a cadre (有想法/有反映, hardship, illness)",
    "org_unit_created": "org_unit, actor",
}

_subscribers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event: str, handler: Handler) -> None:
    if event not in KNOWN_EVENTS:
        raise KeyError(f"unknown domain event {event!r}; declare it in KNOWN_EVENTS first")
    if handler not in _subscribers[event]:
        _subscribers[event].append(handler)


def declare(event: str, description: str) -> None:
    KNOWN_EVENTS.setdefault(event, description)


def publish(event: str, **payload: Any) -> None:
    if event not in KNOWN_EVENTS:
        raise KeyError(f"unknown domain event {event!r}")
    for handler in list(_subscribers[event]):
        handler(**payload)


def subscribers(event: str) -> list[Handler]:
    return list(_subscribers[event])
