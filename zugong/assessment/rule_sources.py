"""R02's data for the rule engine: each side-evidence request is a deadline item (sent → due → replied).
Registered in `ready()`; the engine evaluates it once R02's kind in the register is `deadline` (today it is
`workflow`, and this app shows overdue requests itself: `SideEvidenceRequest.is_overdue`), see
docs/assessment.md."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Concat

from zugong.assessment.models import SideEvidenceRequest
from zugong.rules.registry import DeadlineSource, SourceContext, register_source


def side_evidence_items(ctx: SourceContext) -> QuerySet[Any]:
    label = Concat(F("assessed__org_unit__name"), Value(" · "), F("agency"), Value("旁证"), output_field=CharField())
    return (SideEvidenceRequest.objects.filter(ctx.org_q(), requested_on__lte=ctx.period_end)
            .filter(Q(replied_on__isnull=True) | Q(replied_on__gte=ctx.period_start))
            .order_by().values("org_unit_id", subject_id=F("id"), subject_label=label, start_date=F("requested_on"),
                               due_date=F("due_on"), done_date=F("replied_on")))


def register() -> None:
    register_source("R02", DeadlineSource(subject_type="assessment.sideevidencerequest", items=side_evidence_items,
                                          item_label="考核旁证"))
