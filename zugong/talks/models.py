"""Talks (谈心谈话), annual plans, 五必谈 triggers, admonition interviews (约谈) and supervision actions.

The lists admins edit (pairing rules, key posts, hardship areas, interview situations, confidential
grants) are tables too, so another jurisdiction's practice is data, not code.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.cadres.models import Cadre
from zugong.core.models import Meeting, OrgUnit


class TalkerRole(models.TextChoices):
    MINISTER = "minister", _("部长")
    TEAM_MEMBER = "team_member", _("部领导班子成员")
    STAFF = "staff", _("组工干部")
    OTHER = "other", _("其他")


# Higher first: a talk held by several talkers is counted under the highest role among them.
TALKER_ROLE_RANK = {TalkerRole.MINISTER: 0, TalkerRole.TEAM_MEMBER: 1, TalkerRole.STAFF: 2, TalkerRole.OTHER: 3}


class Talker(models.Model):
    """Someone who holds talks for an org department: a user account, a cadre on the roster, or both."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属组织部门辖区"), on_delete=models.PROTECT,
                                 related_name="talkers")
    name = models.CharField(_("姓名"), max_length=40)
    role = models.CharField(_("谈话人身份"), max_length=20, choices=TalkerRole.choices, default=TalkerRole.STAFF)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="talker_profiles")
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="talker_profiles")
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("谈话人")
        verbose_name_plural = _("谈话人")
        ordering: ClassVar[list[str]] = ["org_unit", "role", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class TalkKind(models.TextChoices):
    ANNUAL = "annual", _("年度普遍谈话")
    TRIGGERED = "triggered", _("五必谈")
    FLAGGED = "flagged", _("有想法/有反映干部谈话")
    PRE_APPOINTMENT = "pre_appointment", _("任前谈话")
    ON_LEAVING = "on_leaving", _("离任谈话")
    OTHER = "other", _("其他")


class Talk(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属单位"), on_delete=models.PROTECT,
                                 related_name="talks")
    held_on = models.DateField(_("谈话日期"), db_index=True)
    kind = models.CharField(_("谈话类型"), max_length=20, choices=TalkKind.choices, db_index=True)
    talkers = models.ManyToManyField(Talker, verbose_name=_("谈话人"), related_name="talks")
    talkees = models.ManyToManyField(Cadre, verbose_name=_("谈话对象"), related_name="talks")
    lead_role = models.CharField(_("主谈人身份"), max_length=20, choices=TalkerRole.choices,
                                 default=TalkerRole.STAFF)
    trigger = models.ForeignKey("TalkTrigger", verbose_name=_("谈话事由"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="talks")
    place = models.CharField(_("地点"), max_length=120, blank=True)
    topics = models.CharField(_("谈话主题"), max_length=300, blank=True)
    summary = models.TextField(_("谈话内容摘要（保密）"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("谈心谈话")
        verbose_name_plural = _("谈心谈话")
        ordering: ClassVar[list[str]] = ["-held_on", "-pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["org_unit", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"


class TalkFollowUp(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="follow_ups")
    action = models.CharField(_("跟进事项"), max_length=300)
    owner = models.CharField(_("责任人"), max_length=60)
    deadline = models.DateField(_("期限"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("谈话跟进事项")
        verbose_name_plural = _("谈话跟进事项")
        ordering: ClassVar[list[str]] = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.action


class PairingRule(models.Model):
    """Who talks with whom in the annual plan (R04): the first matching rule by priority wins.

    A rule matches a cadre's current leading post when every non-empty criterion holds: the post's unit
    lies under one of `units` (linked units, key economic departments), its kind is in `unit_kinds`,
    its title contains one of `title_keywords` and none of those written "!副" (exclusions).
    """

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("适用辖区"), on_delete=models.PROTECT,
                                 related_name="talk_pairing_rules")
    talker = models.ForeignKey(Talker, verbose_name=_("谈话人"), on_delete=models.PROTECT,
                               related_name="pairing_rules")
    priority = models.IntegerField(_("优先级（小者先）"), default=100)
    unit_kinds = models.CharField(_("单位类型（逗号分隔）"), max_length=200, blank=True)
    title_keywords = models.CharField(_("职务关键词（逗号分隔）"), max_length=300, blank=True)
    units = models.ManyToManyField(OrgUnit, verbose_name=_("联系单位"), blank=True, related_name="+")
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("谈话分工规则")
        verbose_name_plural = _("谈话分工规则")
        ordering: ClassVar[list[str]] = ["org_unit", "priority", "pk"]

    def __str__(self) -> str:
        return self.description or f"{self.talker} #{self.priority}"


class TalkPlan(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="talk_plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("年度谈话计划")
        verbose_name_plural = _("年度谈话计划")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["org_unit", "year"], name="talks_plan_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.org_unit}"


class TalkPlanItem(models.Model):
    plan = models.ForeignKey(TalkPlan, on_delete=models.CASCADE, related_name="items")
    talker = models.ForeignKey(Talker, verbose_name=_("谈话人"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="plan_items")
    talkee = models.ForeignKey(Cadre, verbose_name=_("谈话对象"), on_delete=models.PROTECT, related_name="+")
    talkee_unit = models.ForeignKey(OrgUnit, verbose_name=_("对象单位"), on_delete=models.PROTECT, related_name="+")
    talkee_title = models.CharField(_("对象职务"), max_length=120, blank=True)
    rule = models.ForeignKey(PairingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(_("完成期限"))

    class Meta:
        verbose_name = _("计划谈话")
        verbose_name_plural = _("计划谈话")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "talkee"], name="talks_planitem_unique")]

    def __str__(self) -> str:
        return f"{self.talker} → {self.talkee}"


class TriggerKind(models.TextChoices):
    KEY_POST = "key_post", _("重点部门、重点岗位")
    POST_CHANGE = "post_change", _("岗位调整变动")
    PROBLEM_UNIT = "problem_unit", _("问题较多单位负责人")
    HARDSHIP_OR_ILLNESS = "hardship_or_illness", _("家庭困难或重大疾病")
    HARDSHIP_AREA = "hardship_area_long_service", _("长期在艰苦地方工作")
    FLAGGED = "flagged", _("有想法/有反映")


class TriggerStatus(models.TextChoices):
    OPEN = "open", _("待谈")
    SATISFIED = "satisfied", _("已谈")
    CANCELLED = "cancelled", _("已撤销")


class TalkTrigger(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="talk_triggers")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("事由"), max_length=30, choices=TriggerKind.choices, db_index=True)
    rule_code = models.CharField(_("制度"), max_length=8, default="R05")
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    raised_on = models.DateField(_("产生日期"))
    due_on = models.DateField(_("应谈期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=TriggerStatus.choices, default=TriggerStatus.OPEN,
                              db_index=True)
    satisfied_by = models.ForeignKey(Talk, verbose_name=_("对应谈话"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="satisfied_triggers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("谈话事由")
        verbose_name_plural = _("谈话事由")
        ordering: ClassVar[list[str]] = ["due_on", "pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["cadre", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.get_kind_display()}"


class FlagKind(models.TextChoices):
    HAS_IDEAS = "has_ideas", _("有想法")
    HAS_REPORTS = "has_reports", _("有反映")
    HARDSHIP = "hardship", _("家庭困难")
    ILLNESS = "illness", _("重大疾病")


class CadreFlag(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="talk_flags")
    kind = models.CharField(_("标记"), max_length=20, choices=FlagKind.choices)
    note = models.CharField(_("情况"), max_length=300, blank=True)
    raised_on = models.DateField(_("标记日期"))
    cleared_on = models.DateField(_("解除日期"), null=True, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("干部标记")
        verbose_name_plural = _("干部标记")

    def __str__(self) -> str:
        return f"{self.cadre} · {self.get_kind_display()}"


class KeyPost(models.Model):
    """A key department or post (重点部门、重点岗位): a title keyword, optionally limited to some units."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("适用辖区"), on_delete=models.PROTECT, related_name="+")
    title_keyword = models.CharField(_("职务关键词"), max_length=60, blank=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("重点部门"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        verbose_name = _("重点岗位")
        verbose_name_plural = _("重点岗位")

    def __str__(self) -> str:
        return self.title_keyword or str(self.unit)


class HardshipArea(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("艰苦地区"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("艰苦地区")
        verbose_name_plural = _("艰苦地区")

    def __str__(self) -> str:
        return str(self.org_unit)


class SituationScope(models.TextChoices):
    TEAM = "team", _("领导班子")
    CADRE = "cadre", _("领导干部")
    PARTY_HEAD = "party_head", _("党委（党组）主要负责人单独约谈")
    ADMIN_HEAD = "admin_head", _("行政主要负责人单独约谈")


class InterviewSituation(models.Model):
    """One of the situations an interview cites (咸阳办法: 6 team, 12 cadre, 6 + 6 separate)."""

    scope = models.CharField(_("适用"), max_length=20, choices=SituationScope.choices)
    code = models.CharField(_("编号"), max_length=20, unique=True)
    text = models.CharField(_("情形"), max_length=300)
    sort_order = models.IntegerField(_("排序"), default=0)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("约谈情形")
        verbose_name_plural = _("约谈情形")
        ordering: ClassVar[list[str]] = ["scope", "sort_order", "code"]

    def __str__(self) -> str:
        return self.text


class InterviewStatus(models.TextChoices):
    PROPOSED = "proposed", _("已提出建议")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    NOTICE_SENT = "notice_sent", _("已预告")
    HELD = "held", _("已约谈")
    FOLLOW_UP = "follow_up", _("整改跟进")
    ASSESSED = "assessed", _("已评估")


# The procedure of the 咸阳 办法 (R15); the services refuse anything not listed here.
ALLOWED: dict[str, set[str]] = {
    InterviewStatus.PROPOSED: {InterviewStatus.APPROVED, InterviewStatus.REJECTED},
    InterviewStatus.APPROVED: {InterviewStatus.NOTICE_SENT},
    InterviewStatus.REJECTED: set(),
    InterviewStatus.NOTICE_SENT: {InterviewStatus.HELD},
    InterviewStatus.HELD: {InterviewStatus.FOLLOW_UP},
    InterviewStatus.FOLLOW_UP: {InterviewStatus.ASSESSED},
    InterviewStatus.ASSESSED: set(),
}

# States in which the interview has taken place: these count towards the R14 rating caps.
HELD_STATES = (InterviewStatus.HELD, InterviewStatus.FOLLOW_UP, InterviewStatus.ASSESSED)


class InterviewTarget(models.TextChoices):
    TEAM = "team", _("领导班子")
    CADRE = "cadre", _("领导干部")
    PARTY_HEAD = "party_head", _("党委（党组）主要负责人")
    ADMIN_HEAD = "admin_head", _("行政主要负责人")


class InterviewOutcome(models.TextChoices):
    IMPROVED = "improved", _("思想认识提高、整改到位")
    PROPOSE_ADMONISHMENT = "propose_admonishment", _("建议诫勉")
    PROPOSE_ORG_HANDLING = "propose_org_handling", _("建议组织处理")


class Interview(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属单位"), on_delete=models.PROTECT,
                                 related_name="interviews")
    target_kind = models.CharField(_("约谈对象类型"), max_length=20, choices=InterviewTarget.choices)
    team = models.ForeignKey(OrgUnit, verbose_name=_("被约谈班子"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="team_interviews")
    team_head = models.ForeignKey(Cadre, verbose_name=_("单位主要负责人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="headed_team_interviews")
    cadre = models.ForeignKey(Cadre, verbose_name=_("被约谈干部"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="interviews")
    situations = models.ManyToManyField(InterviewSituation, verbose_name=_("约谈情形"), related_name="interviews")
    status = models.CharField(_("状态"), max_length=20, choices=InterviewStatus.choices,
                              default=InterviewStatus.PROPOSED, db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    proposing_office = models.CharField(_("提出机构"), max_length=60, default="干部监督机构")
    proposed_on = models.DateField(_("提出日期"))
    reason = models.TextField(_("约谈事由（保密）"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    rejection_reason = models.CharField(_("不予批准理由"), max_length=300, blank=True)
    notice_sent_on = models.DateField(_("预告日期"), null=True, blank=True)
    scheduled_for = models.DateField(_("约定约谈日期"), null=True, blank=True)
    held_on = models.DateField(_("约谈日期"), null=True, blank=True)
    interviewers = models.CharField(_("约谈人"), max_length=200, blank=True)
    place = models.CharField(_("约谈地点"), max_length=120, blank=True)
    record = models.TextField(_("约谈记录（保密）"), blank=True)
    committee_meeting = models.ForeignKey(Meeting, verbose_name=_("通报约谈情况的党委（党组）会"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    head_informed_on = models.DateField(_("通报单位主要负责人日期"), null=True, blank=True)
    report_due_on = models.DateField(_("书面报告期限"), null=True, blank=True)
    report_submitted_on = models.DateField(_("书面报告提交日期"), null=True, blank=True)
    report_text = models.TextField(_("书面报告（保密）"), blank=True)
    assessed_on = models.DateField(_("评估日期"), null=True, blank=True)
    outcome = models.CharField(_("评估结论"), max_length=30, choices=InterviewOutcome.choices, blank=True)
    outcome_note = models.CharField(_("评估说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        ordering: ClassVar[list[str]] = ["-proposed_on", "-pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["cadre", "status"]),
                                                 models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        target = self.team if self.target_kind == InterviewTarget.TEAM else self.cadre
        return f"约谈 {target}"


class SupervisionKind(models.TextChoices):
    REMINDER = "reminder", _("提醒")
    INQUIRY = "inquiry", _("函询")
    ADMONISHMENT = "admonishment", _("诫勉")


class SupervisionAction(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT,
                              related_name="supervision_actions")
    kind = models.CharField(_("方式"), max_length=20, choices=SupervisionKind.choices)
    issued_on = models.DateField(_("日期"))
    matter = models.TextField(_("事项（保密）"))
    response_due_on = models.DateField(_("答复期限"), null=True, blank=True)
    response = models.TextField(_("本人说明/答复（保密）"), blank=True)
    responded_on = models.DateField(_("答复日期"), null=True, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=300, blank=True)
    interview = models.ForeignKey(Interview, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="supervision_actions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("提醒函询诫勉")
        verbose_name_plural = _("提醒函询诫勉")
        ordering: ClassVar[list[str]] = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.cadre}"


class ConfidentialGrant(models.Model):
    """A role (or one user) allowed to read talk summaries and interview records under `org_unit`."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("角色"), max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("谈话内容查阅授权")
        verbose_name_plural = _("谈话内容查阅授权")

    def __str__(self) -> str:
        return f"{self.org_unit} · {self.role or self.user}"
