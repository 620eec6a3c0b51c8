"""Reads of R26: the topic lists (调研课题) of the jurisdiction, the org-department leaders who must lead
1–2 topics and spend [90] days a year in the field, and their field days: stays and research trips (this
app's `FieldDay` rows) and household visits (masswork's 入户走访 made by the leader), a day counted once
however many of them fall on it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from zugong.cadres.models import Cadre
from zugong.cadres.selectors import cadres_visible
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import OrgUnit
from zugong.fieldwork.models import FieldDay, ResearchTopic, ResearchTrip, TopicCall
from zugong.fieldwork.selectors import org_department_cadres_q
from zugong.masswork.models import HouseholdVisit
from zugong.rules.registry import param


def org_department_leaders_q(prefix: str = "") -> Q:
    """County-and-above org-department leaders: leading (实职) cadres of a 组织部 (departments hang under a
    county, city or province)."""
    return org_department_cadres_q(prefix) & Q(**{f"{prefix}is_leading": True})


def field_day_rows(start: date, end: date, cadre_ids: list[int] | None = None) -> QuerySet[Any]:
    """One row per leader and day in the field between `start` and `end`: the UNION (which removes duplicates)
    of their stay and trip days and the days they visited households; columns `subject_id`, `event_date`.
    Visits are read only for org-department leaders (those R26 counts), not over the whole of masswork's table."""
    leaders = Cadre.objects.filter(org_department_leaders_q()).values("id")
    days = FieldDay.objects.filter(day__gte=start, day__lte=end)
    visits = HouseholdVisit.objects.filter(visited_on__gte=start, visited_on__lte=end, cadre_id__in=leaders)
    if cadre_ids is not None:
        days, visits = days.filter(cadre_id__in=cadre_ids), visits.filter(cadre_id__in=cadre_ids)
    return (days.order_by().values(subject_id=F("cadre_id"), event_date=F("day"))
            .union(visits.order_by().values(subject_id=F("cadre_id"), event_date=F("visited_on"))))


def field_day_counts(cadre_ids: list[int], year: int) -> dict[int, int]:
    """Field days of each cadre in the year, counted over `field_day_rows` in one statement."""
    if not cadre_ids:
        return {}
    rows = field_day_rows(date(year, 1, 1), date(year, 12, 31), cadre_ids)
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.subject_id, COUNT(*) FROM ({sql}) d GROUP BY d.subject_id", params)
        return {int(pk): int(n) for pk, n in cursor.fetchall()}


def leaders_visible(jurisdiction: Jurisdiction) -> QuerySet[Cadre]:
    return cadres_visible(jurisdiction).filter(org_department_leaders_q()).select_related("org_unit")


def calls_visible(jurisdiction: Jurisdiction) -> QuerySet[TopicCall]:
    return scope(TopicCall.objects.all(), jurisdiction).select_related("org_unit")


def topics_visible(jurisdiction: Jurisdiction) -> QuerySet[ResearchTopic]:
    return scope(ResearchTopic.objects.all(), jurisdiction, "call__org_unit").select_related("call__org_unit",
                                                                                             "leader")


def topic_get(jurisdiction: Jurisdiction, pk: int) -> ResearchTopic:
    topic = topics_visible(jurisdiction).filter(pk=pk).first()
    if topic is None:
        raise NotFound("未找到该调研课题，或不在您的管辖范围内")
    return topic


def trips_visible(jurisdiction: Jurisdiction) -> QuerySet[ResearchTrip]:
    return scope(ResearchTrip.objects.all(), jurisdiction, "cadre__org_unit").select_related("cadre", "topic")


def leader_year(jurisdiction: Jurisdiction, unit: OrgUnit, year: int) -> list[dict[str, Any]]:
    """Each org-department leader under `unit` with the year's field days and topics led, against R26's
    parameters at `unit`. Three statements: the leaders, their field days, their topics."""
    if not jurisdiction.contains(unit):
        raise NotFound("未找到该单位，或不在您的管辖范围内")
    on = date(year, 12, 31)
    min_days = float(param("R26", "min_total", org_unit=unit, on=on) or 0)
    min_topics = int(param("R26", "topics.min_total", org_unit=unit, on=on))
    max_topics = int(param("R26", "topics.max_topics", org_unit=unit, on=on))
    leaders = list(Cadre.objects.filter(org_department_leaders_q(), org_unit__path__startswith=unit.path)
                   .order_by("org_unit__path", "name").values_list("id", "name", "org_unit__name"))
    ids = [pk for pk, _, _ in leaders]
    days = field_day_counts(ids, year)
    topics = dict(ResearchTopic.objects.filter(leader_id__in=ids, call__year=year).order_by().values("leader_id")
                  .annotate(n=Count("id")).values_list("leader_id", "n"))
    return [{"id": pk, "name": name, "unit": unit_name, "field_days": days.get(pk, 0), "topics": topics.get(pk, 0),
             "days_ok": days.get(pk, 0) >= min_days, "topics_ok": min_topics <= topics.get(pk, 0) <= max_topics,
             "min_days": int(min_days), "min_topics": min_topics, "max_topics": max_topics}
            for pk, name, unit_name in leaders]
