"""The parts of `base.html` that are the same on every page of a process: `{% load shell %}`.

`{% shell_assets %}` prints the favicon, stylesheet and script tags, and `{% language_buttons %}` the buttons of
the languages other than the active one. Their text depends only on the static files' URL and the active
language, so each is built once per process (and language) instead of through seven `{% static %}` tags and a
loop over the language list on every page (issue 17, item 7: on the residents' board the shell cost as much as
the rows)."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info

register = template.Library()

STYLESHEETS = ("vendor/pico.min.css", "zugong/zugong.css")
SCRIPTS = ("vendor/htmx.min.js", "zugong/zugong.js", "zugong/picker.js")


@lru_cache(maxsize=8)
def _assets(static_url: str) -> SafeString:
    icon = format_html('<link rel="icon" href="{}" type="image/svg+xml">', static("zugong/favicon.svg"))
    sheets = format_html_join("", '\n  <link rel="stylesheet" href="{}">', ((static(p),) for p in STYLESHEETS))
    scripts = format_html_join("", '\n  <script src="{}" defer></script>', ((static(p),) for p in SCRIPTS))
    return icon + sheets + scripts


@register.simple_tag
def shell_assets() -> SafeString:
    return _assets(settings.STATIC_URL)


@lru_cache(maxsize=16)
def _buttons(active: str, languages: tuple[tuple[str, str], ...]) -> SafeString:
    return format_html_join(
        "", '<button type="submit" name="language" value="{0}" lang="{0}" data-language="{0}">{1}</button>',
        ((code, get_language_info(code)["name_local"]) for code, _ in languages if code != active))


@register.simple_tag
def language_buttons() -> SafeString:
    """The language switcher's buttons: every configured language but the active one, by its own name."""
    return _buttons(get_language(), tuple(settings.LANGUAGES))
