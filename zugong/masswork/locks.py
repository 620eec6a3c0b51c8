"""Row locks of the masswork app: select_for_update ordered by pk, in one place.

Two group leaders dispatching the same order: the second waits on the row lock, then sees the order
already dispatched and is refused (409).
"""

from __future__ import annotations

from zugong.core.errors import NotFound
from zugong.masswork.models import Petition, ServiceOrder


def lock_order(order_id: int) -> ServiceOrder:
    order = ServiceOrder.objects.select_for_update().filter(pk=order_id).order_by("pk").first()
    if order is None:
        raise NotFound("未找到该点单")
    return order


def lock_petition(petition_id: int) -> Petition:
    petition = Petition.objects.select_for_update().filter(pk=petition_id).order_by("pk").first()
    if petition is None:
        raise NotFound("未找到该信访事项")
    return petition
