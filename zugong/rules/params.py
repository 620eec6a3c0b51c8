"""The rule register (制度清单 R01–R33): titles, kinds and the pydantic schema of each rule's parameters.

The schema's defaults are the register defaults from the seed documents; the data migration seeds
them as each rule's root version, and `param()` falls back to them. A bad value is refused with a
Chinese message naming the parameter and the reason (`validate_params`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from zugong.core.errors import ValidationFailed

PeriodKind = Literal["month", "quarter", "year"]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CadenceParams(Params):
    period: PeriodKind = Field("month", title="周期")
    min_count: int = Field(1, ge=0, le=100_000, title="最少次数")
    max_count: int | None = Field(None, ge=0, le=100_000, title="最多次数")
    warn_days: int = Field(7, ge=0, le=366, title="提前提醒天数")
    grace_days: int = Field(5, ge=0, le=366, title="期满补录天数")

    @model_validator(mode="after")
    def _max_not_below_min(self) -> CadenceParams:
        if self.max_count is not None and self.max_count < self.min_count:
            raise ValueError("max_count:不能小于最少次数")
        return self


class ThresholdParams(Params):
    period: PeriodKind = Field("month", title="周期")
    min_total: float | None = Field(None, ge=0, title="最低数量")
    min_share_of_days: float | None = Field(None, gt=0, le=1, title="最低天数占比")
    warn_days: int = Field(7, ge=0, le=366, title="提前提醒天数")
    grace_days: int = Field(5, ge=0, le=366, title="期满补录天数")

    @model_validator(mode="after")
    def _one_target(self) -> ThresholdParams:
        if self.min_total is None and self.min_share_of_days is None:
            raise ValueError("min_total:最低数量与最低天数占比至少填写一项")
        return self


class DeadlineParams(Params):
    days: int = Field(30, ge=0, le=3660, title="期限天数")
    workdays: bool = Field(False, title="按工作日计算")
    warn_days: int = Field(3, ge=0, le=366, title="提前提醒天数")
    period: PeriodKind = Field("month", title="统计周期")


class R01Params(Params):
    """Two counts a year per organising unit: 分类考核 campaigns (1–2) and teams under 重点考核 (about 10, so
    only a shortfall is a finding: no maximum)."""

    classified: CadenceParams = Field(
        default_factory=lambda: CadenceParams.model_validate({"period": "year", "min_count": 1, "max_count": 2}),
        title="分类考核")
    key: CadenceParams = Field(
        default_factory=lambda: CadenceParams.model_validate({"period": "year", "min_count": 10}),
        title="重点考核领导班子")


class R02Params(DeadlineParams):
    bodies: list[str] = Field(["纪检监察", "巡视", "审计", "法检", "综治", "环保"], title="旁证单位")
    days: int = Field(15, ge=1, le=365, title="旁证回复天数")


class R04Params(CadenceParams):
    period: PeriodKind = Field("year", title="周期")


class R06StayParams(CadenceParams):
    """R06 part `stay`: each stay started in the year against about a month (its days, `min_count`)."""

    period: PeriodKind = Field("year", title="周期")
    min_count: int = Field(30, ge=1, le=366, title="每次蹲点最少天数")


class R06SuggestionParams(DeadlineParams):
    """R06 part `suggestions` (a deadline source): each forwarded suggestion's reply by its reply day, `days`
    after forwarding unless the forwarder names another."""

    days: int = Field(30, ge=1, le=3660, title="建议答复期限天数")
    period: PeriodKind = Field("year", title="统计周期")


class R06Params(CadenceParams):
    period: PeriodKind = Field("year", title="周期")
    min_count: int = Field(2, ge=0, title="最少批次")
    max_count: int | None = Field(3, ge=0, title="最多批次")
    stay: R06StayParams = Field(default_factory=lambda: R06StayParams.model_validate({}), title="蹲点天数")
    suggestions: R06SuggestionParams = Field(default_factory=lambda: R06SuggestionParams.model_validate({}),
                                             title="意见建议答复")


class R08Params(CadenceParams):
    period: PeriodKind = Field("year", title="周期")
    min_count: int = Field(2, ge=0, le=100, title="结对户数")
    linked_villages: int = Field(1, ge=0, le=100, title="联系村数")


class R09Params(ThresholdParams):
    min_total: float | None = Field(10, ge=0, title="每月最少走访户数")


class R10Params(ThresholdParams):
    period: PeriodKind = Field("year", title="周期")
    min_share_of_days: float | None = Field(round(2 / 3, 4), gt=0, le=1, title="最低在村天数占比")


class R11Params(ThresholdParams):
    min_share_of_days: float | None = Field(1.0, gt=0, le=1, title="有人值班天数占比")
    min_on_duty: int = Field(1, ge=1, le=50, title="每日最少值班人数")


class R12Params(Params):
    retreat: CadenceParams = Field(
        default_factory=lambda: CadenceParams.model_validate(
            {"period": "year", "min_count": 1, "max_count": 2, "warn_days": 30}),
        title="务虚会")
    symposium: CadenceParams = Field(
        default_factory=lambda: CadenceParams.model_validate({"period": "quarter", "min_count": 1, "warn_days": 14}),
        title="座谈会")


def _default_announcers() -> dict[str, str]:
    return {"正县级": "市委", "副县级": "市委", "正科级": "县委", "副科级": "县委"}


class R13Params(DeadlineParams):
    days: int = Field(3, ge=0, le=3660, title="公示期满后发文天数")
    publicity_min_workdays: int = Field(5, ge=1, le=60, title="任前公示最少工作日")
    # who announces the appointment (发文) depends on the post's level: the level's name → the announcing body
    announcers: dict[str, Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]] = Field(
        default_factory=_default_announcers, max_length=30, title="发文机关（按职务层次）")
    default_announcer: str = Field("本级党委", min_length=1, max_length=40, title="发文机关（其他职务层次）")


class R14Params(Params):
    team_no_excellent: int = Field(2, ge=1, le=50, title="班子被约谈次数（不得评优）")
    team_poor: int = Field(3, ge=1, le=50, title="班子被约谈次数（一般或较差）")
    cadre_no_excellent: int = Field(1, ge=1, le=50, title="干部被约谈次数（不得评优）")
    cadre_poor: int = Field(2, ge=1, le=50, title="干部被约谈次数（基本称职或不称职）")

    @model_validator(mode="after")
    def _ordered(self) -> R14Params:
        if self.team_poor < self.team_no_excellent:
            raise ValueError("team_poor:不能小于班子不得评优的约谈次数")
        if self.cadre_poor < self.cadre_no_excellent:
            raise ValueError("cadre_poor:不能小于干部不得评优的约谈次数")
        return self


class R16Params(DeadlineParams):
    days: int = Field(3, ge=0, le=3660, title="派单天数")


class R17Params(Params):
    min_vote_share: float | None = Field(None, ge=0, le=1, title="最低推荐票占比")
    max_rank: int | None = Field(None, ge=1, le=1000, title="确定考察对象的推荐名次上限")


class R19Params(Params):
    require_personal_report: bool = Field(True, title="须查核个人有关事项报告")
    draw_share: float = Field(0.1, ge=0, le=1, title="个人有关事项报告随机抽查比例")


class R21Params(Params):
    vote_required_level: str = Field("正县级", max_length=20, title="须票决的职级")
    quorum: str = Field("2/3", pattern=r"^[1-9][0-9]?/[1-9][0-9]?$", title="讨论决定到会比例（应到会成员的几分之几）")


class R22Params(DeadlineParams):
    """A deadline rule: each county's and municipal department's next inspection falls due its cycle of years
    after the last one (the source gives the due day; `days` is not used)."""

    county_years: int = Field(2, ge=1, le=10, title="县（市、区）专项检查间隔年数")
    department_years: int = Field(3, ge=1, le=10, title="市直部门专项检查间隔年数")
    days: int = Field(0, ge=0, le=0, title="期限天数（不适用：按间隔年数计算）")
    warn_days: int = Field(60, ge=0, le=366, title="到期前提醒天数")
    period: PeriodKind = Field("year", title="统计周期")


class R23Params(Params):
    min_years_in_township: int = Field(3, ge=0, le=20, title="乡镇最低服务年限")
    min_years_before_transfer: int = Field(2, ge=0, le=20, title="借调或调出前最低乡镇工作年限")


class R24PlanParams(DeadlineParams):
    days: int = Field(0, ge=0, le=3660, title="默认期限天数（方案未定时限时）")
    warn_days: int = Field(7, ge=0, le=366, title="方案节点提前提醒天数")


class R24DueParams(DeadlineParams):
    """R24 part `due`: a problem's own deadline (问题时限), which the level raising it sets (`days` is not used)."""

    days: int = Field(0, ge=0, le=0, title="期限天数（不适用：按问题时限）")
    warn_days: int = Field(7, ge=0, le=366, title="提前提醒天数")


