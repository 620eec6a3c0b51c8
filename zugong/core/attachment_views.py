"""Downloading an attachment: scoped by its unit, allowed by its owner's read action (core/attachments.py)."""

from __future__ import annotations

from django.http import HttpResponse

from zugong.core.attachments import attachment_read
from zugong.core.downloads import download
from zugong.core.request import AuthedRequest, page


@page(methods=("GET",))
def attachment_download(request: AuthedRequest, pk: int) -> HttpResponse:
    row, data = attachment_read(request.jurisdiction, pk)
    response = download(data, row.name)
    response["Content-Type"] = row.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
