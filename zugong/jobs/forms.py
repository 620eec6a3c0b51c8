from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zugong.core.forms import ScopedForm
from zugong.core.models import OrgUnit
from zugong.core.selectors import org_units_visible


class EvaluateForm(ScopedForm):
    """Evaluate the rule register for one unit's subtree (empty: everything the person may evaluate)."""

    org = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), required=False, label=_("单位"),
                                 empty_label=_("全部"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_units_visible(self.jurisdiction).filter(depth__lte=3).order_by("path")  # type: ignore[attr-defined]
