"""Forms of the rules app: setting one parameter of a rule for an org unit's subtree."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zugong.core.errors import NotFound
from zugong.core.forms import DateField, ScopedForm, blank_choice
from zugong.core.models import OrgUnit
from zugong.rules import selectors
from zugong.rules.params import param_fields

_WORDS = {"是": True, "否": False}


def parse_value(raw: str) -> Any:
    """A typed value from the text box: 12 → int, 0.5 → float, 是/否/true/false → bool, else the text."""
    text = raw.strip()
    if text in _WORDS:
        return _WORDS[text]
    try:
        return json.loads(text)
    except ValueError:
        return text


def nest(dotted: str, value: Any) -> dict[str, Any]:
    head, _, rest = dotted.partition(".")
    return {head: nest(rest, value) if rest else value}


class RuleOverrideForm(ScopedForm):
    """One parameter of rule `code` for a unit of the jurisdiction, from a date on."""

    org = forms.TypedChoiceField(label=_("适用范围"), coerce=int)
    name = forms.ChoiceField(label=_("参数"))
    value = forms.CharField(label=_("新值"), max_length=200)
    valid_from = DateField(label=_("生效日期"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, code: str, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code
        cast(forms.ChoiceField, self.fields["org"]).choices = [(u.pk, u.name) for u in units]
        cast(forms.ChoiceField, self.fields["name"]).choices = blank_choice(
            [(f.name, f"{f.title}（{f.name}）") for f in param_fields(code)])

    def clean_org(self) -> OrgUnit:
        try:
            unit = selectors.org_for(self.jurisdiction, self.cleaned_data["org"])
        except NotFound as exc:
            raise forms.ValidationError(exc.message) from exc
        assert unit is not None  # a choice is never empty
        return unit

    def params(self) -> dict[str, Any]:
        return nest(self.cleaned_data["name"], parse_value(self.cleaned_data["value"]))
