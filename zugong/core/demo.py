"""The demo province (示范省, division code 990000): a registry of contributors.

Each app adds its own demo data in `zugong/<app>/demo_data.py` with `@demo_contributor(...)`; the `demo`
command imports those modules and runs the contributors in `order`. Everything is derived from the
seed, so the same seed gives the same province.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TextIO

Scale = Literal["small", "province"]


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    org_name: str
    note: str = ""


@dataclass
class DemoContext:
    scale: Scale
    seed: int
    today: date
    out: TextIO
    # Contributors leave handles here for later ones ("province", "counties", "cadres", …).
    data: dict[str, Any] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        """A generator of its own for each contributor, so adding one never reshuffles another."""
        return random.Random(self.seed * 1_000_003 + zlib.crc32(name.encode("utf-8")))

    def say(self, message: str) -> None:
        self.out.write(message + "\n")


Contributor = Callable[[DemoContext], None]


@dataclass(frozen=True)
class Registered:
    name: str
    order: int
    func: Contributor


_registry: dict[str, Registered] = {}


def demo_contributor(name: str, *, order: int) -> Callable[[Contributor], Contributor]:
    """Register `func` to add demo data. Lower `order` runs first; core's org tree is order 0."""

    def decorate(func: Contributor) -> Contributor:
        _registry[name] = Registered(name=name, order=order, func=func)
        return func

    return decorate


def contributors() -> list[Registered]:
    return sorted(_registry.values(), key=lambda r: (r.order, r.name))
