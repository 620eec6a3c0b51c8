"""Rule parameters the cadres app needs, read from the rule engine when it can answer.

The rule engine (`zugong.rules.registry.param`) is the source of truth. Until its parameter store is
installed and seeded, the register's defaults apply (R23: 3 and 2 years).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ObjectDoesNotExist

from zugong.core.models import OrgUnit


@dataclass(frozen=True)
class R23Params:
    enabled: bool = True
    min_years_in_township: int = 3
    min_years_before_transfer: int = 2


def r23_params(*, org_unit: OrgUnit | None, on: date) -> R23Params:
    try:
        from zugong.rules.registry import param, rule_enabled

        return R23Params(
            enabled=bool(rule_enabled("R23", org_unit=org_unit, on=on)),
            min_years_in_township=int(param("R23", "min_years_in_township", org_unit=org_unit, on=on)),
            min_years_before_transfer=int(param("R23", "min_years_before_transfer", org_unit=org_unit, on=on)),
        )
    except (ImportError, KeyError, LookupError, ObjectDoesNotExist):
        return R23Params()


def r23_params_many(org_units: list[OrgUnit], on: date) -> dict[int, R23Params]:
    """`r23_params` for many units at once (one query), keyed by unit id."""
    try:
        from zugong.rules.versions import params_in_force_many

        return {pk: R23Params(enabled=bool(found.enabled),
                              min_years_in_township=int(found.params["min_years_in_township"]),
                              min_years_before_transfer=int(found.params["min_years_before_transfer"]))
                for pk, found in params_in_force_many("R23", org_units=org_units, on=on).items()}
    except (ImportError, KeyError, LookupError, ObjectDoesNotExist):
        return {unit.pk: R23Params() for unit in org_units}
