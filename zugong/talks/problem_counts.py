"""Pluggable counts of problems per unit (问题较多的部门、单位, R05).

The masswork (petitions) and problem-archive modules register a counter here once they exist;
until then the count is 0 and no problem-unit trigger is raised. A counter takes unit ids and a
period and returns {unit_id: count}; the counts of every registered counter are added up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

ProblemCounter = Callable[[list[int], date, date], dict[int, int]]

_counters: dict[str, ProblemCounter] = {}


def register_problem_counter(name: str, counter: ProblemCounter) -> None:
    _counters[name] = counter


def unregister_problem_counter(name: str) -> None:
    _counters.pop(name, None)


def problem_counts(unit_ids: list[int], start: date, end: date) -> dict[int, int]:
    totals: dict[int, int] = {}
    if not unit_ids:
        return totals
    for counter in _counters.values():
        for unit_id, count in counter(unit_ids, start, end).items():
            totals[unit_id] = totals.get(unit_id, 0) + count
    return totals