class R24Params(CadenceParams):
    period: PeriodKind = Field("quarter", title="整改检查周期")
    # each problem's own deadline (R24 part `due`, a deadline source): notices before it falls due and once overdue
    due: R24DueParams = Field(default_factory=lambda: R24DueParams.model_validate({}), title="问题时限")
    # the accepted plans' milestones and deadlines (R24 part `plan`, a deadline source): notices before they fall due
    plan: R24PlanParams = Field(default_factory=lambda: R24PlanParams.model_validate({}), title="整改方案节点")


class R25Params(CadenceParams):
    period: PeriodKind = Field("year", title="周期")
    min_count: int = Field(2, ge=0, title="每年走访次数")
    occasions: list[str] = Field(["七一", "春节"], title="走访节点")


class R26TopicParams(ThresholdParams):
    """R26 part `topics`: each leader's topics of the year's lists, at least `min_total`; registering beyond
    `max_topics` is refused."""

    period: PeriodKind = Field("year", title="周期")
    min_total: float | None = Field(1, ge=0, le=20, title="最少牵头课题数")
    max_topics: int = Field(2, ge=0, le=20, title="最多牵头课题数")


class R26Params(ThresholdParams):
    period: PeriodKind = Field("year", title="周期")
    min_total: float | None = Field(90, ge=0, title="每年基层调研天数")
    topics: R26TopicParams = Field(default_factory=lambda: R26TopicParams.model_validate({}), title="牵头课题")


