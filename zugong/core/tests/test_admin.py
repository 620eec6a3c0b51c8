"""Django admin: writes go through audited services; the audit and access logs are read-only."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from zugong.conftest import Tree
from zugong.core import admin as core_admin
from zugong.core.audit import access_record, verify_chain
from zugong.core.models import AccessEvent, AuditEvent, CalendarOverride, Meeting, Membership, OrgUnit


@pytest.fixture
def admin_client(tree: Tree) -> Client:
    root = User.objects.create_superuser("root", "root@example.invalid", "pw-root")
    client = Client()
    client.force_login(root)
    return client


def test_years_to_check_are_this_year_plus_minus_one_and_next_two() -> None:
    assert list(core_admin.years_to_check(2026)) == [2025, 2026, 2027, 2028]


def test_calendar_changelist_warns_about_uncovered_years(admin_client: Client, monkeypatch) -> None:
    # given a "today" far beyond any statutory data, and one override in 2099
    monkeypatch.setattr(core_admin, "today", lambda: date(2098, 6, 1))
    CalendarOverride.objects.create(day=date(2099, 1, 1), is_workday=False)
    # when
    response = admin_client.get("/admin/core/calendaroverride/")
    # then
    assert response.status_code == 200
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(warnings) == 1
    assert "2097、2098、2100" in warnings[0] and "2099" not in warnings[0]


def test_calendar_changelist_is_silent_when_years_are_covered(admin_client: Client, monkeypatch) -> None:
    monkeypatch.setattr(core_admin, "today", lambda: date(2024, 6, 1))  # 2023–2026 are in the package
    response = admin_client.get("/admin/core/calendaroverride/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == []


def test_calendar_override_saved_in_admin_is_audited(admin_client: Client) -> None:
    response = admin_client.post("/admin/core/calendaroverride/add/",
                                 {"day": "2031-01-01", "is_workday": "", "note": "元旦"})
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert (override.day, override.is_workday, override.note) == (date(2031, 1, 1), False, "元旦")
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None and event.action == "core.calendar_override_set" and event.actor_name == "root"
    response = admin_client.post(f"/admin/core/calendaroverride/{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    assert AuditEvent.objects.order_by("-sequence").values_list("action", flat=True)[0] == "core.calendar_override_delete"
    assert verify_chain().intact


def test_calendar_override_moved_to_another_day_in_admin(admin_client: Client) -> None:
    admin_client.post("/admin/core/calendaroverride/add/", {"day": "2031-01-01", "is_workday": "", "note": "元旦"})
    override = CalendarOverride.objects.get()
    response = admin_client.post(f"/admin/core/calendaroverride/{override.pk}/change/",
                                 {"day": "2031-01-02", "is_workday": "", "note": "元旦（改）"})
    assert response.status_code == 302
    assert list(CalendarOverride.objects.values_list("day", "note")) == [(date(2031, 1, 2), "元旦（改）")]
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))[-3:]
    assert actions == ["core.calendar_override_set", "core.calendar_override_delete", "core.calendar_override_set"]


def test_org_unit_created_in_admin_gets_path_and_audit(admin_client: Client, tree: Tree) -> None:
    response = admin_client.post("/admin/core/orgunit/add/", {
        "kind": "village", "name": "新村", "short_name": "", "division_code": "990121001202",
        "parent": tree.township_a.pk, "valid_from": "2025-01-01", "sort_order": "3"})
    assert response.status_code == 302
    unit = OrgUnit.objects.get(name="新村")
    assert unit.parent_id == tree.township_a.pk
    assert unit.path.startswith(tree.township_a.path) and unit.depth == tree.township_a.depth + 1
    assert AuditEvent.objects.filter(action="core.org_unit_create", object_id=str(unit.pk), actor_name="root").exists()


def test_org_unit_is_read_only_after_creation(admin_client: Client, tree: Tree) -> None:
    response = admin_client.post(f"/admin/core/orgunit/{tree.village_a.pk}/change/",
                                 {"kind": "village", "name": "改名村", "parent": tree.township_a.pk,
                                  "sort_order": "0"})
    assert response.status_code == 403
    assert OrgUnit.objects.get(pk=tree.village_a.pk).name == "甲村"
    assert admin_client.get(f"/admin/core/orgunit/{tree.village_a.pk}/delete/").status_code == 403


def test_membership_grant_and_revoke_in_admin_are_audited(admin_client: Client, tree: Tree, alice) -> None:
    response = admin_client.post("/admin/core/membership/add/",
                                 {"user": alice.pk, "org_unit": tree.county_b.pk, "role": "leader"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=alice, org_unit=tree.county_b)
    admin_client.post(f"/admin/core/membership/{membership.pk}/delete/", {"post": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = list(AuditEvent.objects.order_by("-sequence").values_list("action", flat=True)[:2])
    assert actions == ["core.membership_revoke", "core.membership_grant"]


def test_meeting_recorded_in_admin_is_audited(admin_client: Client, tree: Tree) -> None:
    response = admin_client.post("/admin/core/meeting/add/", {
        "kind": "symposium", "org_unit": tree.county_a.pk, "held_on": "2025-04-01", "title": "座谈",
        "attendees": "", "minutes": "", "decisions": ""})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert AuditEvent.objects.filter(action="core.meeting_record", object_id=str(meeting.pk)).exists()


@pytest.mark.parametrize("model", ["auditevent", "accessevent"])
def test_audit_and_access_logs_are_read_only_in_admin(admin_client: Client, tree: Tree, alice, model: str) -> None:
    access_record(user=alice, obj=tree.county_a, field="id_number")
    row_id = (AuditEvent if model == "auditevent" else AccessEvent).objects.order_by("pk").values_list("pk", flat=True)[0]
    assert admin_client.get(f"/admin/core/{model}/").status_code == 200
    assert admin_client.get(f"/admin/core/{model}/{row_id}/change/").status_code == 200  # view only
    assert admin_client.get(f"/admin/core/{model}/add/").status_code == 403
    assert admin_client.post(f"/admin/core/{model}/{row_id}/change/", {}).status_code == 403
    assert admin_client.post(f"/admin/core/{model}/{row_id}/delete/", {"post": "yes"}).status_code == 403
    for admin_class in (core_admin.AuditEventAdmin, core_admin.AccessEventAdmin):
        instance = admin_class(AuditEvent, django_admin.site)
        request = admin_client.get("/admin/").wsgi_request
        assert not instance.has_add_permission(request)
        assert not instance.has_change_permission(request)
        assert not instance.has_delete_permission(request)
