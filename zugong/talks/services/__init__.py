"""Every write of the talks app, by subdomain: `talks`, `plans`, `triggers`, `interviews`, `supervision`.

Import from the submodule (`from zugong.talks.services.talks import talk_record`); nothing is
re-exported here. Each service takes `actor` and `jurisdiction` (keyword-only) and checks its action
in `zugong.core.permissions.PERMISSIONS` with `require(jurisdiction, "talks.<action>", org_unit)`.
"""
