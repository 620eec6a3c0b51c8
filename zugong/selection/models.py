"""Selection and appointment (选拔任用全程纪实) and the problem-information archive (问题信息档案).

Both state machines are transition tables next to their models; the services check them and turn an
illegal step into `IllegalTransition` (409) with a Chinese reason.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit

# --- the problem-information archive (R18) ---------------------------------------------------------


class ProblemSource(models.TextChoices):
    INSPECTION = "inspection", _("中省巡视")
    DISCIPLINE = "discipline", _("纪检监察")
    LEGAL = "legal", _("政法")
    ONLINE = "online", _("网络舆情")
    PETITION = "petition", _("信访")
    AUDIT = "audit", _("审计")
    OTHER = "other", _("其他")


class ProblemStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFYING = "verifying", _("核实中")
    CONFIRMED = "confirmed", _("已查实")
    UNFOUNDED = "unfounded", _("查无实据")
    CLARIFIED = "clarified", _("已澄清")


class ProblemHandling(models.TextChoices):
    REMINDER = "reminder", _("提醒")
    INQUIRY = "inquiry", _("函询")
    ADMONISHMENT = "admonishment", _("诫勉")
    ORG_HANDLING = "org_handling", _("组织处理")
    REFERRAL = "referral", _("移送纪检")


PROBLEM_ALLOWED: dict[str, frozenset[str]] = {
    ProblemStatus.PENDING: frozenset({ProblemStatus.VERIFYING}),
    ProblemStatus.VERIFYING: frozenset({ProblemStatus.CONFIRMED, ProblemStatus.UNFOUNDED, ProblemStatus.CLARIFIED}),
    ProblemStatus.CONFIRMED: frozenset(),
    ProblemStatus.UNFOUNDED: frozenset(),
    ProblemStatus.CLARIFIED: frozenset(),
}
# While an entry is in one of these, its cadre is shielded from every selection (R18).
UNRESOLVED = (ProblemStatus.PENDING, ProblemStatus.VERIFYING)


class ProblemEntry(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="problem_entries")
    # The cadre's unit when the entry was received: the jurisdiction scope and the per-unit count of R05.
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=12, choices=ProblemSource.choices)
    received_on = models.DateField(_("收到日期"))
    document_number = models.CharField(_("来文编号"), max_length=80, blank=True, default="")
    # 信访: the petition record it came from (masswork), in the entry's own jurisdiction
    petition = models.ForeignKey("masswork.Petition", verbose_name=_("信访件"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("问题内容"))  # confidential: see selection/access.py
    status = models.CharField(_("状态"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.PENDING)
    handling = models.CharField(_("处理方式"), max_length=14, choices=ProblemHandling.choices, blank=True, default="")
    conclusion = models.TextField(_("核实结论"), blank=True, default="")
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("问题信息")
        verbose_name_plural = _("问题信息档案")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["cadre", "status"], name="selection_problem_cadre"),
            models.Index(fields=["org_unit", "received_on"], name="selection_problem_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.source} {self.received_on}"

    def next_states(self) -> list[str]:
        return sorted(PROBLEM_ALLOWED[self.status])

    @property
    def is_unresolved(self) -> bool:
        return self.status in UNRESOLVED


# --- the selection record ---------------------------------------------------------------------------


class Stage(models.TextChoices):
    MOTION = "motion", _("动议")
    RECOMMENDATION = "recommendation", _("民主推荐")
    SHORTLIST = "shortlist", _("确定考察对象")
    INVESTIGATION = "investigation", _("考察")
    CONSULTATION = "consultation", _("征求意见")
    DECISION = "decision", _("讨论决定")
    PUBLICITY = "publicity", _("任前公示")
    APPOINTMENT = "appointment", _("任职")
    APPOINTED = "appointed", _("已任职")
    STOPPED = "stopped", _("已终止")


# The stages that carry a record, in order. `Selection.stage` is the stage whose record is awaited.
FLOW: tuple[str, ...] = (Stage.MOTION, Stage.RECOMMENDATION, Stage.SHORTLIST, Stage.INVESTIGATION,
                         Stage.CONSULTATION, Stage.DECISION, Stage.PUBLICITY, Stage.APPOINTMENT)
FINAL = frozenset({Stage.APPOINTED, Stage.STOPPED})
SELECTION_ALLOWED: dict[str, frozenset[str]] = {
    **{stage: frozenset({FLOW[i + 1], Stage.STOPPED}) for i, stage in enumerate(FLOW[:-1])},
    Stage.APPOINTMENT: frozenset({Stage.APPOINTED, Stage.STOPPED}),
    Stage.APPOINTED: frozenset(),
    Stage.STOPPED: frozenset(),
}


class CommitteeKind(models.TextChoices):
    STANDING = "standing", _("常委会")
    PLENARY = "plenary", _("全委会")


class Selection(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("选任单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=200)
    posts = models.CharField(_("拟任职务"), max_length=300)
    rank_level = models.CharField(_("职务层次"), max_length=20, blank=True, default="")
    # 报备: the plan goes to the superior org department first; 民主推荐 waits for its 同意.
    requires_report = models.BooleanField(_("须向上级报备"), default=False)
    stage = models.CharField(_("所处环节"), max_length=16, choices=Stage.choices, default=Stage.MOTION)
    stopped_at_stage = models.CharField(_("终止时环节"), max_length=16, choices=Stage.choices, blank=True, default="")
    stop_reason = models.TextField(_("终止原因"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("选拔任用")
        verbose_name_plural = _("选拔任用")

    def __str__(self) -> str:
        return self.title

    def next_states(self) -> list[str]:
        return sorted(SELECTION_ALLOWED[self.stage])

    @property
    def is_final(self) -> bool:
        return self.stage in FINAL


def digest_of(data: dict[str, Any], files: Sequence[tuple[int, str, str]] = ()) -> str:
    """SHA-256 over the canonical JSON of a stage record and its attached files (id, name, SHA-256 of the
    content): what a signature confirms. A record without files digests as it always has, so signatures
    given before attachments existed still match."""
    payload: dict[str, Any] = data if not files else {"record": data, "attachments": sorted(map(list, files))}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StageRecord(models.Model):
    """全程纪实: what one stage of a selection recorded (its fields as JSON, digested when signed)."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="records")
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices)
    data = models.JSONField(_("记录"), default=dict)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("环节纪实")
        verbose_name_plural = _("环节纪实")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["selection", "stage"], name="selection_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.selection_id} {self.stage}"

    def digest(self, files: Sequence[tuple[int, str, str]] = ()) -> str:
        """`files`: the record's attachments as (id, name, sha256), read by the caller (`stage_files`)."""
        return digest_of(self.data, files)


