"""The gates other modules register for 确定考察对象 ("R23 and other registered gates apply here too"), as talks
registers its problem-unit counters: a module registers a set-based function under a code, and the candidate step
(`services.selections.candidate_add`) and its preview (`flow.shortlist_preview`) apply every registered gate
without naming it.

A gate takes the cadres being considered (their `org_unit` loaded; `.pk` their ids), the selection's unit and the
day, and returns {cadre id: reason} for those it refuses — one call for all of them, never one per cadre. A reason
that does not already say "不符合…" is prefixed "不符合{code}（{title}）：" (the register's title for a rule's code,
else the title given at registration). With `switch=True` (the default) a gate whose code is a rule of the register
switched off at the selection's unit on that day is skipped; a gate that reads its own switch (R23 reads it per
cadre's unit) registers with `switch=False`. Gates run in registration order; the first refusal of a cadre is the
one kept. R18 and R17 stay in the step itself and run first: R18's shield is this app's own archive, and R17 reads
the selection's own votes. Codes are at most 8 characters (`CandidateRefusal.gate`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit

ShortlistGate = Callable[..., dict[int, str]]  # (cadres, *, org_unit, on) -> {cadre id: reason}


@dataclass(frozen=True)
class RegisteredGate:
    code: str
    func: ShortlistGate
    title: str
    switch: bool


_gates: dict[str, RegisteredGate] = {}


def register_shortlist_gate(code: str, func: ShortlistGate, *, title: str = "", switch: bool = True) -> None:
    if not 0 < len(code) <= 8:
        raise ValueError(f"gate code {code!r}: 1 to 8 characters")
    _gates[code] = RegisteredGate(code, func, title, switch)


def unregister_shortlist_gate(code: str) -> None:
    _gates.pop(code, None)


def registered_gates() -> list[str]:
    return list(_gates)


def _prefix(gate: RegisteredGate, reason: str) -> str:
    if reason.startswith("不符合"):
        return reason
    from zugong.rules.params import BY_CODE, rule_title

    title = rule_title(gate.code) if gate.code in BY_CODE else gate.title
    return f"不符合{gate.code}（{title or gate.code}）：{reason}"


def shortlist_refusals(cadres: Sequence[Cadre], *, org_unit: OrgUnit, on: date) -> dict[int, tuple[str, str]]:
    """Every registered gate over `cadres`: {cadre id: (code, reason)} for the cadres refused (first gate wins)."""
    from zugong.rules.params import BY_CODE
    from zugong.rules.registry import rule_enabled

    refused: dict[int, tuple[str, str]] = {}
    left = list(cadres)
    for gate in list(_gates.values()):
        if not left:
            break
        if gate.switch and gate.code in BY_CODE and not rule_enabled(gate.code, org_unit=org_unit, on=on):
            continue
        for pk, reason in gate.func(left, org_unit=org_unit, on=on).items():
            if reason and pk not in refused:
                refused[pk] = (gate.code, _prefix(gate, reason))
        left = [c for c in left if c.pk not in refused]
    return refused


SHORTLIST_ACTION = "列为乡镇以外职务的考察对象"


def r23_gate(cadres: Sequence[Cadre], *, org_unit: OrgUnit, on: date) -> dict[int, str]:
    """R23 (the cadres app's rule) over every new township recruit at once (`cadres.services.r23_refusals`); its
    switch is read per recruit's unit there."""
    from zugong.cadres.services import r23_refusals

    return {pk: exc.message for pk, exc in r23_refusals(cadres, target=org_unit, on=on, action=SHORTLIST_ACTION).items()}
