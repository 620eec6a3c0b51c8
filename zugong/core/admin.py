"""Django admin for configuration. Every write goes through a service, so it lands in the audit chain;
the audit and access logs are read-only here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from zugong.core import calendar, services
from zugong.core.models import AccessEvent, AuditEvent, CalendarOverride, Meeting, Membership, OrgUnit


def today() -> date:
    return timezone.localdate()


def years_to_check(today_year: int) -> range:
    """This year ± 1 and the two years after it: the span deadlines are computed over."""
    return range(today_year - 1, today_year + 3)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ("day", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "day"

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        missing = calendar.uncovered_years(years_to_check(today().year))
        if missing:
            years = "、".join(str(y) for y in missing)
            messages.warning(request, f"以下年份没有法定节假日数据，也没有调整记录，暂按周一至周五计算工作日：{years}。"
                                      "请在国务院办公厅发布放假通知后补录调整。")
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: ModelForm[CalendarOverride],
                   change: bool) -> None:
        if change and "day" in form.changed_data:
            # Moving an override to another day: the old day returns to the statutory calendar.
            services.calendar_override_delete(actor=request.user, override=CalendarOverride.objects.get(pk=obj.pk))
        saved = services.calendar_override_set(actor=request.user, day=obj.day, is_workday=obj.is_workday,
                                               note=obj.note)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        services.calendar_override_delete(actor=request.user, override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for override in queryset.order_by("pk"):
            services.calendar_override_delete(actor=request.user, override=override)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin[OrgUnit]):
    """Units are created here through `org_unit_create` (which assigns the path); existing ones are read-only
    because a move or merge must rewrite the subtree's paths and effective dates."""

    list_display = ("name", "kind", "division_code", "parent", "valid_from", "valid_to", "depth")
    list_filter = ("kind", "depth")
    search_fields = ("name", "short_name", "division_code")
    raw_id_fields = ("parent",)
    fields = ("kind", "name", "short_name", "division_code", "parent", "valid_from", "sort_order")

    def has_change_permission(self, request: HttpRequest, obj: OrgUnit | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OrgUnit | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: ModelForm[OrgUnit], change: bool) -> None:
        created = services.org_unit_create(
            actor=request.user, kind=obj.kind, name=obj.name, parent=obj.parent, short_name=obj.short_name,
            division_code=obj.division_code, valid_from=obj.valid_from, sort_order=obj.sort_order,
        )
        obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "org_unit", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "org_unit__name", "org_unit__division_code")
    raw_id_fields = ("user", "org_unit")
    fields = ("user", "org_unit", "role")

    def has_change_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return False  # a change of role is a revoke plus a grant, both audited

    def save_model(self, request: HttpRequest, obj: Membership, form: ModelForm[Membership], change: bool) -> None:
        granted = services.membership_grant(actor=request.user, user=obj.user, org_unit=obj.org_unit, role=obj.role)
        obj.pk = granted.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_revoke(actor=request.user, membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("org_unit").order_by("pk"):
            services.membership_revoke(actor=request.user, membership=membership)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ("held_on", "kind", "org_unit", "title")
    list_filter = ("kind",)
    search_fields = ("title", "org_unit__name")
    raw_id_fields = ("org_unit",)
    fields = ("kind", "org_unit", "held_on", "title", "attendees", "minutes", "decisions")

    def has_change_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False  # the record of a meeting is not rewritten after the fact

    def has_delete_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Meeting, form: ModelForm[Meeting], change: bool) -> None:
        recorded = services.meeting_record(
            actor=request.user, kind=obj.kind, org_unit=obj.org_unit, held_on=obj.held_on, title=obj.title,
            attendees=obj.attendees, minutes=obj.minutes, decisions=obj.decisions,
        )
        obj.pk = recorded.pk


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "occurred_at", "actor_name", "action", "object_type", "object_id", "org_unit")
    list_filter = ("action",)
    search_fields = ("action", "actor_name", "object_type", "object_id")


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "user", "object_type", "object_id", "field", "channel", "org_unit")
    list_filter = ("channel", "field")
    search_fields = ("user__username", "object_type", "object_id")


