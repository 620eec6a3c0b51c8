"""Every user-facing read of the talks app, scoped to the caller's jurisdiction.

Cadres and org units have their own owners: `zugong.cadres.selectors.cadres_visible/cadre_get` and
`zugong.core.selectors.org_unit_get`; talks calls them and does not re-implement them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from zugong.cadres.models import Cadre
from zugong.core.api_queries import CompiledRead, ShapedRead
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Grant, Jurisdiction, scope
from zugong.core.models import PATH_UPPER_SENTINEL, OrgUnit
from zugong.talks.models import (
    ALLOWED,
    Interview,
    InterviewSituation,
    InterviewStatus,
    SupervisionAction,
    Talk,
    Talker,
    TalkPlan,
    TalkPlanItem,
    TalkTrigger,
    TriggerStatus,
)

NOT_FOUND = "未找到，或不在您的管辖范围内"


def talks_visible(jurisdiction: Jurisdiction) -> QuerySet[Talk]:
    return scope(Talk.objects.select_related("org_unit", "trigger").prefetch_related(
        Prefetch("talkers", queryset=Talker.objects.order_by("role", "pk")),
        Prefetch("talkees", queryset=Cadre.objects.select_related("org_unit").order_by("pk"))), jurisdiction)


def talk_list(jurisdiction: Jurisdiction, *, kind: str = "", start: date | None = None, end: date | None = None,
              cadre_id: int | None = None) -> QuerySet[Talk]:
    talks = talks_visible(jurisdiction)
    if kind:
        talks = talks.filter(kind=kind)
    if start:
        talks = talks.filter(held_on__gte=start)
    if end:
        talks = talks.filter(held_on__lte=end)
    if cadre_id:
        talks = talks.filter(talkees__pk=cadre_id)
    return talks.order_by("-held_on", "-pk")


@dataclass(frozen=True)
class TalkRow:
    """One talk of a list as plain values: the list endpoint reads these, not model instances with prefetched
    managers (at 50 talks those cost more than the queries)."""

    id: int
    held_on: date
    kind: str
    org_unit_id: int
    org_unit: str
    org_path: str
    place: str
    topics: str
    summary: str
    talkers: tuple[str, ...]
    talker_user_ids: frozenset[int]
    talkees: tuple[str, ...]


def _talkers_of(talk_ids: list[int]) -> QuerySet[Any]:
    return (Talk.talkers.through.objects.filter(talk_id__in=talk_ids).order_by("talker__role", "talker_id")
            .values_list("talk_id", "talker__name", "talker__user_id"))


def _talkees_of(talk_ids: list[int]) -> QuerySet[Any]:
    return (Talk.talkees.through.objects.filter(talk_id__in=talk_ids).order_by("cadre_id")
            .values_list("talk_id", "cadre__name"))


# The talkers and talkees of a page of talks already scoped: SQL compiled once per page size, not per request.
TALKERS_OF = CompiledRead(_talkers_of, talk_ids=[-424242])
TALKEES_OF = CompiledRead(_talkees_of, talk_ids=[-424242])


def talk_rows(jurisdiction: Jurisdiction, *, kind: str = "", start: date | None = None, end: date | None = None,
              offset: int = 0, limit: int = 100) -> list[TalkRow]:
    """A page of `talk_list` in three queries whatever its size: the talks, their talkers, their talkees
    (talkers in the order `talks_visible` prefetches them, by role then pk; talkees by pk). A page without dates
    runs SQL compiled once per shape (`PAGE_READ`); any other is compiled by the ORM on each request."""
    shaped = _page_shape(jurisdiction, kind=kind, start=start, end=end, offset=offset, limit=limit)
    if shaped is not None:
        talks: list[Any] = PAGE_READ.rows(*shaped)[1]
    else:
        talks = list(_page(talk_list(jurisdiction, kind=kind, start=start, end=end), offset, limit))
    ids = [t[0] for t in talks]
    talkers: dict[int, list[tuple[str, int | None]]] = {pk: [] for pk in ids}
    for talk_id, name, user_id in TALKERS_OF.rows(talk_ids=ids):
        talkers[talk_id].append((name, user_id))
    talkees: dict[int, list[str]] = {pk: [] for pk in ids}
    for talk_id, name in TALKEES_OF.rows(talk_ids=ids):
        talkees[talk_id].append(name)
    return [TalkRow(id=pk, held_on=held_on, kind=kind_, org_unit_id=unit_id, org_unit=unit, org_path=path,
                    place=place, topics=topics, summary=summary,
                    talkers=tuple(name for name, _ in talkers[pk]),
                    talker_user_ids=frozenset(u for _, u in talkers[pk] if u is not None),
                    talkees=tuple(talkees[pk]))
            for pk, held_on, kind_, unit_id, unit, path, place, topics, summary in talks]


def _page(talks: QuerySet[Talk], offset: int, limit: int) -> QuerySet[Any]:
    return talks.prefetch_related(None).values_list(*ROW_VALUES)[offset:offset + limit]


ROW_VALUES = ("pk", "held_on", "kind", "org_unit_id", "org_unit__name", "org_unit__path", "place", "topics", "summary")


# -- a page's SQL, compiled once per shape (issue 17, item 8) ----------------------------------------------------
# Compiling the scoped, ordered page cost the API's list a large share of its CPU. Without dates its SQL depends
# only on whether a kind is given, the number of the jurisdiction's subtrees, the page size and the offset (LIMIT
# and OFFSET are literals in Django's SQL); the kind and the subtrees' paths are the statement's parameters. Only
# the first PAGES pages of a size are compiled, and at most MAX_SHAPES statements are kept per process: any
# other page is compiled by the ORM on each request, as is a page between dates.

PAGES = 10
MAX_SHAPES = 100

PageShape = tuple[bool, int, int, int]  # kind given, number of subtrees, offset, page size


def _page_shape(jurisdiction: Jurisdiction, *, kind: str, start: date | None, end: date | None, offset: int,
                limit: int) -> tuple[PageShape, dict[str, str | int]] | None:
    """The shape and values of a page read through `PAGE_READ`, or None when the ORM reads it (dates, an empty
    jurisdiction or page, an offset that is not one of the first PAGES pages, no room for another shape)."""
    if start is not None or end is not None or jurisdiction.is_empty or limit < 1:
        return None
    if offset % limit or not 0 <= offset // limit < PAGES:
        return None
    values: dict[str, str | int] = {f"root{i}": path for i, path in enumerate(jurisdiction.paths)}
    if kind:
        values["kind"] = kind
    shape = (bool(kind), len(jurisdiction.paths), offset, limit)
    return (shape, values) if PAGE_READ.keeps(shape) else None


def _page_sentinels(shape: PageShape) -> dict[str, str | int]:
    has_kind, roots, _, _ = shape
    values: dict[str, str | int] = {f"root{i}": f"\x01root{i}\x01" for i in range(roots)}
    if has_kind:
        values["kind"] = "\x01kind\x01"
    return values


def _page_build(shape: PageShape, values: dict[str, Any]) -> QuerySet[Any]:
    has_kind, roots, offset, limit = shape
    jurisdiction = Jurisdiction(user_id=None, grants=tuple(Grant(path=values[f"root{i}"], role="", org_unit_id=0)
                                                         for i in range(roots)))
    return _page(talk_list(jurisdiction, kind=values["kind"] if has_kind else ""), offset, limit)


PAGE_READ = ShapedRead(_page_build, _page_sentinels, suffixes=(PATH_UPPER_SENTINEL,), max_shapes=MAX_SHAPES)


def talk_get(jurisdiction: Jurisdiction, pk: int) -> Talk:
    talk = talks_visible(jurisdiction).prefetch_related("follow_ups").filter(pk=pk).first()
    if talk is None:
        raise NotFound(NOT_FOUND)
    return talk


def talkers_visible(jurisdiction: Jurisdiction) -> QuerySet[Talker]:
    return scope(Talker.objects.filter(active=True).select_related("org_unit"), jurisdiction)


def triggers_visible(jurisdiction: Jurisdiction, *, status: str = TriggerStatus.OPEN) -> QuerySet[TalkTrigger]:
    triggers = scope(TalkTrigger.objects.select_related("cadre", "org_unit", "satisfied_by"), jurisdiction)
    return triggers.filter(status=status) if status else triggers


def interviews_visible(jurisdiction: Jurisdiction) -> QuerySet[Interview]:
    return scope(Interview.objects.select_related("org_unit", "team", "cadre", "team_head")
                 .prefetch_related("situations"), jurisdiction)


def interview_get(jurisdiction: Jurisdiction, pk: int) -> Interview:
    interview = interviews_visible(jurisdiction).filter(pk=pk).first()
    if interview is None:
        raise NotFound(NOT_FOUND)
    return interview


def situations_active() -> QuerySet[InterviewSituation]:
    """The configurable situation lists are reference data, the same everywhere."""
    return InterviewSituation.objects.filter(active=True).order_by("scope", "sort_order", "code")


def supervision_visible(jurisdiction: Jurisdiction) -> QuerySet[SupervisionAction]:
    return scope(SupervisionAction.objects.select_related("cadre", "org_unit"), jurisdiction)


def plan_get(jurisdiction: Jurisdiction, org_unit: OrgUnit, year: int) -> TalkPlan | None:
    return scope(TalkPlan.objects.filter(org_unit=org_unit, year=year), jurisdiction).first()


@dataclass
class CoverageRow:
    label: str
    planned: int = 0
    done: int = 0

    @property
    def rate(self) -> float:
        return self.done / self.planned if self.planned else 1.0


@dataclass
class PlanCoverage:
    overall: CoverageRow
    by_talker: list[CoverageRow] = field(default_factory=list)
    by_unit: list[CoverageRow] = field(default_factory=list)
    not_yet: list[TalkPlanItem] = field(default_factory=list)


def plan_items_with_done(plan: TalkPlan) -> QuerySet[TalkPlanItem]:
    through = Talk.talkees.through
    done = Exists(through.objects.filter(cadre_id=OuterRef("talkee_id"), talk__held_on__year=plan.year))
    return (plan.items.select_related("talker", "talkee", "talkee_unit").annotate(done=done)
            .order_by("talker__role", "talker__name", "talkee_unit__path", "talkee__name"))


def plan_coverage(plan: TalkPlan) -> PlanCoverage:
    """Coverage of a plan: a talkee counts as talked with after any talk with them in the plan's year."""
    overall = CoverageRow("合计")
    talkers: dict[str, CoverageRow] = {}
    units: dict[str, CoverageRow] = {}
    not_yet: list[TalkPlanItem] = []
    for item in plan_items_with_done(plan):
        talker = str(item.talker) if item.talker else "（未分配谈话人）"
        done = bool(item.done)  # type: ignore[attr-defined]
        for row in (overall, talkers.setdefault(talker, CoverageRow(talker)),
                    units.setdefault(item.talkee_unit.name, CoverageRow(item.talkee_unit.name))):
            row.planned += 1
            row.done += done
        if not done:
            not_yet.append(item)
    return PlanCoverage(overall, list(talkers.values()), list(units.values()), not_yet)


