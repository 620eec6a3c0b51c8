"""The one permission table: every action a person can take, and the roles that may take it.

Services check it (`require`), the menu and page decorators read it (`may`), and the permission-matrix
tests are generated from it. An action is named `<app>.<entity>_<verb>`, like the service that does it
and the audit event that service writes. A role applies at an org unit when the user holds it at that
unit or at one of its ancestors (`Jurisdiction.roles_at`).

Add a row here when a new service, page or menu entry needs a role; never name roles anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

from django.contrib.auth.models import User

from zugong.core.errors import Forbidden, NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit, Role

# The one actor type of every service: a signed-in user, or None for the system (demo loader, event
# handlers, scheduled evaluation), which acts with `SYSTEM` as its jurisdiction.
Actor: TypeAlias = User | None

SYSTEM = Jurisdiction(user_id=None, is_superuser=True)

ORG_DEPT = frozenset({Role.ORG_ADMIN.value, Role.ORG_STAFF.value})
ADMIN = frozenset({Role.ORG_ADMIN.value})
READERS = ORG_DEPT | {Role.LEADER.value}
TOWNSHIP = ORG_DEPT | {Role.TOWNSHIP_STAFF.value}
GRASSROOTS = TOWNSHIP | {Role.VILLAGE_STAFF.value}
GRASSROOTS_READERS = GRASSROOTS | {Role.LEADER.value}
WALL_STAFF = TOWNSHIP | {Role.GROUP_LEADER.value}
EVERYONE = frozenset(r.value for r in Role)


@dataclass(frozen=True)
class Permission:
    roles: frozenset[str]
    label: str  # what the action is, in Chinese: "您没有{label}的权限"
    writes: bool = True


def _read(roles: frozenset[str], label: str) -> Permission:
    return Permission(roles, label, writes=False)


PERMISSIONS: Mapping[str, Permission] = {
    # core
    "core.home_view": _read(EVERYONE, "查看工作台"),
    "core.org_view": _read(EVERYONE, "查看组织机构"),
    "core.user_pick": _read(GRASSROOTS, "选择用户"),
    # cadres
    "cadres.cadre_pick": _read(GRASSROOTS_READERS | {Role.GROUP_LEADER.value}, "选择干部"),
    "cadres.cadre_view": _read(READERS | {Role.TOWNSHIP_STAFF.value}, "查看干部信息"),
    "cadres.cadre_confidential_view": _read(ORG_DEPT, "查看干部身份证号码"),
    "cadres.cadre_create": Permission(ORG_DEPT, "新增干部"),
    "cadres.cadre_update": Permission(ORG_DEPT, "修改干部信息"),
    "cadres.cadre_import": Permission(ORG_DEPT, "导入干部信息"),
    "cadres.cadre_export": _read(ORG_DEPT, "导出干部任免审批表"),
    # The roster as Excel (ID numbers masked): what the list shows; a large one is a job started by a POST.
    "cadres.roster_export": _read(READERS | {Role.TOWNSHIP_STAFF.value}, "导出干部名册"),
    "cadres.cadre_move": Permission(ORG_DEPT, "办理任职变动"),
    "cadres.archive_audit": _read(ORG_DEPT, "审核干部档案"),
    # meetings (民情分析会, 务虚会, 座谈会, 中心组学习: the data of R07, R12, R29)
    "meetings.meeting_view": _read(GRASSROOTS_READERS, "查看会议记录"),
    "meetings.meeting_record": Permission(TOWNSHIP, "登记会议"),
    # rules
    "rules.finding_view": _read(EVERYONE, "查看制度执行情况"),
    "rules.finding_export": _read(EVERYONE, "导出制度执行明细"),
    # The home page's overview of the current period of every rule (the leader's and the departments').
    "rules.overview_view": _read(READERS, "查看制度执行概览"),
    "rules.rule_override_set": Permission(ADMIN, "调整制度参数"),
    "rules.evaluate": Permission(ORG_DEPT, "评估制度执行情况"),
    "rules.notification_view": _read(EVERYONE, "查看制度执行提醒"),
    # Marking one's own notices read changes no domain data, so it is open to every role (leaders too).
    "rules.notifications_mark_read": _read(EVERYONE, "标记提醒已读"),
    # Who is sent the reminders of a unit: those who hold this role at the unit, of the nearest level that has
    # any (a village's or township's own staff about their overdue R09, R11, R16 …, else the departments).
    "rules.reminder_receive": _read(GRASSROOTS, "接收制度执行提醒"),
    # jobs: anyone sees and cancels their own jobs (no domain data changes); others' jobs need the kind's action
    "jobs.job_view": _read(EVERYONE, "查看后台任务"),
    "jobs.job_cancel": _read(EVERYONE, "取消后台任务"),
    "jobs.schedule_run": Permission(ADMIN, "运行定时任务"),
    # talks
    "talks.talk_view": _read(READERS | {Role.TOWNSHIP_STAFF.value}, "查看谈心谈话"),
    "talks.talk_export": _read(READERS | {Role.TOWNSHIP_STAFF.value}, "导出谈心谈话"),
    # Who reads what was said (summaries, interview records) in their whole jurisdiction; talkers,
    # proposers, approvers and ConfidentialGrant rows add readers (talks/access.py).
    "talks.talk_confidential_view": _read(ADMIN, "查看谈话内容"),
    "talks.talk_record": Permission(ORG_DEPT, "记录谈心谈话"),
    "talks.talk_follow_up_done": Permission(ORG_DEPT, "办结谈话跟进事项"),
    "talks.talker_register": Permission(ORG_DEPT, "登记谈话人"),
    "talks.talk_plan_generate": Permission(ORG_DEPT, "生成谈话计划"),
    "talks.pairing_rule_create": Permission(ORG_DEPT, "设置谈话分工"),
    "talks.trigger_raise": Permission(ORG_DEPT, "登记谈话事由"),
    "talks.trigger_cancel": Permission(ORG_DEPT, "撤销谈话事由"),
    "talks.cadre_flag_raise": Permission(ORG_DEPT, "标记干部"),
    "talks.triggers_scan": Permission(ORG_DEPT, "检查五必谈"),
    "talks.interview_propose": Permission(ORG_DEPT, "提出约谈建议"),
    "talks.interview_approve": Permission(frozenset({Role.ORG_ADMIN.value, Role.LEADER.value}), "审批约谈"),
    "talks.interview_step": Permission(ORG_DEPT, "办理约谈"),
    "talks.interview_assess": Permission(ORG_DEPT, "评估约谈效果"),
    "talks.supervision_record": Permission(ORG_DEPT, "记录提醒、函询、诫勉"),
    "talks.supervision_respond": Permission(ORG_DEPT, "登记函询答复"),
    "talks.supervision_conclude": Permission(ORG_DEPT, "登记处理结果"),
    # masswork: the wish wall
    "masswork.order_view": _read(WALL_STAFF | {Role.LEADER.value, Role.MEMBER.value}, "查看民心墙"),
    "masswork.order_dispatch": Permission(WALL_STAFF, "派单"),
    "masswork.order_accept": Permission(WALL_STAFF | {Role.MEMBER.value}, "接单"),
    "masswork.order_complete": Permission(WALL_STAFF | {Role.MEMBER.value}, "办结点单"),
    "masswork.order_explain": Permission(WALL_STAFF, "答复点单"),
    "masswork.order_rate_on_behalf": Permission(WALL_STAFF, "代群众评单"),
    "masswork.order_place": Permission(WALL_STAFF, "代群众点单"),
    "masswork.wall_create": Permission(TOWNSHIP, "设立民心墙"),
    "masswork.member_register": Permission(WALL_STAFF, "登记在职党员"),
    "masswork.wall_locate": Permission(TOWNSHIP, "设置民心墙位置"),
    # Residents' photos may show faces: the wall's staff approve one before Open311 publishes it (media_url).
    "masswork.order_photo_publish": Permission(WALL_STAFF, "审核点单照片公开"),
    # Staff call residents back; members and leaders see the phone masked (138****8000).
    "masswork.resident_phone_view": _read(WALL_STAFF, "查看群众完整电话"),
    # masswork: petitions
    "masswork.petition_view": _read(TOWNSHIP | {Role.LEADER.value}, "查看信访事项"),
    "masswork.petition_receive": Permission(TOWNSHIP, "登记信访事项"),
    "masswork.petition_handle": Permission(TOWNSHIP, "办理信访事项"),
    "masswork.petitioner_identity_view": _read(ADMIN, "查看信访人身份"),
    "masswork.petitioner_access_grant": Permission(ADMIN, "授权查看信访人身份"),
    "masswork.reception_day_record": Permission(TOWNSHIP, "登记接访日"),
    # masswork: township and village
    "masswork.township_view": _read(GRASSROOTS_READERS, "查看乡村工作"),
    "masswork.ledger_record": Permission(GRASSROOTS, "登记民情台账"),
    "masswork.visit_record": Permission(GRASSROOTS, "登记走访"),
    "masswork.pairing_record": Permission(TOWNSHIP, "登记结对帮扶"),
    "masswork.duty_schedule": Permission(TOWNSHIP, "排定坐班"),
    "masswork.duty_check_in": Permission(GRASSROOTS, "坐班签到"),
    "masswork.in_village_day_record": Permission(GRASSROOTS, "登记驻村日"),
    # selection: the problem-information archive (R18); its content is confidential (org_admin reads it)
    "selection.problem_view": _read(ORG_DEPT, "查看问题信息档案"),
    "selection.problem_confidential_view": _read(ADMIN, "查看问题内容"),
    "selection.problem_record": Permission(ORG_DEPT, "登记问题信息"),
    "selection.problem_transition": Permission(ORG_DEPT, "办理问题信息核实"),
    # selection: the selection and appointment record (R13, R17, R18, R20, R21)
    "selection.selection_view": _read(READERS, "查看选拔任用纪实"),
    "selection.selection_open": Permission(ORG_DEPT, "启动选拔任用"),
    "selection.selection_advance": Permission(ORG_DEPT, "登记选拔任用环节"),
    "selection.candidate_add": Permission(ORG_DEPT, "确定考察对象"),
    "selection.stage_sign": Permission(ORG_DEPT, "签字确认选拔任用环节"),
    "selection.selection_stop": Permission(ORG_DEPT, "终止选拔任用"),
    "selection.stage_attach": Permission(ORG_DEPT, "上传选拔任用环节材料"),
    "selection.stage_file_remove": Permission(ADMIN, "删除选拔任用环节误传的材料"),
    "selection.audit_sign_off": Permission(ADMIN, "签批干部档案审核错误"),
    "selection.publicity_report_record": Permission(ORG_DEPT, "登记任前公示期间收到的反映"),
    "selection.publicity_report_check": Permission(ORG_DEPT, "核查办理任前公示期间收到的反映"),
    "selection.publicity_report_content_view": _read(ADMIN, "查看任前公示期间反映的内容"),
    "selection.report_view": _read(ORG_DEPT, "查看个人有关事项报告"),
    "selection.report_record": Permission(ORG_DEPT, "登记个人有关事项报告"),
    "selection.report_content_view": _read(ADMIN, "查看个人有关事项报告内容"),
    "selection.report_draw": Permission(ADMIN, "随机抽查个人有关事项报告"),
    "selection.report_check": Permission(ORG_DEPT, "核查个人有关事项报告"),
    "selection.plan_submit": Permission(ORG_DEPT, "报备选拔任用工作方案"),
    "selection.plan_review": Permission(ADMIN, "审核报备的选拔任用工作方案"),
    "selection.inspection_view": _read(READERS, "查看选人用人专项检查"),
    "selection.inspection_record": Permission(ORG_DEPT, "登记选人用人专项检查"),
    "selection.situation_edit": Permission(ADMIN, "维护责任追究情形"),
    # rectification (R24): the owner unit plans, reports and asks for closure; the issuing level decides
    "rectification.problem_view": _read(GRASSROOTS_READERS, "查看问题整改"),
    "rectification.list_issue": Permission(ORG_DEPT, "下发问题清单"),
    "rectification.list_export": _read(ORG_DEPT, "导出问题清单"),
    "rectification.plan_submit": Permission(GRASSROOTS, "提交整改方案"),
    "rectification.plan_review": Permission(ORG_DEPT, "审核整改方案"),
    "rectification.progress_report": Permission(GRASSROOTS, "报告整改进展"),
    "rectification.closure_request": Permission(GRASSROOTS, "申请销号"),
    "rectification.closure_review": Permission(ORG_DEPT, "审核销号"),
    "rectification.problem_reopen": Permission(ORG_DEPT, "重新打开已销号问题"),
    "rectification.check_record": Permission(ORG_DEPT, "登记整改检查"),
    # rectification, projects (R33): the issuing level registers, publishes and approves claims; units claim
    # and report; a leader's unit records the leader's half-year duty report
    "rectification.project_view": _read(GRASSROOTS_READERS, "查看项目化管理"),
    "rectification.project_manage": Permission(ORG_DEPT, "登记和发布项目"),
    "rectification.project_export": _read(ORG_DEPT, "导出项目台账"),
    "rectification.project_claim": Permission(GRASSROOTS, "认领项目"),
    "rectification.claim_review": Permission(ORG_DEPT, "审核认项"),
    "rectification.project_report": Permission(GRASSROOTS, "报告项目进展"),
    "rectification.leader_report": Permission(TOWNSHIP, "登记半年述职"),
    # assessment (考核评价): ratings are seen by the campaign's staff; others see them once published
    "assessment.campaign_view": _read(READERS, "查看考核评价"),
    "assessment.campaign_create": Permission(ORG_DEPT, "设置考核（对象、指标）"),
    "assessment.campaign_advance": Permission(ORG_DEPT, "推进考核环节"),
    "assessment.campaign_publish": Permission(ADMIN, "公布考核结果"),
    "assessment.rating_set": Permission(ORG_DEPT, "评定考核等次"),
    "assessment.score_set": Permission(ORG_DEPT, "录入考核得分"),
    "assessment.survey_view": _read(READERS, "查看满意度测评"),
    "assessment.survey_manage": Permission(ORG_DEPT, "组织满意度测评"),
    "assessment.points_view": _read(READERS | {Role.TOWNSHIP_STAFF.value}, "查看积分卡"),
    "assessment.points_manage": Permission(ORG_DEPT, "设置积分卡"),
    "assessment.points_record": Permission(TOWNSHIP, "登记积分"),
    "assessment.points_approve": Permission(ORG_DEPT, "审核积分"),
    "assessment.result_use": Permission(ORG_DEPT, "运用考核结果"),
    # fieldwork: training (R30) kept by the org department; village income (R27) reported from below
    "fieldwork.training_view": _read(READERS, "查看干部教育培训"),
    "fieldwork.training_record": Permission(ORG_DEPT, "登记干部教育培训"),
    "fieldwork.income_view": _read(GRASSROOTS_READERS, "查看村集体经济收入"),
    "fieldwork.income_report": Permission(GRASSROOTS, "报送村集体经济收入"),
    "fieldwork.income_export": _read(READERS, "导出村集体经济收入通报"),
    "fieldwork.income_scale_set": Permission(ADMIN, "设定村集体经济预警标准"),
    # fieldwork: 蹲点调研 (R06) organised and recorded by the org department
    "fieldwork.stay_view": _read(READERS, "查看蹲点调研"),
    "fieldwork.batch_manage": Permission(ORG_DEPT, "组织蹲点调研批次"),
    "fieldwork.stay_record": Permission(ORG_DEPT, "登记蹲点调研日志和建议"),
    "fieldwork.suggestion_answer": Permission(ORG_DEPT, "登记建议的答复和采纳"),
    "fieldwork.spending_record": Permission(ORG_DEPT, "登记联系点投入"),
    # fieldwork: 调研课题 and field days (R26), kept by the org department
    "fieldwork.topic_view": _read(READERS, "查看调研课题和基层调研天数"),
    "fieldwork.topic_manage": Permission(ORG_DEPT, "登记调研课题（立项、结题、评定）"),
    "fieldwork.trip_record": Permission(ORG_DEPT, "登记调研行程"),
    # fieldwork: retired village cadres (R25): townships keep the register and visits, the department pays
    "fieldwork.retiree_view": _read(GRASSROOTS_READERS, "查看离任村干部关爱"),
    "fieldwork.retiree_manage": Permission(TOWNSHIP, "登记离任村干部"),
    "fieldwork.care_record": Permission(GRASSROOTS, "登记走访慰问和困难帮扶"),
    "fieldwork.subsidy_pay": Permission(ORG_DEPT, "发放离任村干部生活补贴"),
    "fieldwork.subsidy_rule_set": Permission(ADMIN, "设定离任村干部生活补贴条件"),
    # fieldwork: township recruits (R23): the turnover report, and the signed approval between 2 and 3 years
    "fieldwork.turnover_view": _read(READERS, "查看新录用乡镇公务员流动情况"),
    "fieldwork.transfer_approve": Permission(ADMIN, "审批新录用乡镇公务员调出"),
}


def permission(action: str) -> Permission:
    try:
        return PERMISSIONS[action]
    except KeyError:
        raise LookupError(f"unknown action {action!r}: add it to zugong.core.permissions.PERMISSIONS") from None


def may(jurisdiction: Jurisdiction, action: str, org: OrgUnit | None = None) -> bool:
    """Whether the jurisdiction's roles allow `action` at `org` (anywhere in it when `org` is None)."""
    roles = permission(action).roles
    if org is None:
        return bool(jurisdiction.roles() & roles)
    return jurisdiction.contains(org) and jurisdiction.has_role_at(org, roles)


def require(jurisdiction: Jurisdiction, action: str, org: OrgUnit | None = None) -> None:
    """Refuse unless allowed: out of the jurisdiction is NotFound (404), in it without the role Forbidden."""
    if org is not None and not jurisdiction.contains(org):
        raise NotFound("未找到，或不在您的管辖范围内")
    if not may(jurisdiction, action, org):
        raise Forbidden(f"您没有{permission(action).label}的权限")


def actions_of(app: str) -> list[str]:
    return sorted(a for a in PERMISSIONS if a.startswith(f"{app}."))
