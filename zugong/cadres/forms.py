"""Forms of the roster pages: the detail page's 任职变动, the import upload and the list's search.

Every form takes `jurisdiction=` and draws its units from the scoped selectors; dates are ISO in every
language (`zugong.core.forms.DateField`); a choice a person must make starts empty (`blank_choice`).
Scoping here only shapes the choices: the services check the permission table again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zugong.cadres.models import CadreStatus, RankLevel
from zugong.cadres.selectors import SORTS, CadreFilters
from zugong.cadres.services import POST_CHANGE_KINDS
from zugong.core.forms import DateField, MultipleFileField, PickerField, ScopedForm, blank_choice
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import may
from zugong.core.selectors import org_units_visible

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DATE_MESSAGE = _("请填写有效的任职（调动、借调）日期")


def _rank_levels() -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in RankLevel.objects.filter(is_active=True)]


class PostChangeForm(ScopedForm):
    kind = forms.ChoiceField(label=_("类型"), choices=blank_choice(list(POST_CHANGE_KINDS.items())))
    org_unit = PickerField(OrgUnit.objects.none(), url_name="pick:units", label=_("单位"))
    title = forms.CharField(label=_("职务"), required=False, max_length=120)
    on = DateField(label=_("日期"), error_messages={"required": DATE_MESSAGE, "invalid": DATE_MESSAGE})
    until = DateField(label=_("借调截止（借调时填写）"), required=False)
    rank_level = forms.ChoiceField(label=_("职务层次"), required=False)
    document_number = forms.CharField(label=_("任免文号"), required=False, max_length=80)
    is_leading = forms.BooleanField(label=_("实职领导职务"), required=False, initial=True)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        org_unit = self.fields["org_unit"]
        assert isinstance(org_unit, PickerField)
        org_unit.queryset = org_units_visible(jurisdiction)
        org_unit.widget.placeholder = gettext("输入单位名称或区划代码")
        rank_level = self.fields["rank_level"]
        assert isinstance(rank_level, forms.ChoiceField)
        rank_level.choices = [("", "—"), *_rank_levels()]


def unit_picker(jurisdiction: Jurisdiction, *, label: Any, required: bool = True, **kwargs: Any) -> PickerField:
    """A unit of the jurisdiction, found by name or division code (a select cannot hold a province's units)."""
    field = PickerField(org_units_visible(jurisdiction), url_name="pick:units", label=label, required=required,
                        placeholder=gettext("输入单位名称或区划代码"), **kwargs)
    return field


class ImportUploadForm(ScopedForm):
    org = forms.Field(label=_("所在单位"))  # a scoped unit picker, set in __init__
    uploads = MultipleFileField(label=_("文件"), error_messages={"required": _("请选择有权限的单位并上传文件")})

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        self.fields["org"] = unit_picker(jurisdiction, label=_("所在单位"), error_messages={
            "required": _("请选择有权限的单位并上传文件"), "invalid_choice": _("请选择有权限的单位并上传文件")})
        self.order_fields(["org", "uploads"])
        self.fields["uploads"].widget.attrs["accept"] = ".lrmx,.lrm,.pic,.xlsx"

    def clean_org(self) -> OrgUnit:
        unit: OrgUnit = self.cleaned_data["org"]
        if not may(self.jurisdiction, "cadres.cadre_import", unit):
            raise forms.ValidationError(_("请选择有权限的单位并上传文件"))
        return unit

    def clean_uploads(self) -> list[UploadedFile[Any]]:
        files: list[UploadedFile[Any]] = self.cleaned_data["uploads"]
        if sum(f.size or 0 for f in files) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("上传的文件总大小超过 20 MB"))
        return files


class UnitFilterForm(ScopedForm):
    """The list's 单位（含下级） filter, rendered as a picker (the filtering itself is CadreSearchForm's)."""

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        self.fields["org"] = unit_picker(jurisdiction, label=_("单位（含下级）"), required=False)


LEADING = {"1": True, "0": False}


class CadreSearchForm(ScopedForm):
    """The list's filters (GET). A value that does not parse is left out, never an error page."""

    q = forms.CharField(required=False)
    id_number = forms.CharField(required=False)
    org = forms.IntegerField(required=False, min_value=1)
    rank_level = forms.CharField(required=False)
    leading = forms.ChoiceField(required=False, choices=[("", ""), ("1", "1"), ("0", "0")])
    age_min = forms.IntegerField(required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(required=False, min_value=0, max_value=150)
    age_on = DateField(required=False)
    education = forms.CharField(required=False)
    political_status = forms.CharField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *CadreStatus.choices])
    managing_unit = forms.IntegerField(required=False, min_value=1)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])

    def sort_key(self) -> str:
        self.is_valid()
        return str(self.cleaned_data.get("sort") or "name")

    def filters(self) -> CadreFilters:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        data.pop("sort", None)
        data["leading"] = LEADING.get(data.get("leading", ""))
        return CadreFilters(**data)
