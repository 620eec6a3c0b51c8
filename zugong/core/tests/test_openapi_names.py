"""The OpenAPI schema names each body and response by its class name, and django-ninja keeps one schema per
name: two apps' `ProblemIn` would leave one endpoint documented (and fuzzed) with the other's body. Every
schema class the API can use has a name of its own."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subclasses: list[type] = type.__subclasses__(cls)
    for sub in subclasses:
        found |= {sub} | _subclasses(sub)
    return found


def test_every_api_schema_has_a_name_of_its_own() -> None:
    import zugong.urls  # noqa: F401  (imports every app's API)

    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        module = cls.__module__
        if module.startswith("zugong.") and ".tests" not in module:
            by_name[cls.__name__].add(f"{module}.{cls.__qualname__}")
    clashes = {name: sorted(places) for name, places in by_name.items() if len(places) > 1}
    assert not clashes, f"rename one of each (e.g. with the app's prefix): {clashes}"


def test_the_schema_documents_each_body_with_its_own_fields() -> None:
    from zugong.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    body = schema["paths"]["/api/v1/problems"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    fields = set(components[body["$ref"].rsplit("/", 1)[-1]]["properties"])
    assert "description" in fields and "summary" not in fields  # rectification's problem, not selection's entry
