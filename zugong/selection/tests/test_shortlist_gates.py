"""Gates registered by other modules apply at 确定考察对象 without the selection naming them: set-based (one call
for every cadre considered), their reason in the 409, kept as the refusal, and shown in the preview."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest

from zugong.cadres.models import Cadre
from zugong.conftest import bearer
from zugong.core.models import OrgUnit
from zugong.selection.flow import shortlist_preview
from zugong.selection.models import CandidateRefusal
from zugong.selection.selectors import selection_get
from zugong.selection.services import selections as svc
from zugong.selection.shortlist_gates import (
    register_shortlist_gate,
    registered_gates,
    unregister_shortlist_gate,
)
from zugong.selection.tests.conftest import World, open_selection

DAY = date(2026, 3, 2)
calls: list[list[int]] = []


def _gate(cadres: Sequence[Cadre], *, org_unit: OrgUnit, on: date) -> dict[int, str]:
    """A module's gate: refuses every cadre named 李二, in one call for all of them."""
    calls.append(sorted(c.pk for c in cadres))
    return {c.pk: f"{c.name}尚在试用期内（测试模块）" for c in cadres if c.name == "李二"}


@pytest.fixture
def test_gate() -> Iterator[None]:
    calls.clear()
    register_shortlist_gate("T99", _gate, title="测试把关")
    try:
        yield
    finally:
        unregister_shortlist_gate("T99")


def _recommended(w: World) -> Any:
    s = open_selection(w)
    common: dict[str, Any] = {"actor": w.alice, "jurisdiction": w.ja, "selection_id": s.pk}
    for person, n in ((w.zhang, 30), (w.li, 28), (w.wang, 20)):
        svc.recommendation_vote_set(**common, cadre=person, votes=n)
    svc.recommendation_close(**common, eligible=45, issued=42, returned=40, valid=40)
    return s


def test_r23_is_on_the_registry() -> None:
    assert "R23" in registered_gates()


def test_a_registered_gate_refuses_at_the_candidate_step_with_its_reason_in_the_409(world: World,
                                                                                   test_gate: None) -> None:
    s = _recommended(world)
    rows = {r.name: r for r in shortlist_preview(selection_get(world.ja, s.pk), DAY)}
    assert calls == [sorted([world.zhang.pk, world.li.pk, world.wang.pk])]  # one call for all three
    assert (rows["李二"].blocked_by, rows["李二"].reason) == ("T99", "不符合T99（测试把关）：李二尚在试用期内（测试模块）")
    assert rows["张一"].blocked_by == rows["王三"].blocked_by == ""
    api = bearer(world.alice)
    refused = api.post(f"/api/v1/selections/{s.pk}/candidates", {"cadre_id": world.li.pk},
                       content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "gate_refused"
    assert refused.json()["error"]["message"] == "不符合T99（测试把关）：李二尚在试用期内（测试模块）"
    assert list(CandidateRefusal.objects.values_list("gate", "reason")) == [
        ("T99", "不符合T99（测试把关）：李二尚在试用期内（测试模块）")]
    assert api.post(f"/api/v1/selections/{s.pk}/candidates", {"cadre_id": world.zhang.pk},
                    content_type="application/json").status_code == 201


def test_without_the_registration_the_cadre_passes(world: World) -> None:
    s = _recommended(world)
    assert svc.candidate_add(actor=world.alice, jurisdiction=world.ja, selection_id=s.pk, cadre=world.li,
                             on=DAY).cadre_id == world.li.pk
