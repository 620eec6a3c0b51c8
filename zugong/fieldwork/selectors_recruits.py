"""R23, township recruits (新录用乡镇公务员): years in the township, the approval a move out needs between
[2] and [3] years, and the turnover report of any unit and window, generated from the roster:
"近五年新招录 11 人，在编在岗 5 人，调离或借调 6 人，平均在乡镇工作年限不足 3 年".

A recruit's township is the township holding the first post they took on or after the recruitment day (or,
with no post history, the township of their current unit). They are counted as left (调离) when their
unit is outside that township, seconded (借调) while a secondment outside it is open, in post otherwise.
Three statements whatever the number of recruits: the townships, the recruits, their posts; nothing per row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from zugong.cadres.dates import add_years
from zugong.cadres.models import Cadre, CadreStatus, PostHolding
from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.orgtree import ancestor_paths, subtree_q
from zugong.fieldwork.models import TransferApproval
from zugong.rules.registry import param


def years_between(start: date, end: date) -> Decimal:
    """Years from `start` to `end`, to one decimal (whole years plus the days of the last one)."""
    whole = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    anniversary = add_years(start, whole)
    return (Decimal(whole) + Decimal((end - anniversary).days) / Decimal(365)).quantize(Decimal("0.1"))


def approvals_visible(jurisdiction: Jurisdiction) -> QuerySet[TransferApproval]:
    return scope(TransferApproval.objects.all(), jurisdiction, "cadre__org_unit").select_related("cadre")


def approval_in_force(cadre: Cadre, on: date, kind: str) -> TransferApproval | None:
    """The approval that lets a recruit with [2] to [3] years move out on `on` (for the cadres app's R23 gate)."""
    return (TransferApproval.objects.filter(cadre=cadre, kind=kind, approved_on__lte=on, valid_until__gte=on)
            .order_by("-approved_on").first())


def approved_cadre_ids(cadre_ids: list[int], on: date, kind: str) -> set[int]:
    """Of `cadre_ids`, those with an approval of `kind` in force on `on` (`approval_in_force` for many, one query)."""
    return set(TransferApproval.objects.filter(cadre_id__in=cadre_ids, kind=kind, approved_on__lte=on,
                                               valid_until__gte=on).values_list("cadre_id", flat=True))


@dataclass
class Recruit:
    id: int
    name: str
    recruited_on: date
    township: str
    state: str  # "在岗" / "调离" / "借调"
    years: Decimal


@dataclass
class TownshipTurnover:
    name: str
    recruits: int = 0
    in_post: int = 0
    moved: int = 0
    total_years: Decimal = Decimal(0)

    @property
    def average_years(self) -> Decimal:
        return (self.total_years / self.recruits).quantize(Decimal("0.1")) if self.recruits else Decimal(0)


@dataclass
class TurnoverReport:
    unit: OrgUnit
    start: date
    end: date
    min_years: int
    rows: list[TownshipTurnover] = field(default_factory=list)
    recruits: list[Recruit] = field(default_factory=list)

    @property
    def total(self) -> TownshipTurnover:
        total = TownshipTurnover(self.unit.name)
        for row in self.rows:
            total.recruits += row.recruits
            total.in_post += row.in_post
            total.moved += row.moved
            total.total_years += row.total_years
        return total

    def sentence(self) -> str:
        t = self.total
        span = years_between(self.start, self.end)
        head = f"近{int(span.to_integral_value())}年" if span == span.to_integral_value() else \
            f"{self.start:%Y年%m月%d日}至{self.end:%Y年%m月%d日}"
        tail = (f"平均在乡镇工作年限不足 {self.min_years} 年（{t.average_years} 年）" if t.average_years < self.min_years
                else f"平均在乡镇工作 {t.average_years} 年")
        return f"{self.unit.name}{head}新招录 {t.recruits} 人，在编在岗 {t.in_post} 人，调离或借调 {t.moved} 人，{tail}"


@dataclass(frozen=True)
class _Person:
    id: int
    name: str
    recruited_on: date
    path: str
    serving: bool


@dataclass(frozen=True)
class _Holding:
    path: str
    valid_from: date
    valid_to: date | None
    seconded: bool


def _state(person: _Person, township: str, holdings: list[_Holding], on: date) -> tuple[str, date]:
    """(state, the day the recruit stopped working in the township, or `on`)."""
    outside = [h for h in holdings if not h.path.startswith(township) and h.valid_from <= on]
    if not person.path.startswith(township) or not person.serving:
        return "调离", min((h.valid_from for h in outside if not h.seconded), default=on)
    seconded = [h for h in outside if h.seconded and (h.valid_to is None or h.valid_to > on)]
    if seconded:
        return "借调", min(h.valid_from for h in seconded)
    return "在岗", on


def _home_township(person: _Person, holdings: list[_Holding], townships: dict[str, str]) -> str | None:
    first = next((h for h in holdings if h.valid_from >= person.recruited_on), None)
    for path in ([first.path] if first is not None else []) + [person.path]:
        home = next((p for p in ancestor_paths(path) if p in townships), None)
        if home is not None:
            return home
    return None


def turnover(jurisdiction: Jurisdiction, unit: OrgUnit, *, start: date, end: date) -> TurnoverReport:
    """The recruits of `unit`'s townships recruited in [start, end], as they stand on `end`."""
    if not jurisdiction.contains(unit):
        raise NotFound("未找到该单位，或不在您的管辖范围内")
    townships = dict(OrgUnit.objects.filter(subtree_q(unit.path), kind=OrgKind.TOWNSHIP).values_list("path", "name"))
    report = TurnoverReport(unit, start, end, _min_years(unit, end))
    if not townships:
        return report
    under_unit = subtree_q(unit.path, "org_unit__")
    people = [_Person(pk, name, recruited, path, status == CadreStatus.SERVING)
              for pk, name, recruited, path, status in
              Cadre.objects.filter(township_recruit_on__gte=start, township_recruit_on__lte=end)
              .filter(Q(under_unit) | Q(pk__in=PostHolding.objects.filter(under_unit).values("cadre_id")))
              .order_by("id").values_list("id", "name", "township_recruit_on", "org_unit__path", "status")
              if recruited is not None]  # (the filter above ensures it)
    holdings: dict[int, list[_Holding]] = {}
    for cadre_id, path, valid_from, valid_to, method in (
            PostHolding.objects.filter(cadre_id__in=[p.id for p in people]).order_by("cadre_id", "valid_from", "pk")
            .values_list("cadre_id", "org_unit__path", "valid_from", "valid_to", "appointment_method")):
        holdings.setdefault(cadre_id, []).append(_Holding(path, valid_from, valid_to, method == "借调"))
    rows = {path: TownshipTurnover(name) for path, name in sorted(townships.items())}
    for person in people:
        own = holdings.get(person.id, [])
        home = _home_township(person, own, townships)
        if home is None:
            continue
        state, until = _state(person, home, own, end)
        years = years_between(person.recruited_on, max(until, person.recruited_on))
        row = rows[home]
        row.recruits += 1
        row.total_years += years
        row.in_post += state == "在岗"
        row.moved += state != "在岗"
        report.recruits.append(Recruit(person.id, person.name, person.recruited_on, row.name, state, years))
    report.rows = [row for row in rows.values() if row.recruits]
    return report


def _min_years(unit: OrgUnit, on: date) -> int:
    return int(param("R23", "min_years_in_township", org_unit=unit, on=on))


def report_window(text_from: str, text_to: str, today: date) -> tuple[date, date]:
    """The report's window from ISO dates; the last five years to today by default."""
    try:
        end = date.fromisoformat(text_to) if text_to else today
        start = date.fromisoformat(text_from) if text_from else add_years(end, -5)
    except ValueError:
        raise ValidationFailed("日期格式应为 2025-01-31") from None
    if start > end:
        raise ValidationFailed("开始日期不能晚于结束日期")
    return start, end
