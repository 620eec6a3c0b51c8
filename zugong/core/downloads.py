"""File responses every app sends: one content-type table and one safe Content-Disposition."""

from __future__ import annotations

from typing import Final
from urllib.parse import quote

from django.http import HttpResponse

CONTENT_TYPES: Final = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "xml": "application/xml",
    "lrmx": "application/xml",
}
XLSX: Final = CONTENT_TYPES["xlsx"]


def download(body: bytes, filename: str) -> HttpResponse:
    """An attachment named `filename` (any language: RFC 6266 `filename*`), typed by its extension."""
    extension = filename.rsplit(".", 1)[-1].lower()
    response = HttpResponse(body, content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    return response
