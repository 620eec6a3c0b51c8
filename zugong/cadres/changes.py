"""How a cadre's field changes (`CadreChange`) are shown: labels, code names, unit names, masked ID numbers.

The rows keep raw values (codes, ISO dates, unit pks, the full ID number) so that nothing is lost;
what a page or the API shows of them is decided here, once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from zugong.cadres import idcard
from zugong.cadres.codes import name_of
from zugong.cadres.models import Cadre, CadreChange, CadreStatus
from zugong.core.models import OrgUnit

CODED = {"sex": "sex", "ethnicity": "ethnicity", "political_status": "political_status",
         "highest_education": "education"}
UNIT_FIELDS = frozenset({"org_unit", "managing_unit"})
SOURCES: dict[str, StrOrPromise] = {"edit": _("修改"), "import": _("导入"), "transfer": _("调动"),
                                    "post_change": _("任职变动")}


def field_label(name: str) -> str:
    try:
        field = Cadre._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def _shown(name: str, value: str, units: dict[int, str], *, full: bool) -> str:
    if not value:
        return ""
    if name == "id_number" and not full:
        return idcard.mask(value)
    if name == "birth_date" and not full:  # "1980-05-17" → "1980-05": the day would complete a masked number
        return value[:7]
    if name in CODED:
        return name_of(CODED[name], value) or value
    if name in UNIT_FIELDS and value.isdigit():
        return units.get(int(value), value)
    if name == "status":
        return str(dict(CadreStatus.choices).get(value, value))
    if value in {"true", "false"}:
        return gettext("是") if value == "true" else gettext("否")
    return value


def change_rows(changes: list[CadreChange], *, full: bool = False) -> list[dict[str, Any]]:
    """Display rows for changes of one cadre, newest first as given (unit names in one query); ID numbers
    and birth days only when `full` (a logged full view by someone allowed to see the number)."""
    unit_ids = {int(v) for c in changes if c.field in UNIT_FIELDS for v in (c.old_value, c.new_value) if v.isdigit()}
    units = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    return [{"field": c.field, "label": field_label(c.field), "old_value": _shown(c.field, c.old_value, units, full=full),
             "new_value": _shown(c.field, c.new_value, units, full=full), "changed_at": c.changed_at, "source": c.source,
             "source_label": SOURCES.get(c.source, c.source), "actor": c.actor.get_username() if c.actor else ""}
            for c in changes]
