"""三龄两历一身份 archive audit: age, party age, work age; education and work history; identity.

Each check returns findings for a queryset of cadres. Where the database can decide (party join
before 18, work before 16, two leading posts at once) the check is one SQL statement; the ID-number
and résumé checks stream the needed columns once and decide in Python. docs/cadres.md lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from zugong.cadres import idcard
from zugong.cadres.dates import months_between
from zugong.cadres.models import Cadre, PostHolding, ResumeLine

ERROR, WARNING = "error", "warning"
IN_SERVICE_WORDS = ("在职", "函授", "党校", "业余", "自学考试", "自考", "网络教育", "夜大", "电大")
STUDY_WORDS = ("学习", "就读", "读书", "学生")
MAX_GAP_MONTHS = 3


@dataclass(frozen=True)
class Finding:
    cadre_id: int
    id_number: str
    name: str
    check: str
    severity: str
    message: str
    fields: tuple[str, ...]

    def as_dict(self) -> dict[str, str]:
        return {"id_number": self.id_number, "name": self.name, "check": self.check, "severity": self.severity,
                "message": self.message}


# What each check is called on the page and in exports (translated; the CLI prints them in Chinese).
CHECKS: dict[str, StrOrPromise] = {
    "id_format": _("公民身份号码格式不正确"),
    "id_check_digit": _("公民身份号码校验位错误"),
    "id_area": _("公民身份号码地址码不存在"),
    "id_birth": _("公民身份号码出生日期无效"),
    "birth_vs_id": _("出生年月与公民身份号码不一致"),
    "sex_vs_id": _("性别与公民身份号码不一致"),
    "id_missing": _("未登记公民身份号码"),
    "party_before_18": _("入党时未满18周岁"),
    "work_before_16": _("参加工作时未满16周岁"),
    "resume_missing": _("缺少简历"),
    "resume_order": _("简历顺序颠倒"),
    "resume_overlap": _("简历时段重叠"),
    "resume_before_birth": _("简历起始早于出生"),
    "resume_gap": _("简历时段间断超过3个月"),
    "study_overlaps_work": _("全日制学习与工作时段重叠且未注明在职"),
    "two_leading_posts": _("同时担任两个同层次领导职务"),
}


def _identity(cadres: QuerySet[Cadre]) -> Iterator[Finding]:
    rows = cadres.values_list("pk", "id_number", "name", "birth_date", "sex").iterator(chunk_size=5000)
    for pk, number, name, birth, sex in rows:
        if not number:
            yield Finding(pk, "", name, "id_missing", WARNING,
                          "未登记公民身份号码（导入的文件中没有）：请补录，否则无法核对出生年月和性别", ("id_number",))
            continue
        problems = idcard.problems(number)
        for problem in problems:
            yield Finding(pk, number, name, problem.check, ERROR, problem.message, ("id_number",))
        if any(p.check in {"id_format", "id_birth"} for p in problems):
            continue
        from_id = idcard.birth_date(number)
        if birth and from_id and (birth.year, birth.month) != (from_id.year, from_id.month):
            yield Finding(pk, number, name, "birth_vs_id", ERROR,
                          f"出生年月 {birth:%Y.%m} 与公民身份号码中的 {from_id:%Y.%m} 不一致", ("birth_date", "id_number"))
        if sex in {"1", "2"} and sex != idcard.sex_code(number):
            yield Finding(pk, number, name, "sex_vs_id", ERROR,
                          f"性别登记为{'男' if sex == '1' else '女'}，公民身份号码第17位表示{'男' if sex == '2' else '女'}",
                          ("sex", "id_number"))


def _too_young(cadres: QuerySet[Cadre], field: str, years: int, check: str, label: str) -> Iterator[Finding]:
    # Month precision: the forms record these dates as year and month.
    months_at = (ExtractYear(field) - ExtractYear("birth_date")) * 12 + ExtractMonth(field) - ExtractMonth("birth_date")
    rows = (cadres.filter(**{f"{field}__isnull": False}, birth_date__isnull=False)
            .annotate(months_at=months_at).filter(months_at__lt=years * 12)
            .values_list("pk", "id_number", "name", "birth_date", field))
    for pk, number, name, birth, day in rows:
        age = (months_between(birth, day)) // 12
        yield Finding(pk, number or "", name, check, ERROR,
                      f"{label} {day:%Y.%m} 时年仅 {age} 周岁（出生 {birth:%Y.%m}），未满 {years} 周岁", (field, "birth_date"))


def _is_study(text: str) -> bool:
    return any(w in text for w in STUDY_WORDS) and not any(w in text for w in IN_SERVICE_WORDS)


def _resume(cadres: QuerySet[Cadre], today: date) -> Iterator[Finding]:
    people = dict((pk, (n or "", name, b)) for pk, n, name, b in
                  cadres.values_list("pk", "id_number", "name", "birth_date").iterator(chunk_size=5000))
    lines = (ResumeLine.objects.filter(cadre__in=cadres, superseded_at__isnull=True)
             .order_by("cadre_id", "sort_order", "pk").values_list("cadre_id", "start", "end", "text", "note")
             .iterator(chunk_size=5000))
    seen: set[int] = set()
    for cadre_id, group in groupby(lines, key=lambda row: row[0]):
        seen.add(cadre_id)
        number, name, birth = people[cadre_id]
        yield from _resume_findings(cadre_id, number, name, birth, [row[1:] for row in group], today)
    for pk, (number, name, _birth) in people.items():
        if pk not in seen:
            yield Finding(pk, number, name, "resume_missing", WARNING, "没有登记任何简历", ("resume",))


def _resume_findings(pk: int, number: str, name: str, birth: date | None,
                     rows: list[tuple[date, date | None, str, str]], today: date) -> Iterator[Finding]:
    def finding(check: str, message: str, severity: str = WARNING) -> Finding:
        return Finding(pk, number, name, check, severity, message, ("resume",))

    if birth and rows and (rows[0][0].year, rows[0][0].month) < (birth.year, birth.month):
        yield finding("resume_before_birth", f"简历起始 {rows[0][0]:%Y.%m} 早于出生 {birth:%Y.%m}", ERROR)
    for index in range(1, len(rows)):
        (p_start, p_end, p_text, _prev_note), (start, _end, text, note) = rows[index - 1], rows[index]
        line = index + 1
        if start < p_start:
            yield finding("resume_order", f"简历第 {line} 行起始 {start:%Y.%m} 早于上一行起始 {p_start:%Y.%m}")
            continue
        prev_end = p_end or today
        if start < prev_end:
            if _is_study(p_text) != _is_study(text) and not any(w in p_text + text + note for w in IN_SERVICE_WORDS):
                yield finding("study_overlaps_work", f"简历第 {line - 1}、{line} 行全日制学习与工作时段重叠（"
                                                     f"{start:%Y.%m}--{prev_end:%Y.%m}），且未注明在职")
            else:
                yield finding("resume_overlap", f"简历第 {line} 行起始 {start:%Y.%m} 早于上一行截止 {prev_end:%Y.%m}")
        elif months_between(prev_end, start) > MAX_GAP_MONTHS:
            yield finding("resume_gap", f"简历第 {line - 1} 行截止 {prev_end:%Y.%m} 与第 {line} 行起始 {start:%Y.%m} "
                                        f"之间间断 {months_between(prev_end, start)} 个月")


def _two_leading(cadres: QuerySet[Cadre]) -> Iterator[Finding]:
    open_end = Value(date(9999, 12, 31))
    clash = PostHolding.objects.filter(
        cadre_id=OuterRef("cadre_id"), is_leading=True, rank_level=OuterRef("rank_level"), pk__gt=OuterRef("pk"),
        valid_from__lt=Coalesce(OuterRef("valid_to"), open_end),
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("valid_from")))
    rows = (PostHolding.objects.filter(cadre__in=cadres, is_leading=True).exclude(rank_level="")
            .filter(Exists(clash))
            .values_list("cadre_id", "cadre__id_number", "cadre__name", "title", "valid_from", "valid_to"))
    for pk, number, name, title, start, end in rows:
        period = f"{start:%Y.%m}--{end:%Y.%m}" if end else f"{start:%Y.%m}--至今"
        yield Finding(pk, number or "", name, "two_leading_posts", WARNING,
                      f"任“{title}”（{period}）期间同时担任另一同层次领导职务", ("post_holdings",))


# Which generator yields which checks: a request for some checks runs only the generators that yield them.
_GENERATORS: tuple[tuple[frozenset[str], Callable[[QuerySet[Cadre], date], Iterator[Finding]]], ...] = (
    (frozenset({"id_missing", "id_format", "id_check_digit", "id_area", "id_birth", "birth_vs_id", "sex_vs_id"}),
     lambda cadres, today: _identity(cadres)),
    (frozenset({"party_before_18"}),
     lambda cadres, today: _too_young(cadres, "party_join_date", 18, "party_before_18", "入党")),
    (frozenset({"work_before_16"}),
     lambda cadres, today: _too_young(cadres, "work_start_date", 16, "work_before_16", "参加工作")),
    (frozenset({"resume_missing", "resume_order", "resume_overlap", "resume_before_birth", "resume_gap",
                "study_overlaps_work"}), _resume),
    (frozenset({"two_leading_posts"}), lambda cadres, today: _two_leading(cadres)),
)


class UnknownCheck(ValueError):
    def __init__(self, codes: set[str]) -> None:
        super().__init__(f"未知的审核项目：{'、'.join(sorted(codes))}")
        self.codes = codes


# Checks decided by one SQL statement each: quick over a whole province. The others stream every cadre's
# identity or résumé lines through Python (seconds for a city or the province: a background job there).
SET_BASED = frozenset({"party_before_18", "work_before_16", "two_leading_posts"})

Step = Callable[[int, int], None]


def steps(checks: set[str] | None = None) -> int:
    """How many generators `run` goes through for `checks`: the steps it reports to `on_step`."""
    return sum(1 for codes, _generate in _GENERATORS if checks is None or codes & checks)


def run(cadres: QuerySet[Cadre], *, today: date, checks: set[str] | None = None,
        on_step: Step | None = None) -> tuple[int, list[Finding]]:
    """(cadres checked, findings sorted by name) — every check, or only `checks` (codes of CHECKS).

    `on_step(done, total)` is called before each generator and after the last (a background job's progress,
    and where its cancel stops it)."""
    if checks is not None and checks - CHECKS.keys():
        raise UnknownCheck(checks - CHECKS.keys())
    chosen = [generate for codes, generate in _GENERATORS if checks is None or codes & checks]
    findings: list[Finding] = []
    for done, generate in enumerate(chosen):
        if on_step is not None:
            on_step(done, len(chosen))
        findings.extend(f for f in generate(cadres, today) if checks is None or f.check in checks)
    if on_step is not None:
        on_step(len(chosen), len(chosen))
    findings.sort(key=lambda f: (f.name, f.cadre_id, f.check))
    return cadres.count(), findings
