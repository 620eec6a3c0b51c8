"""`Out`: the base of response schemas that the API builds as dicts (or as instances of the schema itself).

django-ninja's `Schema` wraps every value it validates — the response and each nested object in it — in a
`DjangoGetter`, so that a Django model instance can be read attribute by attribute and resolvers can run.
For a response built as plain dicts that costs a Python call per field: on `GET /api/v1/cadres?limit=50`
it was about a third of the request's CPU (issue 17, item 8). `Out` hands a dict, or an instance of the
schema, straight to pydantic's own validation, which reads dicts natively; anything else (a model instance,
an object with attributes) and any schema with `resolve_*` methods still goes through ninja's wrapper, so
`Out.from_orm(instance)` behaves as `Schema.from_orm` does.

What differs from ninja's wrapper for a dict: a value that is callable or a Django manager is not called or
listed — the API's dicts hold data only (`core/tests/test_schemas.py`).
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator


class Out(Schema):
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler[Any],
                            info: ValidationInfo) -> Any:
        if (type(values) is dict or isinstance(values, cls)) and not cls._ninja_resolvers:  # type: ignore[attr-defined]
            return handler(values)
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get("validate_assignment", False):
            handler(values)  # as ninja does: validate the object itself before reading it through the getter
        return handler(DjangoGetter(values, cls, info.context))
