"""`core.schemas.Out`: dicts and the schema's own instances skip ninja's per-field getter; everything else
(model instances, schemas with resolvers) is read exactly as ninja's `Schema` reads it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import ValidationError

from zugong.core.schemas import Out


class Item(Out):
    id: int
    name: str
    on: date | None = None


class Page(Out):
    items: list[Item]
    next_cursor: str | None = None


class Resolved(Out):
    id: int
    label: str

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return f"#{obj['id'] if isinstance(obj, dict) else obj.id}"


class Plain(Schema):
    id: int
    name: str
    on: date | None = None


class Row:
    def __init__(self, id: int, name: str) -> None:
        self.id, self.name, self.on = id, name, None


def test_a_dict_is_validated_as_ninja_validates_it(monkeypatch: pytest.MonkeyPatch) -> None:
    data = {"items": [{"id": 1, "name": "张三", "on": "2026-12-06"}, {"id": 2, "name": "李四"}], "next_cursor": None}
    wrapped: list[object] = []
    real_init = DjangoGetter.__init__

    def spy(self: DjangoGetter, obj: Any, *args: Any, **kwargs: Any) -> None:
        wrapped.append(obj)
        real_init(self, obj, *args, **kwargs)

    monkeypatch.setattr(DjangoGetter, "__init__", spy)
    page = Page.model_validate(data)
    assert wrapped == []  # no per-field getter for dicts
    assert page.model_dump() == {"items": [{"id": 1, "name": "张三", "on": date(2026, 12, 6)},
                                           {"id": 2, "name": "李四", "on": None}], "next_cursor": None}
    assert [Item.model_validate(i).model_dump() for i in data["items"]] == \
        [Plain.model_validate(i).model_dump() for i in data["items"]]  # type: ignore[union-attr]


def test_bad_values_are_still_refused() -> None:
    with pytest.raises(ValidationError):
        Page.model_validate({"items": [{"id": "x", "name": "张三"}]})
    with pytest.raises(ValidationError):
        Item.model_validate({"name": "张三"})


def test_objects_and_resolvers_still_go_through_ninja() -> None:
    assert Item.from_orm(Row(3, "王五")).model_dump() == {"id": 3, "name": "王五", "on": None}
    assert Item.model_validate(Row(4, "赵六")).name == "赵六"
    assert Resolved.model_validate({"id": 7, "label": "ignored"}).label == "#7"
    assert Resolved.model_validate(Row(8, "x")).label == "#8"
    item = Item(id=5, name="钱七")
    assert Page.model_validate({"items": [item]}).items[0] == item
