"""What every app's forms share: ISO dates in every language, scoped forms, no pre-selected answers.

An app's `forms.py` subclasses `ScopedForm` (it takes `jurisdiction=` and narrows its querysets
through the app's selectors), uses `DateField`/`DateInput` from here for every date, and
`PickerField`/`PickerMultipleField` wherever a person picks cadres, users or units (never a `<select>`
of everyone in the jurisdiction).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zugong.core.formats import ISO_INPUT
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.request import ID_MAX


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


CHOOSE = _("——请选择——")


def blank_choice(choices: Sequence[tuple[str, str | Promise]], label: str | Promise = CHOOSE
                 ) -> list[tuple[str, str | Promise]]:
    """Choices with an empty first entry, so a person must choose (nothing pre-selected)."""
    return [("", label), *choices]


class PickerWidget(forms.SelectMultiple):
    """A search box that finds options as the person types (static/zugong/picker.js), beside a hidden
    `<select>` holding only the chosen options: a form over 300,000 cadres stays a few kilobytes."""

    template_name = "core/widgets/picker.html"

    def __init__(self, url_name: str, *, multiple: bool, placeholder: str | Promise = "", query: str = "",
                 attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs)
        self.url_name, self.multiple, self.placeholder, self.query = url_name, multiple, placeholder, query
        self.allow_multiple_selected = multiple

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # a hidden select cannot show the browser's message; the server says it in Chinese

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v.pk if isinstance(v, models.Model) else v) for v in values if v not in (None, "")]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple:
            return super().value_from_datadict(data, files, name)
        return data.get(name)

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list[Any]:
        # Only the chosen values, fetched by pk: never iterate the field's whole queryset.
        ids = [v for v in value if v.isdigit() and int(v) <= ID_MAX]  # past it the database overflows
        iterator = self.choices
        field = iterator.field  # type: ignore[attr-defined]
        chosen = iterator.queryset.filter(pk__in=ids) if ids else []  # type: ignore[attr-defined]
        options = [self.create_option(name, obj.pk, field.label_from_instance(obj), True, index)
                   for index, obj in enumerate(chosen)]
        return [(None, options, 0)]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        url = reverse(self.url_name)
        context["widget"].update(picker_url=f"{url}?{self.query}" if self.query else url,
                                 placeholder=self.placeholder, multiple=self.multiple)
        return context


Labeller = Callable[[Any], str]


class PickerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One record chosen with a search picker; `queryset` is already scoped to the jurisdiction."""

    def __init__(self, queryset: QuerySet[Any], *, url_name: str, placeholder: str | Promise = "", query: str = "",
                 label_from: Labeller | None = None, **kwargs: Any) -> None:
        super().__init__(queryset, widget=PickerWidget(url_name, multiple=False, placeholder=placeholder,
                                                       query=query), **kwargs)
        self.label_from = label_from

    def label_from_instance(self, obj: Any) -> str:
        return self.label_from(obj) if self.label_from else str(obj)


class RowsChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several records by id. Django's field would send an id past the database's integer to its `pk__in`
    query, which overflows (a 500); here it is the field's own Chinese error."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            if not (str(pk).isdigit() and int(pk) <= ID_MAX):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super().clean(value)


class PickerMultipleField(RowsChoiceField):
    """Several records chosen with a search picker."""

    def __init__(self, queryset: QuerySet[Any], *, url_name: str, placeholder: str | Promise = "", query: str = "",
                 label_from: Labeller | None = None, **kwargs: Any) -> None:
        super().__init__(queryset, widget=PickerWidget(url_name, multiple=True, placeholder=placeholder,
                                                       query=query), **kwargs)
        self.label_from = label_from

    def label_from_instance(self, obj: Any) -> str:
        return self.label_from(obj) if self.label_from else str(obj)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; an empty choice is the field's `required` error, as for one file."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        clean_one = super().clean  # (a bare super() does not work inside the comprehension)
        return [clean_one(f, initial) for f in files]


class AttachmentsField(MultipleFileField):
    """Attachments of a record (optional); each is checked by content in the service (core/attachments.py)."""

    def __init__(self, **kwargs: Any) -> None:
        from zugong.core.attachments import ACCEPT

        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
