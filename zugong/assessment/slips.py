"""Printable slips: each one-time code with a QR code of the phone page's address carrying the code.

The code rides in the address's fragment (`/m/vote/#code=…`): a phone's browser never sends a fragment to the
server, so the code still reaches zugong only in the POST body (never in a URL or an access log line); the
phone page's script (`static/assessment/code_link.js`) copies it into the form. The QR code is drawn by segno
(BSD) as inline SVG: nothing is fetched from anywhere to print it."""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Slip:
    code: str
    link: str  # the phone page with the code in its fragment
    qr_svg: SafeString


def code_link(page_url: str, code: str) -> str:
    return f"{page_url}#code={code}"


def qr_svg(text: str) -> SafeString:
    """`text` as a QR code (error correction M, 3 px modules, the standard quiet zone of 4) in inline SVG."""
    # segno writes only its own path data and the numbers given here: nothing of the text is echoed as markup
    return mark_safe(segno.make(text, error="m", micro=False).svg_inline(scale=3, border=4))


def slips_for(page_url: str, codes: list[str]) -> list[Slip]:
    return [Slip(code, link, qr_svg(link)) for code in codes for link in (code_link(page_url, code),)]