class R27Params(DeadlineParams):
    levels: int = Field(5, ge=2, le=10, title="预警等级数")
    period: PeriodKind = Field("quarter", title="通报周期")
    days: int = Field(10, ge=0, le=3660, title="季度结束后报送天数")


class R28Params(DeadlineParams):
    days: int = Field(60, ge=0, le=3660, title="办结期限天数")


class R29Params(CadenceParams):
    period: PeriodKind = Field("quarter", title="周期")
    max_count: int | None = Field(2, ge=0, title="最多次数")
    warn_days: int = Field(14, ge=0, le=366, title="提前提醒天数")


class R30CycleParams(ThresholdParams):
    """R30's rolling window: at each period's end, the off-job days of the `years` before it."""

    period: PeriodKind = Field("year", title="评估周期")
    min_total: float | None = Field(90, ge=0, title="周期内最少脱产培训天数")
    years: int = Field(5, ge=1, le=10, title="培训周期年数")


class R30ProgrammeParams(ThresholdParams):
    """R30 parts `advanced_classes` (示范班) and `seminars` (研讨班): the classes a county-and-above unit's org
    department started in the year."""

    period: PeriodKind = Field("year", title="周期")
    min_total: float | None = Field(2, ge=0, le=50, title="每年最少期数")


class R30Params(ThresholdParams):
    period: PeriodKind = Field("year", title="周期")
    min_total: float | None = Field(1, ge=0, title="每年最少脱产培训次数")
    cycle: R30CycleParams = Field(default_factory=lambda: R30CycleParams.model_validate({}), title="滚动培训周期")
    advanced_classes: R30ProgrammeParams = Field(default_factory=lambda: R30ProgrammeParams.model_validate({}),
                                                 title="示范班")
    seminars: R30ProgrammeParams = Field(default_factory=lambda: R30ProgrammeParams.model_validate({}),
                                         title="研讨班")


class R31Params(DeadlineParams):
    days: int = Field(30, ge=1, le=3660, title="跟进任务默认完成天数")
    areas: int = Field(4, ge=1, le=50, title="测评领域数")
    indicators: int = Field(19, ge=1, le=200, title="测评指标数")
    lowest_cities: int = Field(3, ge=0, le=50, title="督导的末位市数")
    lowest_counties: int = Field(10, ge=0, le=200, title="专项检查的末位县数")


class R32Params(Params):
    period: PeriodKind = Field("quarter", title="评定周期")


class R33Params(DeadlineParams):
    days: int = Field(0, ge=0, le=3660, title="默认期限天数（事项未定期限时）")
    report_period: PeriodKind = Field("month", title="重点任务报告周期")
    report_day: int = Field(25, ge=1, le=28, title="重点任务报告日（每期最后一个月的几日）")


