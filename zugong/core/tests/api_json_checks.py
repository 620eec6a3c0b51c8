"""What ninja would render for an endpoint's body once validated against its schema (for `core.api_json` tests)."""

from __future__ import annotations

import json
from typing import Any

from ninja.renderers import JSONRenderer
from pydantic import TypeAdapter

from zugong.core.api_json import CONTENT_TYPE


def rendered_as_schema(schema: Any, body: Any) -> bytes:
    """`body` (the JSON an endpoint sent, parsed) validated against `schema`, dumped and rendered as ninja does."""
    adapter: TypeAdapter[Any] = TypeAdapter(schema)
    dumped = adapter.dump_python(adapter.validate_python(body))
    return json.dumps(dumped, cls=JSONRenderer.encoder_class, **JSONRenderer.json_dumps_params).encode()


def assert_rendered_as_schema(response: Any, schema: Any) -> None:
    """`response` (a test client's answer) is 200 with ninja's content type and the schema's rendering."""
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert response.content == rendered_as_schema(schema, json.loads(response.content))
