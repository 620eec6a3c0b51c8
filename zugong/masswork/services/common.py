"""Permission checks shared by the township and village services."""

from __future__ import annotations

from zugong.core.errors import Forbidden, NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit, Role

TOWNSHIP_ROLES = frozenset({Role.ORG_ADMIN, Role.ORG_STAFF, Role.LEADER, Role.TOWNSHIP_STAFF, Role.VILLAGE_STAFF})


def require_in_scope(jurisdiction: Jurisdiction, org: OrgUnit, what: str = "该组织") -> None:
    if not jurisdiction.contains(org):
        raise NotFound(f"未找到{what}，或不在您的管辖范围内")
    if not jurisdiction.has_role_at(org, TOWNSHIP_ROLES):
        raise Forbidden("您没有登记该项工作的权限")
