"""Django admin for the reference lists admins edit: situations, pairing rules, key posts, hardship
areas, talkers and confidential grants. Talks and interviews are changed only through the services."""

from __future__ import annotations

from django.contrib import admin

from zugong.talks.models import (
    ConfidentialGrant,
    HardshipArea,
    InterviewSituation,
    KeyPost,
    PairingRule,
    Talker,
)


@admin.register(InterviewSituation)
class InterviewSituationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "scope", "text", "sort_order", "active")
    list_filter = ("scope", "active")
    search_fields = ("code", "text")


@admin.register(PairingRule)
class PairingRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("org_unit", "priority", "talker", "unit_kinds", "title_keywords", "description")
    raw_id_fields = ("org_unit", "talker", "units")


@admin.register(Talker)
class TalkerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "role", "org_unit", "user", "cadre", "active")
    raw_id_fields = ("org_unit", "user", "cadre")


@admin.register(KeyPost)
class KeyPostAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("org_unit", "title_keyword", "unit")
    raw_id_fields = ("org_unit", "unit")


@admin.register(HardshipArea)
class HardshipAreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("org_unit", "note")
    raw_id_fields = ("org_unit",)


@admin.register(ConfidentialGrant)
class ConfidentialGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("org_unit", "role", "user", "granted_at")
    raw_id_fields = ("org_unit", "user", "granted_by")