class StageSignature(models.Model):
    """签字确认: a person confirms a stage record; the digest shows whether it changed since. A committee member
    who is not a user signs on paper and the signing user records it (`user` empty, `attested_by` that user)."""

    record = models.ForeignKey(StageRecord, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("签字人"), max_length=80)
    capacity = models.CharField(_("身份"), max_length=80, blank=True, default="")
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("见证登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(_("摘要"), max_length=64)
    audit_sequence = models.BigIntegerField(_("审计序号"))
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("签字确认")
        verbose_name_plural = _("签字确认")

    def __str__(self) -> str:
        return f"{self.signer_name} {self.record_id}"


class RecommendationKind(models.TextChoices):
    """The two rounds of 民主推荐, each with its own ballots and votes."""

    MEETING = "meeting", _("会议推荐")
    TALK = "talk", _("谈话推荐")


class RecommendationVote(models.Model):
    """民主推荐: the votes a cadre received in one round (会议推荐 or 谈话推荐)."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="votes")
    kind = models.CharField(_("推荐方式"), max_length=8, choices=RecommendationKind.choices,
                            default=RecommendationKind.MEETING)
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField(_("推荐票数"))

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["selection", "kind", "cadre"], name="selection_vote_kind_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.kind}: {self.votes}"


class CandidateStatus(models.TextChoices):
    SHORTLISTED = "shortlisted", _("考察对象")
    PASSED = "passed", _("决定任用")
    NOT_PASSED = "not_passed", _("未通过")
    APPOINTED = "appointed", _("已任职")


class Candidate(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="candidates")
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=CandidateStatus.choices,
                              default=CandidateStatus.SHORTLISTED)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["selection", "cadre"], name="selection_candidate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.cadre_id}"


class CandidateRefusal(models.Model):
    """A gate refused a cadre as inspection candidate: kept so the page can show what blocked it and why."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="refusals")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    gate = models.CharField(_("制度"), max_length=8)
    reason = models.TextField(_("原因"))
    refused_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.cadre_id} {self.gate}"


