"""Template filters for the named date formats of `zugong.core.formats`: `{% load zugong %}`, then
`{{ talk.held_on|day }}`, `{{ cadre.birth_date|month }}`, `{{ event.at|moment }}`, `{{ d|letter_day }}`."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from zugong.core import formats

register = template.Library()


@register.filter
def day(value: date | datetime | None) -> str:
    return formats.render(value, formats.DAY)


@register.filter
def month(value: date | datetime | None) -> str:
    return formats.render(value, formats.MONTH)


@register.filter
def moment(value: date | datetime | None) -> str:
    return formats.render(value, formats.MOMENT)


@register.filter
def letter_day(value: date | datetime | None) -> str:
    return formats.render(value, formats.LETTER_DAY)