class EmptyParams(Params):
    pass


@dataclass(frozen=True)
class RuleSpec:
    code: str
    title: str
    seed: str
    kind: str
    schema: type[Params]
    description: str


def _spec(code: str, title: str, seed: str, kind: str, schema: type[Params], description: str) -> RuleSpec:
    return RuleSpec(code, title, seed, kind, schema, description)


REGISTER: tuple[RuleSpec, ...] = (
    _spec("R01", "分类考核与重点考核", "000", "cadence", R01Params, "每年选取1–2类部门或1–2个主题开展分类考核，选取10个领导班子开展重点考核。"),
    _spec("R02", "考核旁证", "000", "deadline", R02Params, "被考核班子须征求纪检监察、巡视、审计、法检、综治、环保等单位旁证意见。"),
    _spec("R03", "有想法有反映干部及时谈话", "000", "deadline", DeadlineParams, "部长与各单位一把手谈话，班子成员与分管干部谈话；被标注“有想法、有反映”的干部在30日内谈话。"),
    _spec("R04", "年度谈心谈话全覆盖", "002", "coverage", R04Params, "每年与副科级以上实职干部谈心谈话全覆盖。"),
    _spec("R05", "五必谈", "002", "deadline", DeadlineParams, "任重要岗位、岗位变动、班子问题多、家庭困难或重病、长期在艰苦地区工作时，30日内必谈。"),
    _spec("R06", "蹲点调研", "000", "cadence", R06Params, "每年分2–3批组织处级以上干部蹲点调研约一个月，建议转交有关部门。"),
    _spec("R07", "民情分析会", "000", "cadence", CadenceParams, "乡镇党委建立民情台账，每月召开民情分析会。"),
    _spec("R08", "联村结对", "000", "coverage", R08Params, "乡镇领导联系一个村、结对两户群众。"),
    _spec("R09", "包村干部走访", "000", "threshold", R09Params, "包村乡镇干部每月走访农户不少于10户。"),
    _spec("R10", "村干部在村时间", "000", "threshold", R10Params, "村党组织书记、村委会主任全年三分之二以上时间在村。"),
    _spec("R11", "村干部坐班值守", "000", "threshold", R11Params, "每天至少一名村干部在村部值班。"),
    _spec("R12", "部务会务虚会和座谈会", "000", "cadence", R12Params, "部务会每年召开1–2次务虚会，每季度召开一次座谈会。"),
    _spec("R13", "公示期满发文", "000", "deadline", R13Params, "公示期满无问题的，3日内发文任职。"),
    _spec("R14", "约谈与考核等次挂钩", "001", "cap", R14Params, "班子一年被约谈2次不得评优，3次以上评为一般或较差；干部被约谈1次不得评优，2次以上评为基本称职或不称职。"),
    _spec("R15", "约谈后书面报告", "001", "deadline", DeadlineParams, "干部被约谈后1个月内书面报告认识、措施和进展。"),
    _spec("R16", "民心墙派单", "001", "deadline", R16Params, "群众诉求3日内按轻重缓急派单，一事一人，办理公开，群众评价。"),
    _spec("R17", "群众不推荐不考察", "001", "gate", R17Params, "群众不推荐或推荐票少的，不列为考察对象。"),
    _spec("R18", "问题线索未核实不使用", "001", "gate", EmptyParams, "问题信息档案中有未核实问题的干部，核实前不进入选拔。"),
    _spec("R19", "三龄两历一身份审核", "001", "gate", R19Params, "讨论前须审核三龄两历一身份，查核个人有关事项报告。"),
    _spec("R20", "选任全程纪实", "001", "audit", EmptyParams, "选任各环节责任人签字存档，可倒查追责。"),
    _spec("R21", "一把手末位表态与票决", "001", "workflow", R21Params, "一把手末位表态，正县级职务全委会票决。"),
    _spec("R22", "选人用人专项检查", "001", "deadline", R22Params, "每个县每2年、每个市直部门每3年开展一次选人用人专项检查。"),
    _spec("R23", "新录用乡镇公务员服务年限", "001", "gate", R23Params, "新录用乡镇公务员在乡镇最低服务3年，不满2年不得借调或调出。"),
    _spec("R24", "述职评议问题整改销号", "001", "cadence", R24Params, "述职评议问题清单书面反馈、逐项整改销号，每季度检查，次年述职评议。"),
    _spec("R25", "离任村干部关爱", "001", "cadence", R25Params, "每年七一、春节走访离任村干部，困难帮扶，符合条件的发放生活补贴。"),
    _spec("R26", "调查研究", "002", "threshold", R26Params, "年初定题、年末评估；县以上组织部领导每年基层调研不少于3个月，牵头1–2个课题。"),
    _spec("R27", "村集体经济收入预警", "002", "deadline", R27Params, "村集体经济收入分红橙黄绿蓝5级预警，每季度通报公开。"),
    _spec("R28", "信访限时办结", "002", "deadline", R28Params, "信访首接负责、公开承诺、60日内办结、书面答复、统计办结率。"),
    _spec("R29", "中心组学习", "003", "cadence", R29Params, "部理论学习中心组每季度学习1–2次。"),
    _spec("R30", "组工干部教育培训", "003", "threshold", R30Params, "组工干部每5年脱产培训不少于3个月，每年至少1次；每年举办示范班、研讨班各2期。"),
    _spec("R31", "群众满意度测评", "004", "deadline", R31Params, "4个领域19项指标测评各市县满意度，末位3个市督导、末位10个县专项检查。"),
    _spec("R32", "积分卡管理", "004", "computed", R32Params, "干部积分卡定期评定。"),
    _spec("R33", "项目化管理", "004", "deadline", R33Params, "项目和重点事项明确责任领导、责任人、措施和时限；重点任务每月报告，半年述职。"),
)

