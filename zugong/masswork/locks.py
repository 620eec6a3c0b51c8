"""Row locks of the masswork app: every `select_for_update` of the app lives here.

Each lock takes only its own row (`of=("self",)`: no join may make PostgreSQL lock an OrgUnit too),
ordered by pk, and returns the locked row; the service then checks and changes that row and saves it
with `update_fields`. Two group leaders dispatching the same order: the second waits on the row lock,
then sees the order already dispatched and is refused (409).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet

from zugong.core.errors import NotFound
from zugong.masswork.models import DutyShift, LedgerEntry, Pairing, Petition, ServiceOrder, Wall

M = TypeVar("M", bound=Model)


def _lock_one(rows: QuerySet[M], pk: int, missing: str) -> M:
    row = rows.select_for_update(of=("self",)).filter(pk=pk).order_by("pk").first()
    if row is None:
        raise NotFound(missing)
    return row


def lock_order(order_id: int) -> ServiceOrder:
    return _lock_one(ServiceOrder.objects.all(), order_id, "未找到该点单")


def lock_wall(wall_id: int) -> Wall:
    return _lock_one(Wall.objects.all(), wall_id, "未找到该民心墙")


def lock_petition(petition_id: int) -> Petition:
    return _lock_one(Petition.objects.all(), petition_id, "未找到该信访事项")


def lock_duty_shift(shift_id: int) -> DutyShift:
    return _lock_one(DutyShift.objects.all(), shift_id, "未找到该值班")


def lock_pairing(pairing_id: int) -> Pairing:
    return _lock_one(Pairing.objects.all(), pairing_id, "未找到该结对记录")


def lock_ledger_entry(entry_id: int) -> LedgerEntry:
    return _lock_one(LedgerEntry.objects.all(), entry_id, "未找到该台账事项")


def lock_ledger_entries(entry_ids: Iterable[int], *, org_unit_id: int) -> list[LedgerEntry]:
    """The entries of one township among `entry_ids`, locked in pk order (others are left out)."""
    return list(LedgerEntry.objects.select_for_update(of=("self",))
                .filter(pk__in=list(entry_ids), org_unit_id=org_unit_id).order_by("pk"))
