"""A list endpoint's body written straight to JSON, as ninja would render it after validating it.

ninja validates a response against its schema (`response=`) and dumps it again before rendering: for a page of
50 rows built from values the endpoint read itself, that cost more CPU than reading them (issue 17, item 8).
An endpoint whose rows are plain values it controls may return `json_body(data)` instead: `data` holds the
schema's fields in the schema's order, with the types the schema declares (dates as `date`), so the bytes are
those ninja renders from the validated schema — each such endpoint has a test comparing the two
(`zugong.core.tests.api_json_checks.assert_rendered_as_schema`). The operation keeps `response=` for OpenAPI.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja.renderers import JSONRenderer

CONTENT_TYPE = f"{JSONRenderer.media_type}; charset={JSONRenderer.charset}"  # ninja's own content type


def json_body(data: Any, *, status: int = 200) -> HttpResponse:
    """`data` rendered with ninja's JSON renderer (its encoder and its dumps parameters)."""
    content = json.dumps(data, cls=JSONRenderer.encoder_class, **JSONRenderer.json_dumps_params)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPE)
