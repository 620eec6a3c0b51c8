"""Every date boundary of the rules app, each with the day before, the day of and the day after:
a deadline's due day and warning window, a period's end and its grace days, and an override's first day.

The defaults used (R16 3 days, R28 60 days and 3 warning days, R07 monthly with 7 warning and 5 grace
days) are pinned in test_register_defaults.py.
"""

from datetime import date, timedelta

import pytest

from zugong.core.errors import Conflict
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Meeting, MeetingKind, OrgKind, OrgUnit
from zugong.core.services import org_unit_create
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, RuleVersion
from zugong.rules.registry import param
from zugong.rules.services import rule_override_set
from zugong.rules.tests.sources import deadline_source, registered

DAY = timedelta(days=1)


def _item(parent, name, start, done=None):
    unit = org_unit_create(actor=None, kind=OrgKind.PARTY_GROUP, name=name, parent=parent)
    OrgUnit.objects.filter(pk=unit.pk).update(valid_from=start, valid_to=done)
    return unit


def _deadline_status(code, label, as_of):
    with registered(code, deadline_source()):
        evaluate(as_of=as_of, rule=code, periods=1)
    return Finding.objects.get(rule__code=code, subject_label=label).status


# R16: an order received on 2024-03-04 is due three days later, on 2024-03-07.
R16_START, R16_DUE = date(2024, 3, 4), date(2024, 3, 7)


@pytest.mark.parametrize(("as_of", "status"), [
    (R16_DUE - DAY, "due_soon"), (R16_DUE, "due_soon"), (R16_DUE + DAY, "overdue"),
])
def test_open_item_is_overdue_only_the_day_after_its_due_day(tree, as_of, status):
    _item(tree.township_a, "诉求", R16_START)
    assert _deadline_status("R16", "诉求", as_of) == status
    assert Finding.objects.get(rule__code="R16").due_date == R16_DUE


@pytest.mark.parametrize(("done", "status"), [
    (R16_DUE - DAY, "compliant"), (R16_DUE, "compliant"), (R16_DUE + DAY, "violated"),
])
def test_item_done_on_its_due_day_is_in_time(tree, done, status):
    _item(tree.township_a, "诉求", R16_START, done)
    assert _deadline_status("R16", "诉求", date(2024, 3, 20)) == status


# R28: a petition received on 2024-03-01 is due 60 days later, on 2024-04-30; due soon from 3 days before.
R28_START, R28_DUE = date(2024, 3, 1), date(2024, 4, 30)
R28_WARN_FROM = R28_DUE - 3 * DAY  # 2024-04-27


@pytest.mark.parametrize(("as_of", "status"), [
    (R28_WARN_FROM - DAY, "pending"), (R28_WARN_FROM, "due_soon"), (R28_WARN_FROM + DAY, "due_soon"),
])
def test_open_item_is_due_soon_from_warn_days_before_its_due_day(tree, as_of, status):
    _item(tree.township_a, "信访", R28_START)
    assert _deadline_status("R28", "信访", as_of) == status
    assert Finding.objects.get(rule__code="R28").due_date == R28_DUE


# R07: a township holds its 民情分析会 monthly. March 2024 ends on the 31st; due soon from 7 days before
# (the 24th), overdue after it while records may still be entered (5 grace days, to 2024-04-05), then violated.
MARCH_END = date(2024, 3, 31)


def _r07_status(tree, as_of):
    evaluate(as_of=as_of, rule="R07", org_unit=tree.township_a, periods=2)
    return Finding.objects.get(rule__code="R07", subject_id=str(tree.township_a.pk),
                               period_start=date(2024, 3, 1)).status


@pytest.mark.parametrize(("as_of", "status"), [
    (MARCH_END - 7 * DAY - DAY, "pending"), (MARCH_END - 7 * DAY, "due_soon"), (MARCH_END - 7 * DAY + DAY, "due_soon"),
    (MARCH_END - DAY, "due_soon"), (MARCH_END, "due_soon"), (MARCH_END + DAY, "overdue"),
    (MARCH_END + 5 * DAY - DAY, "overdue"), (MARCH_END + 5 * DAY, "overdue"), (MARCH_END + 5 * DAY + DAY, "violated"),
])
def test_shortfall_of_a_period_by_warn_and_grace_days(tree, as_of, status):
    assert _r07_status(tree, as_of) == status


@pytest.mark.parametrize(("held_on", "status"), [
    (date(2024, 3, 1) - DAY, "violated"), (date(2024, 3, 1), "compliant"), (MARCH_END, "compliant"),
    (MARCH_END + DAY, "violated"),
])
def test_a_meeting_counts_in_the_period_from_its_first_to_its_last_day(tree, held_on, status):
    Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a, held_on=held_on)
    assert _r07_status(tree, date(2024, 4, 20)) == status


# An override of R09 for county A from 2024-05-01: the old value on the day before, the new one from the day.
OVERRIDE_FROM = date(2024, 5, 1)


def _override(user, unit, on, **params):
    return rule_override_set(actor=user, jurisdiction=jurisdiction_for(user), code="R09", org_unit=unit,
                             valid_from=on, params=params)


@pytest.mark.parametrize(("on", "value"), [
    (OVERRIDE_FROM - DAY, 10), (OVERRIDE_FROM, 12), (OVERRIDE_FROM + DAY, 12),
])
def test_override_is_in_force_from_its_first_day(tree, alice, on, value):
    _override(alice, tree.county_a, OVERRIDE_FROM, min_total=12)
    assert param("R09", "min_total", org_unit=tree.village_a, on=on) == value


@pytest.mark.parametrize(("on", "refused"), [
    (OVERRIDE_FROM - DAY, True), (OVERRIDE_FROM, True), (OVERRIDE_FROM + DAY, False),
])
def test_a_new_override_must_start_after_the_last_one_at_its_level(tree, alice, on, refused):
    first = _override(alice, tree.county_a, OVERRIDE_FROM, min_total=12)
    if refused:
        with pytest.raises(Conflict) as conflict:
            _override(alice, tree.county_a, on, min_total=14)
        assert conflict.value.message == "该组织自 2024-05-01 起已有制度参数版本，不能设置更早或同日生效的版本"
        assert RuleVersion.objects.filter(scope=tree.county_a).count() == 1
    else:
        _override(alice, tree.county_a, on, min_total=14)
        first.refresh_from_db()
        assert first.valid_to == on
        assert param("R09", "min_total", org_unit=tree.village_a, on=on - DAY) == 12
        assert param("R09", "min_total", org_unit=tree.village_a, on=on) == 14