# ---------------------------------------------------------------- the home page's due items (core.views.home)

def triggers_due(jurisdiction: Jurisdiction) -> QuerySet[TalkTrigger]:
    """The open 五必谈 triggers, the earliest due date first."""
    return triggers_visible(jurisdiction).order_by("due_on", "pk")


def plan_coverage_totals(jurisdiction: Jurisdiction, year: int) -> CoverageRow:
    """Planned and done talks of every plan of `year` in the jurisdiction, in one query (rule of `plan_coverage`)."""
    through = Talk.talkees.through
    done = Exists(through.objects.filter(cadre_id=OuterRef("talkee_id"), talk__held_on__year=year))
    items = scope(TalkPlanItem.objects.filter(plan__year=year), jurisdiction, org_field="plan__org_unit")
    totals = items.aggregate(planned=Count("pk"), done=Count("pk", filter=done))
    return CoverageRow("合计", totals["planned"], totals["done"])


def interviews_open_by_status(jurisdiction: Jurisdiction) -> list[tuple[str, str, int]]:
    """(status, label, count) of the 约谈 that still have a step ahead, in the order of the procedure."""
    open_states = [s for s in InterviewStatus if ALLOWED[s]]
    rows = dict(scope(Interview.objects.filter(status__in=open_states), jurisdiction).order_by()
                .values_list("status").annotate(n=Count("pk")))
    return [(s.value, str(s.label), rows[s.value]) for s in open_states if rows.get(s.value)]