class AuditSignOff(models.Model):
    """R19: an org_admin signs off one open error of a candidate's 三龄两历一身份 audit, with a reason."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="audit_sign_offs")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    check_code = models.CharField(_("审核项目"), max_length=40)
    reason = models.TextField(_("签批理由"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["selection", "cadre", "check_code"], name="selection_signoff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.cadre_id} {self.check_code}"


class SignedRecommendation(models.Model):
    """署名推荐: a named recommender puts a cadre forward in writing and answers for it (谁推荐谁负责)."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="signed_recommendations")
    recommender = models.CharField(_("推荐人"), max_length=80)
    recommender_post = models.CharField(_("推荐人职务"), max_length=120, blank=True, default="")
    cadre = models.ForeignKey(Cadre, verbose_name=_("被推荐人"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("推荐理由"))
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.recommender} → {self.cadre_id}"


# --- personal-matters reports (个人有关事项报告, R19) -----------------------------------------------------


class PersonalMatterItem(models.Model):
    """One item a leading cadre reports on (婚姻变化, 子女移居国（境）外, 房产 …): data, not code, so an
    organisation department adds or retires items without a release."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    label = models.CharField(_("报告事项"), max_length=80)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("个人有关事项")
        verbose_name_plural = _("个人有关事项")
        ordering = ("order", "pk")

    def __str__(self) -> str:
        return self.label


class PersonalReport(models.Model):
    """A cadre's annual 个人有关事项报告: what was declared per item (item code → text; empty = 无)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="personal_reports")
    # The cadre's unit when the report was filed: it scopes the report and the draw's population.
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("报告年度"))
    submitted_on = models.DateField(_("报告日期"))
    declared = models.JSONField(_("报告内容"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("个人有关事项报告")
        verbose_name_plural = _("个人有关事项报告")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["cadre", "year"], name="selection_report_cadre_year"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["org_unit", "year"], name="selection_report_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.year}"


class CheckDraw(models.Model):
    """抽查核实: a sample of one year's reports in a unit's subtree, drawn with a recorded seed and share so
    anyone can draw it again from the same population and get the same cadres (`services.reports.draw_replay`).
    The population leaves out reports already checked that year (`excluded`) and is drawn per unit
    (`strata`: unit id → its report ids, each unit ⌈share × its reports⌉). Draws made before the strata
    existed have none and replay as one stratum."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("抽查范围"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("报告年度"))
    seed = models.BigIntegerField(_("随机种子"))
    share = models.DecimalField(_("抽查比例"), max_digits=5, decimal_places=4)
    population = models.JSONField(_("抽查总体（报告编号）"), default=list)
    drawn = models.JSONField(_("抽中报告编号"), default=list)
    strata = models.JSONField(_("分层（单位 → 报告编号）"), default=dict, blank=True)
    excluded = models.JSONField(_("已核查而不再抽取的报告编号"), default=list, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("随机抽查")
        verbose_name_plural = _("随机抽查")

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.year} #{self.seed}"


class CheckKind(models.TextChoices):
    RANDOM = "random", _("随机抽查")
    CANDIDATE = "candidate", _("拟提拔人选必查")


class CheckOutcome(models.TextChoices):
    PENDING = "pending", _("待核查")
    CONSISTENT = "consistent", _("一致（如实报告）")
    OMITTED = "omitted", _("漏报")
    CONCEALED = "concealed", _("瞒报")


NOT_TRUTHFUL = (CheckOutcome.OMITTED, CheckOutcome.CONCEALED)


class CheckHandling(models.TextChoices):
    REMINDER = "reminder", _("组织提醒")
    CRITICISM = "criticism", _("批评教育")
    ADMONISHMENT = "admonishment", _("诫勉")
    SUSPENDED = "suspended", _("暂停提拔")
    DISQUALIFIED = "disqualified", _("取消提拔资格")
    ORG_HANDLING = "org_handling", _("组织处理")


class ReportCheck(models.Model):
    """The check (核查) of one report against the records: drawn at random or required because the cadre is
    a candidate (拟提拔人选必查); its outcome, and the handling where the report was not truthful."""

    report = models.ForeignKey(PersonalReport, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(_("核查方式"), max_length=10, choices=CheckKind.choices)
    draw = models.ForeignKey(CheckDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="checks")
    selection = models.ForeignKey(Selection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("核查结果"), max_length=10, choices=CheckOutcome.choices,
                               default=CheckOutcome.PENDING)
    handling = models.CharField(_("处理方式"), max_length=14, choices=CheckHandling.choices, blank=True, default="")
    discrepancy = models.TextField(_("不一致情况"), blank=True, default="")
    checked_on = models.DateField(_("核查日期"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # 组织提醒 / 诫勉 of a report not truthful, recorded in talks' 提醒函询诫勉 register
    supervision_action = models.ForeignKey("talks.SupervisionAction", null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("个人有关事项核查")
        verbose_name_plural = _("个人有关事项核查")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["report", "kind"], name="selection_check_report_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.outcome}"

    @property
    def is_concluded(self) -> bool:
        return self.outcome != CheckOutcome.PENDING


# --- 报备: the superior org department reviews the plan ----------------------------------------------------


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("同意")
    ADJUST = "adjust", _("责令调整")


class PlanReview(models.Model):
    """报备: the selection's plan (方案) goes to the superior org department, which agrees (同意) or orders an
    adjustment (责令调整) with a reason. A selection that must report waits at 民主推荐 until one agrees."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="plan_reviews")
    reviewer_unit = models.ForeignKey(OrgUnit, verbose_name=_("审核单位"), on_delete=models.PROTECT,
                                      related_name="+")
    plan_digest = models.CharField(_("方案摘要"), max_length=64)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_on = models.DateField(_("报备日期"))
    decision = models.CharField(_("审核意见"), max_length=10, choices=ReviewDecision.choices,
                                default=ReviewDecision.PENDING)
    reason = models.TextField(_("理由"), blank=True, default="")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("方案报备")
        verbose_name_plural = _("方案报备")

    def __str__(self) -> str:
        return f"{self.selection_id} {self.decision}"


# --- R22: special supervision of selection work (选人用人专项检查) -------------------------------------------


class AccountableHead(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("党委（党组）主要领导")
    ORG_DEPARTMENT = "org_department", _("组织人事部门主要领导")


class AccountabilitySituation(models.Model):
    """One situation that makes a head accountable (the seed: 9 for the party committee's, 7 for the org
    department's); kept as an editable list."""

    head = models.CharField(_("追究对象"), max_length=16, choices=AccountableHead.choices)
    text = models.CharField(_("情形"), max_length=200)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("责任追究情形")
        verbose_name_plural = _("责任追究情形")
        ordering = ("head", "order", "pk")

    def __str__(self) -> str:
        return self.text


class SpecialInspection(models.Model):
    """选人用人专项检查 of one county or municipal department, with its findings and the accountability handling."""

    inspected_unit = models.ForeignKey(OrgUnit, verbose_name=_("被检查单位"), on_delete=models.PROTECT,
                                       related_name="+")
    started_on = models.DateField(_("检查日期"))
    team = models.CharField(_("检查组"), max_length=300)
    findings = models.TextField(_("发现的问题"), blank=True, default="")
    situations = models.ManyToManyField(AccountabilitySituation, verbose_name=_("追究责任情形"), blank=True,
                                        related_name="+")
    handling = models.TextField(_("问责处理"), blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("选人用人专项检查")
        verbose_name_plural = _("选人用人专项检查")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["inspected_unit", "started_on"], name="selection_inspection_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.inspected_unit_id} {self.started_on}"


# --- 任前公示: the reports received during the publicity period ------------------------------------------


class PublicityChannel(models.TextChoices):
    LETTER = "letter", _("来信")
    CALL = "call", _("来电")
    VISIT = "visit", _("来访")
    ONLINE = "online", _("网络")
    OTHER = "other", _("其他")


class PublicityReportStatus(models.TextChoices):
    PENDING = "pending", _("待核查")
    CHECKING = "checking", _("核查中")
    CONFIRMED = "confirmed", _("查实")
    PARTLY = "partly", _("部分查实")
    UNFOUNDED = "unfounded", _("不实")


class PublicityHandling(models.TextChoices):
    NO_EFFECT = "no_effect", _("不影响任职")
    REMINDER = "reminder", _("提醒或批评教育后任职")
    SUSPEND = "suspend", _("暂缓任职")
    CANCEL = "cancel", _("取消任职")


PUBLICITY_REPORT_ALLOWED: dict[str, frozenset[str]] = {
    PublicityReportStatus.PENDING: frozenset({PublicityReportStatus.CHECKING}),
    PublicityReportStatus.CHECKING: frozenset({PublicityReportStatus.CONFIRMED, PublicityReportStatus.PARTLY,
                                               PublicityReportStatus.UNFOUNDED}),
    PublicityReportStatus.CONFIRMED: frozenset(),
    PublicityReportStatus.PARTLY: frozenset(),
    PublicityReportStatus.UNFOUNDED: frozenset(),
}
PUBLICITY_OPEN = (PublicityReportStatus.PENDING, PublicityReportStatus.CHECKING)
# A concluded report blocks the appointment (R13: only a clean publicity period) when found true, or when its
# handling holds the appointment back.
PUBLICITY_BLOCKING_HANDLING = (PublicityHandling.SUSPEND, PublicityHandling.CANCEL)


class PublicityReport(models.Model):
    """One report (反映) received during a selection's 任前公示: when, how, about whom, what (confidential, like a
    problem entry's content), then checked (核查) and concluded (查实 / 部分查实 / 不实, with the handling)."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="publicity_reports")
    cadre = models.ForeignKey(Cadre, verbose_name=_("反映对象"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    received_on = models.DateField(_("收到日期"))
    channel = models.CharField(_("反映方式"), max_length=8, choices=PublicityChannel.choices)
    content = models.TextField(_("反映内容"))  # confidential: see selection/access.py
    status = models.CharField(_("状态"), max_length=10, choices=PublicityReportStatus.choices,
                              default=PublicityReportStatus.PENDING)
    handling = models.CharField(_("处理意见"), max_length=10, choices=PublicityHandling.choices, blank=True,
                                default="")
    conclusion = models.TextField(_("核查结论"), blank=True, default="")
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("公示期间的反映")
        verbose_name_plural = _("公示期间的反映")

    def __str__(self) -> str:
        return f"{self.selection_id} {self.received_on} {self.status}"

    def next_states(self) -> list[str]:
        return sorted(PUBLICITY_REPORT_ALLOWED[self.status])

    @property
    def is_open(self) -> bool:
        return self.status in PUBLICITY_OPEN

    @property
    def blocks(self) -> bool:
        """It holds the appointment back: not yet concluded, found true, or concluded with a handling that
        suspends or cancels the appointment."""
        return (self.is_open or self.status == PublicityReportStatus.CONFIRMED
                or self.handling in PUBLICITY_BLOCKING_HANDLING)
