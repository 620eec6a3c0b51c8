"""Shared models: the org tree, memberships and roles, API tokens, the audit and access logs,
calendar overrides and meetings."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PATH_SEGMENT_WIDTH = 5
# Sorts after every character a path can contain ("0"-"9" and "."), in the "C" collation.
PATH_UPPER_SENTINEL = "~"


class PathField(models.CharField[str, str]):
    """A materialised path that sorts byte-wise.

    On PostgreSQL the column gets the "C" collation so a subtree is one btree range scan
    (`path >= P AND path < P || '~'`) whatever the database's default collation; SQLite compares
    bytes already.
    """

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（市、区）")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    DEPARTMENT = "department", _("部门")
    PARTY_COMMITTEE = "party_committee", _("党委")
    PARTY_BRANCH = "party_branch", _("党支部")
    PARTY_GROUP = "party_group", _("党小组")


class OrgUnit(models.Model):
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    division_code = models.CharField(_("行政区划代码"), max_length=12, null=True, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    path = PathField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering: ClassVar[list[str]] = ["path"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["kind", "path"])]

    def __str__(self) -> str:
        return self.name

    @property
    def path_upper(self) -> str:
        return f"{self.path}{PATH_UPPER_SENTINEL}"

    def is_current(self, on: Any = None) -> bool:
        day = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("组织部管理员")
    ORG_STAFF = "org_staff", _("组工干部")
    LEADER = "leader", _("领导")
    TOWNSHIP_STAFF = "township_staff", _("乡镇干部")
    VILLAGE_STAFF = "village_staff", _("村干部")
    GROUP_LEADER = "group_leader", _("党小组长")
    MEMBER = "member", _("在职党员")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("任职角色")
        verbose_name_plural = _("任职角色")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "org_unit", "role"], name="core_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.org_unit} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


_Logged = TypeVar("_Logged", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_Logged]):
    """The audit chain and the access log: rows are added, never changed or removed (PostgreSQL adds a
    trigger, core migrations 0002 and 0004)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every change a service makes (全程纪实)."""

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering: ClassVar[list[str]] = ["sequence"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计日志只能追加，不能删除")


class AccessEvent(models.Model):
    """Who opened which confidential record in full (ID number, talk summary, petitioner)."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    field = models.CharField(max_length=80)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, default="web")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("敏感信息查看记录")
        verbose_name_plural = _("敏感信息查看记录")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.object_type}#{self.object_id}.{self.field}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("敏感信息查看记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("敏感信息查看记录只能追加，不能删除")


class CalendarOverride(models.Model):
    """An admin's correction of the statutory calendar (a year the data does not cover, local 调休)."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering: ClassVar[list[str]] = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'班' if self.is_workday else '休'}"


class MeetingKind(models.TextChoices):
    LEDGER_MEETING = "ledger_meeting", _("民情分析会")
    RETREAT = "retreat", _("务虚会")
    SYMPOSIUM = "symposium", _("座谈会")
    STUDY_GROUP = "study_group", _("中心组学习")
    PARTY_COMMITTEE = "party_committee", _("党委（党组）会议")
    OTHER = "other", _("其他会议")


class Meeting(models.Model):
    kind = models.CharField(_("会议类型"), max_length=30, choices=MeetingKind.choices, db_index=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("召开日期"))
    title = models.CharField(_("议题"), max_length=200, blank=True)
    attendees = models.TextField(_("参会人员"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    decisions = models.TextField(_("议定事项"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering: ClassVar[list[str]] = ["-held_on"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["kind", "org_unit", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"


class Attachment(models.Model):
    """A file attached to a record of any app (meeting minutes, rectification evidence …).

    The bytes are checked by content before they are kept (core/attachments.py) and stored under the
    var dir with mode 0600; the row says whose it is (`owner_type`, `owner_id`) and in which unit, so a
    download is scoped like any other read.
    """

    owner_type = models.CharField(max_length=80)
    owner_id = models.CharField(max_length=64)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=120, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self) -> str:
        return self.name
