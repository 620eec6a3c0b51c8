"""What every app's forms share: ISO dates in every language, scoped forms, no pre-selected answers.

An app's `forms.py` subclasses `ScopedForm` (it takes `jurisdiction=` and narrows its querysets
through the app's selectors) and uses `DateField`/`DateInput` from here for every date.
"""

from __future__ import annotations

from typing import Any

from django import forms

from zugong.core.formats import ISO_INPUT
from zugong.core.jurisdiction import Jurisdiction


class DateInput(forms.DateInput):
    """`<input type="date">` with its value always `YYYY-MM-DD`: a zh-hans `2026/12/02` is rejected by
    the browser, which then shows the field empty and blocks the form."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_INPUT)


class DateField(forms.DateField):
    widget = DateInput
    input_formats = [ISO_INPUT, "%Y/%m/%d", "%Y.%m.%d"]


class ScopedForm(forms.Form):
    """A form whose choices come from the user's jurisdiction."""

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction


def blank_choice(choices: list[tuple[str, str]], label: str = "——请选择——") -> list[tuple[str, str]]:
    """Choices with an empty first entry, so a person must choose (nothing pre-selected)."""
    return [("", label), *choices]