BY_CODE: dict[str, RuleSpec] = {spec.code: spec for spec in REGISTER}


def rule_title(code: str) -> str:
    spec = BY_CODE.get(code)
    return spec.title if spec else code


def default_params(code: str) -> dict[str, Any]:
    return BY_CODE[code].schema().model_dump(mode="json")


_REASONS: dict[str, str] = {
    "missing": "不能为空",
    "extra_forbidden": "不是该制度的参数",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为“是”或“否”",
    "bool_parsing": "应为“是”或“否”",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "string_too_long": "太长",
    "dict_type": "应为一组参数",
}


def _reason(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    bounds = {"greater_than_equal": "不能小于 {ge}", "greater_than": "应大于 {gt}",
              "less_than_equal": "不能大于 {le}", "less_than": "应小于 {lt}", "literal_error": "应为 {expected} 之一"}
    if kind == "literal_error":
        return "应为 " + str(ctx.get("expected", "")).replace(" or ", ", ").replace(", ", "、") + " 之一"
    if kind in bounds:
        shown = {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in ctx.items()}
        return bounds[kind].format(**shown)
    return _REASONS.get(kind, "取值无效")


def _field_title(schema: type[BaseModel], loc: tuple[Any, ...]) -> str:
    model: Any = schema
    titles: list[str] = []
    for part in loc:
        fields = getattr(model, "model_fields", {})
        info = fields.get(part)
        if info is None:
            titles.append(str(part))
            break
        titles.append(info.title or str(part))
        model = info.annotation
    return "·".join(titles)


@dataclass(frozen=True)
class ParamField:
    name: str  # dotted for a part: "retreat.min_count"
    title: str


def param_fields(code: str) -> list[ParamField]:
    """The rule's parameters, leaves only (R12's parts are listed as `retreat.min_count` …)."""
    return list(_leaves(BY_CODE[code].schema, prefix="", titles=""))


def _leaves(schema: type[BaseModel], *, prefix: str, titles: str) -> list[ParamField]:
    found: list[ParamField] = []
    for name, info in schema.model_fields.items():
        title = f"{titles}{info.title or name}"
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            found += _leaves(nested, prefix=f"{prefix}{name}.", titles=f"{title}·")
        else:
            found.append(ParamField(f"{prefix}{name}", title))
    return found


def validate_params(code: str, params: dict[str, Any]) -> dict[str, Any]:
    """Validate a full parameter set of rule `code`; refuse it in Chinese, naming the parameter."""
    schema = BY_CODE[code].schema
    try:
        return schema.model_validate(params).model_dump(mode="json")
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        if error["type"] == "value_error":
            # model validators say "<param>:<reason>"
            name, _, reason = str(error["ctx"]["error"]).partition(":")
            loc = (*loc, name)
        else:
            reason = _reason(error)
        dotted = ".".join(str(p) for p in loc)
        title = _field_title(schema, loc)
        raise ValidationFailed(f"参数“{title}”（{dotted}）{reason}", field=dotted) from exc
