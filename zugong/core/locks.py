"""Row locks for core objects: select_for_update ordered by pk, in one place."""

from __future__ import annotations

from django.db.models import QuerySet

from zugong.core.models import OrgUnit


def lock_org_units(ids: list[int]) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.select_for_update().filter(pk__in=ids).order_by("pk")
