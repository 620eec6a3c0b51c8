"""Every write of the talks app, by subdomain; import from here."""

from zugong.talks.services.interviews import (
    interview_approve,
    interview_assess,
    interview_follow_up,
    interview_hold,
    interview_propose,
    interview_reject,
    interview_report_submit,
    interview_send_notice,
)
from zugong.talks.services.plans import pairing_rule_create, talk_plan_generate
from zugong.talks.services.supervision import supervision_conclude, supervision_record, supervision_respond
from zugong.talks.services.talks import FollowUpInput, talk_follow_up_done, talk_record, talker_register
from zugong.talks.services.triggers import (
    cadre_flag_raise,
    on_cadre_flagged,
    on_post_changed,
    trigger_cancel,
    trigger_raise,
    triggers_scan,
)

__all__ = [
    "FollowUpInput", "cadre_flag_raise", "interview_approve", "interview_assess", "interview_follow_up",
    "interview_hold", "interview_propose", "interview_reject", "interview_report_submit",
    "interview_send_notice", "on_cadre_flagged", "on_post_changed", "pairing_rule_create",
    "supervision_conclude", "supervision_record", "supervision_respond", "talk_follow_up_done",
    "talk_plan_generate", "talk_record", "talker_register", "trigger_cancel", "trigger_raise", "triggers_scan",
]
